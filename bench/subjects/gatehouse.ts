import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Backends } from '../backends/backend';
import { PROXY_PATHS } from '../peers/peer';
import { runToEnd, startProcess, type Managed } from '../processes';
import { freePorts, waitForPort } from '../ports';
import { proxyUrl, type Subject } from './subject';

export const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'main', 'cli', 'gatehouse.js');

/** Why Gatehouse cannot be benchmarked yet, or undefined when it can. */
export async function gatehouseMissing(): Promise<string | undefined> {
  if (!fs.existsSync(path.join(ROOT, 'main', 'engine', 'engine.ts'))) return 'the engine (main/engine/engine.ts) does not exist yet';
  const r = await runToEnd('gatehouse --help', process.execPath, [CLI, 'start', '--help'], 30_000);
  if (r.code !== 0) return `\`gatehouse start --help\` failed: ${r.output.trim().split('\n')[0]}`;
  return undefined;
}

export interface GatehouseOptions {
  dir: string;
  backends: Backends;
  recording: boolean;
  maxExchanges?: number;
  httpPort: number;
  httpsPort: number;
}

/** The config the benchmark gives Gatehouse: the same paths as every peer, plus *.app.test for cold certificates. */
export function gatehouseConfig(o: GatehouseOptions, dnsPort: number): object {
  const nginx = `http://127.0.0.1:${o.backends.nginxPort}`;
  const node = `http://127.0.0.1:${o.backends.nodePort}`;
  const route = (host: string, p: string, target: string) => ({ host, path: p, target, redirectToHttps: false });
  return {
    routes: [
      route('localhost', PROXY_PATHS.nginx, nginx),
      route('localhost', PROXY_PATHS.node, node),
      route('localhost', PROXY_PATHS.ws, node),
      route('*.app.test', '/', nginx),
    ],
    httpPort: o.httpPort,
    httpsPort: o.httpsPort,
    dnsPort,
    listen: ['127.0.0.1'],
    recording: { enabled: o.recording, ...(o.maxExchanges !== undefined ? { maxExchanges: o.maxExchanges } : {}) },
  };
}

export interface StartedGatehouse {
  process: Managed;
  /** ms from spawn until both ports accepted connections */
  startupMs: number;
  /** ms from spawn until the first line that says it is listening, if it printed one */
  listeningLineMs?: number;
}

export async function startGatehouse(o: GatehouseOptions): Promise<StartedGatehouse> {
  fs.mkdirSync(o.dir, { recursive: true });
  const dataDir = path.join(o.dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const configFile = path.join(o.dir, 'gatehouse.json');
  const [dnsPort] = await freePorts(1);
  fs.writeFileSync(configFile, JSON.stringify(gatehouseConfig(o, dnsPort!), null, 2));
  const env = { ...process.env, GATEHOUSE_HOME: dataDir, GATEHOUSE_CONFIG: configFile };
  const t0 = performance.now();
  const p = startProcess(
    `gatehouse${o.recording ? '' : ' (recording off)'}`,
    process.execPath,
    [CLI, 'start', '--headless', '--config', configFile, '--data-dir', dataDir, '--http-port', String(o.httpPort), '--https-port', String(o.httpsPort)],
    { env, cwd: o.dir },
  );
  let listeningLineMs: number | undefined;
  const onData = (c: Buffer) => {
    if (listeningLineMs === undefined && /listening|ready|started/i.test(c.toString())) listeningLineMs = performance.now() - t0;
  };
  p.child.stdout?.on('data', onData);
  p.child.stderr?.on('data', onData);
  try {
    await Promise.race([
      Promise.all([waitForPort(o.httpPort, 60_000, 5), waitForPort(o.httpsPort, 60_000, 5)]),
      p.exited.then((code) => {
        throw new Error(`gatehouse exited with ${code} during start-up`);
      }),
    ]);
  } catch (err) {
    await p.stop();
    throw new Error(`${(err as Error).message}\n${p.output().slice(-3000)}`);
  }
  const startupMs = performance.now() - t0;
  return { process: p, startupMs, listeningLineMs };
}

export function gatehouseSubject(id: 'gatehouse' | 'gatehouse-norec', g: StartedGatehouse, o: GatehouseOptions): Subject {
  return {
    id,
    label: id === 'gatehouse' ? 'Gatehouse' : 'Gatehouse (rec off)',
    role: 'gatehouse',
    url: (target, scheme) => proxyUrl({ http: o.httpPort, https: o.httpsPort }, target, scheme, PROXY_PATHS),
    h2: true,
    pid: g.process.pid,
    notes: [
      `\`gatehouse start --headless\` from the checkout (TypeScript through tsx), recording ${o.recording ? 'on (defaults: 10k exchanges, 1 MB body cap)' : 'off'}`,
    ],
    stop: () => g.process.stop(),
  };
}
