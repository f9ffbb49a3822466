import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { resolvePaths } from '../config/paths';
import { consoleLogger } from '../engine/logger';
import { GatehouseInstance } from '../instance/gatehouse-instance';
import type { ShellEngine } from './shell-engine';

/**
 * The one place the shell touches the engine: starts the same GatehouseInstance
 * `gatehouse start` runs (config, engine, recorder, control server), with the
 * same --config / --data-dir / --http-port / --https-port flags, and hands the
 * shell its API handlers and event hub.
 */
export interface ShellEngineOptions {
  /** The app's own arguments (Chromium switches are ignored). */
  argv: readonly string[];
}

function port(name: string, value: string | boolean | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new Error(`--${name} needs a port number from 0 to 65535, not "${value}"`);
  return Number(value);
}

export async function createShellEngine(options: ShellEngineOptions): Promise<ShellEngine & { instance: GatehouseInstance }> {
  const { values } = parseArgs({
    args: [...options.argv],
    strict: false,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      'http-port': { type: 'string' },
      'https-port': { type: 'string' },
    },
  });
  const paths = resolvePaths({
    platform: process.platform,
    env: process.env,
    homedir: os.homedir(),
    cwd: process.cwd(),
    ...(typeof values.config === 'string' ? { configFlag: values.config } : {}),
    ...(typeof values['data-dir'] === 'string' ? { dataDirFlag: values['data-dir'] } : {}),
  });
  const httpPort = port('http-port', values['http-port']);
  const httpsPort = port('https-port', values['https-port']);
  const instance = await GatehouseInstance.start({
    configPath: paths.configFile,
    dataDir: paths.dataDir,
    headless: false,
    logger: consoleLogger,
    ...(httpPort !== undefined ? { httpPort } : {}),
    ...(httpsPort !== undefined ? { httpsPort } : {}),
  });
  return {
    instance,
    handlers: instance.api,
    subscribe: (listener, wanted) => instance.events.subscribe(listener, wanted),
    stop: () => instance.stop(3_000),
  };
}
