/**
 * What a CLI command may touch, passed in rather than taken from `process`, so
 * commands can run in-process in tests with their own environment and output.
 */
export interface CliOutput {
  write(text: string): unknown;
}

export interface CliContext {
  stdout: CliOutput;
  stderr: CliOutput;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  platform: NodeJS.Platform;
  homedir: string;
  /** Resolves with the signal name when the process is asked to stop (SIGINT/SIGTERM). */
  shutdownRequested(): Promise<string>;
}

/** The command line was wrong: exit code 2, one line saying why. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command could not do its job: exit code 1, with the message as given. */
export class CliFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function println(out: CliOutput, line = ''): void {
  out.write(`${line}\n`);
}
