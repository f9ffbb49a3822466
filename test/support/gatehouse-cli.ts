import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand, type CommandResult } from './run-command';

/**
 * Runs the real `gatehouse` executable (node main/cli/gatehouse.js) in an
 * isolated environment: config, data, HOME and XDG dirs all under one temp
 * directory, so nothing touches the real user's files.
 */
export const GATEHOUSE_JS = path.resolve(__dirname, '..', '..', 'main', 'cli', 'gatehouse.js');

export interface CliSandbox {
  dir: string;
  configFile: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
}

export function cliSandbox(dir: string, opts: { useDefaults?: boolean } = {}): CliSandbox {
  const configFile = path.join(dir, 'config', 'config.json');
  const dataDir = path.join(dir, 'data');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: path.join(dir, 'home'),
    XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
    XDG_DATA_HOME: path.join(dir, 'xdg-data'),
    GATEHOUSE_CONFIG: configFile,
    GATEHOUSE_HOME: dataDir,
    NO_COLOR: '1',
  };
  if (opts.useDefaults) {
    delete env.GATEHOUSE_CONFIG;
    delete env.GATEHOUSE_HOME;
  }
  return { dir, configFile, dataDir, env };
}

export function runGatehouse(sandbox: CliSandbox, args: readonly string[]): Promise<CommandResult> {
  return runCommand(process.execPath, [GATEHOUSE_JS, ...args], { env: sandbox.env, timeoutMs: 30_000 });
}

/** A `gatehouse start` child process with its output collected as it arrives. */
export class GatehouseProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private readonly killTimer: NodeJS.Timeout;

  constructor(sandbox: CliSandbox, args: readonly string[]) {
    this.child = spawn(process.execPath, [GATEHOUSE_JS, 'start', ...args], { env: sandbox.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    // Never outlive the test, whatever happens.
    this.killTimer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        clearTimeout(this.killTimer);
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits (bounded) until stdout or stderr matches; returns the match. */
  async waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this[stream].match(pattern);
      if (m) return m;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`no ${pattern} on ${stream} within ${timeoutMs} ms\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** For finally blocks: make sure the process is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

export function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
