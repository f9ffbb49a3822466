import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GatehouseConfig } from '../../shared/config';
import { memoryLogger } from '../../main/engine/logger';
import { GatehouseInstance } from '../../main/instance/gatehouse-instance';
import { tempDataDir } from './temp-data-dir';

export interface TestInstance {
  instance: GatehouseInstance;
  configPath: string;
  dataDir: string;
  logger: ReturnType<typeof memoryLogger>;
  /** The control server's base URL, e.g. http://127.0.0.1:PORT */
  controlUrl: string;
  token: string;
  /** POST /api/<method> with the token; returns status and parsed JSON. */
  call(method: string, params?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * A headless GatehouseInstance (engine, HTTPS, DNS, control server, watcher) in a
 * temporary directory, every port ephemeral, listening on 127.0.0.1 only.
 */
export async function startTestInstance(config: GatehouseConfig, opts: { configText?: string } = {}): Promise<TestInstance> {
  const tmp = tempDataDir('gatehouse-hostile-');
  const configPath = path.join(tmp.dir, 'config.json');
  fs.writeFileSync(configPath, opts.configText ?? JSON.stringify(config, null, 2) + '\n');
  const dataDir = path.join(tmp.dir, 'data');
  const logger = memoryLogger();
  let instance: GatehouseInstance;
  try {
    instance = await GatehouseInstance.start({ configPath, dataDir, headless: true, logger, httpPort: 0, listen: ['127.0.0.1'] });
  } catch (err) {
    tmp.cleanup();
    throw err;
  }
  const controlUrl = instance.info().controlUrl!;
  const token = (JSON.parse(fs.readFileSync(path.join(dataDir, 'instance.json'), 'utf8')) as { token: string }).token;
  return {
    instance,
    configPath,
    dataDir,
    logger,
    controlUrl,
    token,
    async call(method, params = {}, headers = {}) {
      const res = await fetch(`${controlUrl}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
        body: typeof params === 'string' ? params : JSON.stringify(params),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body };
    },
    async close() {
      await instance.stop(200);
      tmp.cleanup();
    },
  };
}
