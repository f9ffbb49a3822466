import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The one place trust-store and DNS-setup code runs programs. Injectable, so the
 * per-OS logic is tested on the commands it would run.
 */

export interface Command {
  cmd: string;
  args: readonly string[];
  /** Written to the program's stdin. */
  input?: string;
}

export interface CommandResult {
  /** Exit code; 127 when the program could not be started. */
  code: number;
  stdout: string;
  stderr: string;
}

export type CommandRunner = (command: Command) => Promise<CommandResult>;

const COMMAND_TIMEOUT_MS = 120_000;

/** Runs a program for real (no shell), capturing output. sudo/pkexec prompt on the terminal or a GUI agent. */
export const spawnCommand: CommandRunner = (command) =>
  new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (result: CommandResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const child = spawn(command.cmd, command.args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => finish({ code: 127, stdout, stderr: stderr + err.message }));
    child.on('close', (code, signal) => finish({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(command.input ?? '');
  });

/** A command as one copy-pasteable shell line (POSIX quoting). */
export function formatCommand(command: Command): string {
  const quote = (a: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [command.cmd, ...command.args].map(quote).join(' ');
}

/** Finds a program on PATH (or an absolute path that exists); undefined when absent. */
export function findProgram(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (path.isAbsolute(name)) return fs.existsSync(name) ? name : undefined;
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  // Some admin tools live in sbin, which is not on every user's PATH.
  for (const extra of ['/usr/local/sbin', '/usr/sbin', '/sbin']) if (!dirs.includes(extra)) dirs.push(extra);
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
