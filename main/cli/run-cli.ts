import { gatehouseVersion } from '../instance/version';
import type { CliCommand } from './cli-command';
import { CliFailure, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, println, UsageError, type CliContext } from './cli-context';
import { COMMANDS } from './commands';

/**
 * Dispatches `gatehouse <command> …` to the command registry and turns what
 * comes back into an exit code: 0 done, 1 failed, 2 wrong usage — always with a
 * reason on stderr.
 */
export function mainUsage(commands: readonly CliCommand[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: gatehouse <command> [options]',
    '',
    'Gatehouse: a local reverse proxy for developers — names like app.test to local ports.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `gatehouse <command> --help` for a command\'s options. `gatehouse --version` prints the version.',
  ].join('\n');
}

export async function runCli(argv: readonly string[], ctx: CliContext, commands: readonly CliCommand[] = COMMANDS): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    println(name === undefined ? ctx.stderr : ctx.stdout, mainUsage(commands));
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    println(ctx.stdout, gatehouseVersion());
    return EXIT_OK;
  }
  if (name === 'help') {
    const topic = args[0] === undefined ? undefined : commands.find((c) => c.name === args[0]);
    if (args[0] !== undefined && !topic) return usageFailure(ctx, `unknown command "${args[0]}"`);
    println(ctx.stdout, topic ? topic.usage : mainUsage(commands));
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const hint = name.startsWith('-') ? `unknown option ${name}` : `unknown command "${name}"`;
    return usageFailure(ctx, `${hint}; commands: ${commands.map((c) => c.name).join(', ')}`);
  }
  try {
    return await command.run(args, ctx);
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(ctx, err.message, err.command ?? command.name);
    return failure(ctx, err);
  }
}

function usageFailure(ctx: CliContext, message: string, command?: string): number {
  println(ctx.stderr, `gatehouse: ${message} (see gatehouse ${command ? `${command} ` : ''}--help)`);
  return EXIT_USAGE;
}

function failure(ctx: CliContext, err: unknown): number {
  if (err instanceof CliFailure) {
    println(ctx.stderr, `gatehouse: ${err.message}`);
  } else if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string') {
    // Coded errors (the engine's, the config layer's) carry a message meant for people.
    println(ctx.stderr, `gatehouse: ${err.message}`);
  } else {
    println(ctx.stderr, `gatehouse: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  return EXIT_FAILURE;
}
