import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BALANCE_POLICIES, type BalancePolicy } from '../../shared/config';
import { resolvePaths, type GatehousePaths } from '../config/paths';
import { UsageError, type CliContext } from './cli-context';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const COMMON_USAGE = `  --config FILE     config file (default: the OS config dir; env GATEHOUSE_CONFIG)
  --data-dir DIR    state directory: CA, caches, instance.json (env GATEHOUSE_HOME)
  -h, --help        show this help`;

/**
 * node:util parseArgs, strict, with its errors turned into one-line usage errors
 * that name the command.
 */
export type ParsedValues<T extends Options> = { [K in keyof T]?: T[K] extends { type: 'boolean' } ? boolean : string };

export function parseCommandArgs<T extends Options>(
  command: string,
  args: string[],
  options: T,
  allowPositionals: boolean,
): { values: ParsedValues<T>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals, strict: true });
    return { values: values as ParsedValues<T>, positionals };
  } catch (err) {
    throw new UsageError(describeParseError(err as NodeJS.ErrnoException, command), command);
  }
}

function describeParseError(err: NodeJS.ErrnoException, command: string): string {
  const option = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''} for "gatehouse ${command}"`.replace('  ', ' ');
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(err.message)
        ? `${option ?? 'an option'} needs a value`
        : `${option ?? 'an option'} does not take a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(err.message)?.[1] ?? ''} for "gatehouse ${command}"`;
    default:
      return err.message;
  }
}

export function pathsFrom(values: { config?: string | undefined; 'data-dir'?: string | undefined }, ctx: CliContext): GatehousePaths {
  return resolvePaths({
    platform: ctx.platform,
    env: ctx.env,
    homedir: ctx.homedir,
    cwd: ctx.cwd,
    ...(values.config !== undefined ? { configFlag: values.config } : {}),
    ...(values['data-dir'] !== undefined ? { dataDirFlag: values['data-dir'] } : {}),
  });
}

export function portOption(name: string, value: string | undefined, command?: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`--${name} needs a port number from 0 to 65535 (0 picks a free port), not "${value}"`, command);
  }
  return Number(value);
}

export function balanceOption(value: string | undefined, command?: string): BalancePolicy | undefined {
  if (value === undefined) return undefined;
  if (!(BALANCE_POLICIES as readonly string[]).includes(value)) {
    throw new UsageError(`unknown balance policy "${value}"; use one of ${BALANCE_POLICIES.join(', ')}`, command);
  }
  return value as BalancePolicy;
}
