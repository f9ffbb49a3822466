import type { GatehouseConfig } from '../../shared/config';
import { println, type CliContext } from './cli-context';

/**
 * The config for commands that only read settings (ca, trust, untrust, dns setup,
 * doctor): the file's, or — when there is no file yet — the defaults, with a note
 * on stderr. These commands never create or write the config file: a running
 * Gatehouse whose file was deleted keeps its routes until the file is back.
 */
export async function configOrDefaults(configFile: string, ctx: CliContext): Promise<GatehouseConfig> {
  // Loaded on use, so --help and usage errors stay instant.
  const { ConfigStore } = require('../config/config-store') as typeof import('../config/config-store');
  const { config, missing } = await new ConfigStore(configFile).readOrDefaults();
  if (missing) {
    println(ctx.stderr, `note: ${configFile} does not exist, so the default settings apply (the file was not created; \`gatehouse start\` or \`gatehouse route add\` creates it)`);
  }
  return config;
}
