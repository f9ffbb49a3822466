import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import type { GatehouseConfig } from '../../shared/config';
import { Engine, type EngineOptions } from '../../main/engine/engine';
import type { ExchangeObserver } from '../../main/engine/exchange-observer';
import { memoryLogger } from '../../main/engine/logger';

export interface TestProxy {
  engine: Engine;
  port: number;
  logger: ReturnType<typeof memoryLogger>;
  /** An undici request to the proxy with the given Host. Bodies are read by the caller. */
  request(
    host: string,
    path: string,
    opts?: Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method?: Dispatcher.HttpMethod },
  ): Promise<Dispatcher.ResponseData>;
  /** Request and read the body as text. */
  text(host: string, path: string, headers?: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: string }>;
  close(): Promise<void>;
}

/** Starts an engine on 127.0.0.1 only, on an ephemeral port, with a private undici client. */
export async function startProxy(
  config: GatehouseConfig,
  opts: { observer?: ExchangeObserver; listen?: string[] } & Partial<EngineOptions> = {},
): Promise<TestProxy> {
  const logger = memoryLogger();
  const engine = await Engine.start({ httpPort: 0, listen: ['127.0.0.1'], logger, ...opts, config });
  const agent = new Agent({ keepAliveTimeout: 1_000 });
  const base = `http://127.0.0.1:${engine.httpPort}`;
  const request: TestProxy['request'] = (host, path, o = {}) =>
    undiciRequest(`${base}${path}`, {
      dispatcher: agent,
      ...o,
      method: o.method ?? 'GET',
      headers: { host, ...(o.headers as Record<string, string> | undefined) },
    }) as Promise<Dispatcher.ResponseData>;
  return {
    engine,
    port: engine.httpPort,
    logger,
    request,
    async text(host, path, headers = {}) {
      const r = await request(host, path, { headers });
      return { status: r.statusCode, headers: r.headers as Record<string, unknown>, body: await r.body.text() };
    },
    async close() {
      await agent.close();
      await engine.stop(500);
    },
  };
}
