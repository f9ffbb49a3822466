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
  /** Run the compiled CLI (dist/main/cli/main.js) instead of the checkout's gatehouse.js (tsx); default: see runCompiledByDefault. */
  compiled?: boolean;
  /** Flags for node itself, before the script (e.g. --cpu-prof). */
  nodeArgs?: readonly string[];
}

export const COMPILED_CLI = path.join(ROOT, 'dist', 'main', 'cli', 'main.js');

function newestTs(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestTs(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** dist/main is current (building it with tsc -b main when it is not); returns why not otherwise. */
export async function ensureCompiled(log: (line: string) => void, mayBuild: boolean): Promise<string | undefined> {
  const sources = Math.max(newestTs(path.join(ROOT, 'main')), newestTs(path.join(ROOT, 'shared')));
  if (fs.existsSync(COMPILED_CLI) && fs.statSync(COMPILED_CLI).mtimeMs >= sources) return undefined;
  if (!mayBuild) return 'dist/main is missing or older than main/';
  log('  compiling main/ (tsc -b main): the benchmark measures the compiled engine, as the packaged app runs it…');
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = await runToEnd('tsc -b main', process.execPath, [tsc, '-b', 'main'], 300_000, { cwd: ROOT });
  if (r.code !== 0 || !fs.existsSync(COMPILED_CLI)) return `tsc -b main failed: ${r.output.trim().split('\n')[0]}`;
  // tsc -b re-emits only the files that changed, so main.js keeps its old time after an edit
  // elsewhere and every later run would compile again. The build is current now: say so.
  const now = new Date();
  fs.utimesSync(COMPILED_CLI, now, now);
  return undefined;
}

/** Whether Gatehouse subjects run compiled unless told otherwise (set once by run.ts after ensureCompiled). */
let compiledByDefault = false;
export function runCompiledByDefault(on: boolean): void {
  compiledByDefault = on;
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
  /** ms from spawn until its HTTP listener accepted connections (and the HTTPS one, when it has one) */
  startupMs: number;
  /** ms from spawn until it printed "Gatehouse … running" */
  listeningLineMs?: number;
  /** Whether the HTTPS listener came up (it may not exist yet in a given build). */
  https: boolean;
}

const READY_LINE = /Gatehouse \S+ running/;

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
    [...(o.nodeArgs ?? []), (o.compiled ?? compiledByDefault) ? COMPILED_CLI : CLI, 'start', '--headless', '--config', configFile, '--data-dir', dataDir, '--http-port', String(o.httpPort), '--https-port', String(o.httpsPort)],
    { env, cwd: o.dir },
  );
  let listeningLineMs: number | undefined;
  const onData = () => {
    if (listeningLineMs === undefined && READY_LINE.test(p.output())) listeningLineMs = performance.now() - t0;
  };
  p.child.stdout?.on('data', onData);
  p.child.stderr?.on('data', onData);
  let https = false;
  let httpReadyMs = 0;
  let httpsReadyMs = 0;
  try {
    await Promise.race([
      waitForPort(o.httpPort, 60_000, 5),
      p.exited.then((code) => {
        throw new Error(`gatehouse exited with ${code} during start-up`);
      }),
    ]);
    httpReadyMs = performance.now() - t0;
    https = await waitForPort(o.httpsPort, listeningLineMs === undefined ? 10_000 : 2_000, 5).then(
      () => true,
      () => false,
    );
    httpsReadyMs = performance.now() - t0;
  } catch (err) {
    await p.stop();
    throw new Error(`${(err as Error).message}\n${p.output().slice(-3000)}`);
  }
  const startupMs = https ? Math.max(httpReadyMs, httpsReadyMs) : httpReadyMs;
  return { process: p, startupMs, listeningLineMs, https };
}

export function gatehouseSubject(id: 'gatehouse' | 'gatehouse-norec', g: StartedGatehouse, o: GatehouseOptions): Subject {
  return {
    id,
    label: id === 'gatehouse' ? 'Gatehouse' : 'Gatehouse (rec off)',
    role: 'gatehouse',
    url: (target, scheme) => (scheme === 'https' && !g.https ? undefined : proxyUrl({ http: o.httpPort, https: o.httpsPort }, target, scheme, PROXY_PATHS)),
    h2: g.https,
    pid: g.process.pid,
    rssTree: false,
    notes: [
      `\`gatehouse start --headless\` ${(o.compiled ?? compiledByDefault) ? 'compiled (dist/main/cli/main.js)' : 'from the checkout (TypeScript through tsx)'}, recording ${o.recording ? 'on (defaults: 10k exchanges, 1 MB body cap)' : 'off'}`,
      ...(g.https ? [] : ['no HTTPS listener came up, so no HTTPS/HTTP/2 figures']),
    ],
    recordedBytes: () => recordedBytes(g),
    stop: () => g.process.stop(),
  };
}

/** recording.get's totalBytes through the control API (the dashboard URL start-up printed carries the token). */
async function recordedBytes(g: StartedGatehouse): Promise<number | undefined> {
  const m = /dashboard: (\S+)/.exec(g.process.output());
  if (!m) return undefined;
  const url = new URL(m[1]!);
  try {
    const res = await fetch(`${url.origin}/api/recording.get`, {
      method: 'POST',
      headers: { authorization: `Bearer ${url.searchParams.get('token') ?? ''}`, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(5_000),
    });
    const answer = (await res.json()) as { ok: boolean; result?: { totalBytes: number } };
    return answer.ok ? answer.result?.totalBytes : undefined;
  } catch {
    return undefined;
  }
}
