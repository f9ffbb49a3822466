import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a real client (curl, dig, openssl, h2load…) with a hard time limit; never
 * throws for a non-zero exit — tests assert on the code and output.
 */
export function runCommand(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that exits without reading its stdin (openssl, most of the time) closes the
    // pipe first: EPIPE on the input is not the test's concern, the exit code and output are.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** An environment without NODE_EXTRA_CA_CERTS (for clients that must not trust a test CA by accident). */
export function envWithoutExtraCa(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.CURL_CA_BUNDLE;
  delete env.SSL_CERT_FILE;
  return env;
}
