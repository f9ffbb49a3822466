import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findProgram, spawnCommand, type CommandRunner } from './command-runner';

/**
 * Everything the trust-store and DNS-setup code asks of the machine, in one
 * injectable object: tests substitute the platform, home directory, runner
 * and program lookup.
 */
export interface SystemContext {
  platform: NodeJS.Platform;
  homeDir: string;
  env: NodeJS.ProcessEnv;
  /** Running as root (uid 0); always false on Windows. */
  isRoot: boolean;
  /** A person at a terminal who can answer a sudo password prompt. */
  interactive: boolean;
  run: CommandRunner;
  hasProgram(name: string): boolean;
  /** Whether this process may write the file (or create it in its directory) without elevation. */
  canWrite(file: string): boolean;
}

/** Writable per access(2): the file itself, or — when it does not exist — its nearest existing parent. */
export function canWriteFile(file: string): boolean {
  let p = file;
  for (;;) {
    try {
      fs.accessSync(p, fs.constants.W_OK);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return false;
    }
    const parent = path.dirname(p);
    if (parent === p) return false;
    p = parent;
  }
}

export function realSystemContext(overrides: Partial<SystemContext> = {}): SystemContext {
  const env = overrides.env ?? process.env;
  return {
    platform: process.platform,
    homeDir: env.HOME && process.platform !== 'win32' ? env.HOME : os.homedir(),
    env,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    run: spawnCommand,
    hasProgram: (name) => findProgram(name, env) !== undefined,
    canWrite: canWriteFile,
    ...overrides,
  };
}
