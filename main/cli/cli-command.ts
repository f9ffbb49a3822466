import type { CliContext } from './cli-context';

/**
 * One `gatehouse <name>` command. To add one: a file in main/cli/commands/
 * exporting a CliCommand, and one line in main/cli/commands/index.ts.
 */
export interface CliCommand {
  name: string;
  /** One line for `gatehouse --help`. */
  summary: string;
  /** The full text for `gatehouse <name> --help`. */
  usage: string;
  /** Arguments after the command name. Returns the exit code; throws UsageError (2) or anything else (1). */
  run(args: string[], ctx: CliContext): Promise<number>;
}
