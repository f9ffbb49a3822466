import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { ConfigStore } from '../../main/config/config-store';
import { createApiHandlers, type ControlDeps } from '../../main/control/api-handlers';
import { ControlServer } from '../../main/control/control-server';
import { EventHub } from '../../main/control/event-hub';
import { Recorder } from '../../main/recorder/recorder';
import type { GatehouseConfig } from '../../shared/config';
import { tempDataDir } from './temp-data-dir';

export interface ControlHarness {
  recorder: Recorder;
  events: EventHub;
  server: ControlServer;
  store: ConfigStore;
  dir: string;
  close(): Promise<void>;
}

/** A control server over a real recorder and a real config file in a temp dir (no engine unless endpoints say so). */
export async function startControlHarness(opts: { config?: GatehouseConfig; recorder?: Recorder; deps?: Partial<ControlDeps> } = {}): Promise<ControlHarness> {
  const { dir, cleanup } = tempDataDir('gatehouse-control-');
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(opts.config ?? { routes: [{ host: 'app.test', target: 'http://127.0.0.1:3000' }] }, null, 2));
  const store = new ConfigStore(configFile);
  const staticDir = path.join(dir, 'ui');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Gatehouse</title><div id="root"></div>');
  fs.writeFileSync(path.join(staticDir, 'app.js'), 'console.log("ui")');
  const events = new EventHub();
  const recorder = opts.recorder ?? new Recorder({ batchMs: 10 });
  recorder.setEmitter(events.emit);
  const handlers = createApiHandlers({
    recorder,
    config: store,
    currentConfig: () => opts.config ?? { routes: [] },
    endpoints: () => ({}),
    info: () => ({ version: 'test', mode: 'headless', pid: process.pid }),
    emit: events.emit,
    ...opts.deps,
  });
  const server = await ControlServer.start({ handlers, events, staticDir });
  return {
    recorder,
    events,
    server,
    store,
    dir,
    async close() {
      await server.stop();
      recorder.close();
      cleanup();
    },
  };
}

export interface PlainResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request with full control over Host, Origin and the rest (node:http, no agent). */
export function controlRequest(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { host: `127.0.0.1:${port}`, ...opts.headers }, agent: false, setHost: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('control request timed out')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** POST /api/<method> with a Bearer token. */
export async function callApi(port: number, token: string, method: string, params: unknown = {}, headers: Record<string, string> = {}): Promise<PlainResponse & { json: { ok: boolean; result?: unknown; error?: { code: string; message: string } } }> {
  const r = await controlRequest(port, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(params),
  });
  return { ...r, json: JSON.parse(r.body) };
}
