import * as os from 'node:os';
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
    ...overrides,
  };
}
