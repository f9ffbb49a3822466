// `npm run bench:profile`: where Gatehouse's CPU time goes, layer by layer, per request.
//
// Runs the compiled engine under `node --cpu-prof` (recording on and off, one process each)
// in front of the benchmark's nginx backend, drives fixed request counts through it with
// h2load (HTTP/1.1, HTTP/1.1 over TLS, HTTP/2), and reads the profile of each load's time
// window: self time per layer (Gatehouse, undici, node:http, node:http2, streams, event loop,
// socket writes, GC) and the hottest functions, in µs per request. Writes profile.md and
// profile.json, and keeps the .cpuprofile files: open them in Chrome DevTools (Performance,
// "Load profile") or https://www.speedscope.app for flame graphs. See bench/README.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startBackends } from './backends/start-backends';
import type { Backends } from './backends/backend';
import { makePeerCertificate } from './certs';
import { h2loadMissing, runH2load } from './load/h2load';
import { describeMachine } from './machine';
import { summarizeProfile, type CpuProfile, type ProfileSummary } from './profile-model';
import { freePorts } from './ports';
import { ensureCompiled, gatehouseMissing, startGatehouse } from './subjects/gatehouse';
import { runWorkspace } from './workspace';

interface ProfileLoad {
  id: 'h1' | 'https' | 'h2';
  title: string;
  url: (http: number, https: number) => string;
  streams: number;
  h1: boolean;
}

const LOADS: ProfileLoad[] = [
  { id: 'h1', title: 'HTTP/1.1 keep-alive, 50 connections (h2load --h1 -c50)', url: (h) => `http://localhost:${h}/`, streams: 1, h1: true },
  { id: 'https', title: 'HTTPS (HTTP/1.1) keep-alive, 50 connections (h2load --h1 -c50)', url: (_h, s) => `https://localhost:${s}/`, streams: 1, h1: true },
  { id: 'h2', title: 'HTTP/2 over TLS, 50 clients × 10 streams (h2load -c50 -m10)', url: (_h, s) => `https://localhost:${s}/`, streams: 10, h1: false },
];

const USAGE = `npm run bench:profile [-- options]
  --requests N      requests per load in the profiled window (default 60000; 1000 at least)
  --loads a,b       loads to profile (h1, https, h2; default all)
  --recording a,b   on, off or both (default on,off)
  --interval US     sampling interval in µs (default 500)
  --out DIR         where profile.md, profile.json and the .cpuprofile files go (default bench/results/profile)`;

interface ProfileOptions {
  requests: number;
  loads: ProfileLoad[];
  recording: boolean[];
  intervalUs: number;
  outDir: string;
}

function parseArgs(argv: readonly string[]): ProfileOptions {
  const o: ProfileOptions = {
    requests: 60_000,
    loads: LOADS,
    recording: [true, false],
    intervalUs: 500,
    outDir: path.join(__dirname, 'results', 'profile'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--requests' || a === '--interval') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < (a === '--requests' ? 1000 : 50)) throw new Error(`${a} must be an integer of at least ${a === '--requests' ? 1000 : 50}\n${USAGE}`);
      if (a === '--requests') o.requests = n;
      else o.intervalUs = n;
    } else if (a === '--loads') {
      const ids = value().split(',');
      const unknown = ids.filter((id) => !LOADS.some((l) => l.id === id));
      if (unknown.length > 0) throw new Error(`unknown load(s): ${unknown.join(', ')}\n${USAGE}`);
      o.loads = LOADS.filter((l) => ids.includes(l.id));
    } else if (a === '--recording') {
      const modes = value().split(',');
      if (modes.some((m) => m !== 'on' && m !== 'off')) throw new Error(`--recording takes on, off or on,off\n${USAGE}`);
      o.recording = [...new Set(modes)].map((m) => m === 'on');
    } else if (a === '--out') o.outDir = path.resolve(value());
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return o;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

interface ProfiledRun {
  recording: boolean;
  load: ProfileLoad['id'];
  title: string;
  reqPerSec: number;
  profileFile: string;
  summary: ProfileSummary;
}

interface ProfiledEngine {
  recording: boolean;
  name: string;
  profDir: string;
  http: number;
  https: number;
  g: Awaited<ReturnType<typeof startGatehouse>>;
  windows: { load: ProfileLoad; startUs: number; endUs: number; requests: number; reqPerSec: number }[];
}

async function startProfiled(o: ProfileOptions, recording: boolean, backends: Backends, dir: string): Promise<ProfiledEngine> {
  const name = `gatehouse-rec-${recording ? 'on' : 'off'}.cpuprofile`;
  const profDir = path.join(dir, 'prof');
  const [http, https] = await freePorts(2);
  const g = await startGatehouse({
    dir,
    backends,
    recording,
    httpPort: http!,
    httpsPort: https!,
    compiled: true,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}`, `--cpu-prof-interval=${o.intervalUs}`],
  });
  return { recording, name, profDir, http: http!, https: https!, g, windows: [] };
}

/** Warm-up, then one counted window of `load` through `e`. */
async function runWindow(o: ProfileOptions, e: ProfiledEngine, load: ProfileLoad): Promise<void> {
  const base = { url: load.url(e.http, e.https), clients: 50, streams: load.streams, threads: 1, h1: load.h1 };
  // Warm-up outside the window: JIT, connections, the recording ring filling.
  await runH2load({ ...base, requests: Math.max(1000, Math.round(o.requests / 4)) });
  const startUs = nowUs();
  const r = await runH2load({ ...base, requests: o.requests });
  const endUs = nowUs();
  // A 404 or 502 counts as "succeeded" for h2load; profiling the wrong path would go unnoticed.
  if (r.status['2xx'] < o.requests * 0.99) {
    throw new Error(`${load.id}: only ${r.status['2xx']} of ${o.requests} requests got a 2xx (${JSON.stringify(r.status)}, ${r.requests.errored} errored)`);
  }
  e.windows.push({ load, startUs, endUs, requests: r.requests.done, reqPerSec: r.requestsPerSec });
  log(`  recording ${e.recording ? 'on' : 'off'}, ${load.id}: ${r.requests.done} requests, ${Math.round(r.requestsPerSec)} req/s`);
}

/** Stops the engine (SIGTERM: node writes the profile as it exits) and reads its windows. */
async function finishProfiled(o: ProfileOptions, e: ProfiledEngine): Promise<ProfiledRun[]> {
  await e.g.process.stop();
  const file = path.join(e.profDir, e.name);
  if (!fs.existsSync(file)) throw new Error(`no profile at ${file}: did Gatehouse exit cleanly?\n${e.g.process.output().slice(-2000)}`);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  fs.mkdirSync(o.outDir, { recursive: true });
  const kept = path.join(o.outDir, e.name);
  fs.copyFileSync(file, kept);
  return e.windows.map((w) => ({
    recording: e.recording,
    load: w.load.id,
    title: w.load.title,
    reqPerSec: w.reqPerSec,
    profileFile: kept,
    summary: summarizeProfile(profile, { startUs: w.startUs, endUs: w.endUs }, w.requests),
  }));
}

const us = (n: number): string => (n >= 10 ? n.toFixed(1) : n.toFixed(2));
/** A function's label as a table cell: code, with the pipes a regular expression may hold escaped. */
const codeCell = (s: string): string => {
  const escaped = s.replace(/\|/g, '\\|');
  return s.includes('`') ? `\`\` ${escaped} \`\`` : `\`${escaped}\``;
};
const pct = (n: number): string => `${(n * 100).toFixed(1)}%`;

export function profileMarkdown(runs: readonly ProfiledRun[], header: string): string {
  const out = [`# Where Gatehouse's CPU time goes`, '', header, ''];
  const loads = [...new Set(runs.map((r) => r.load))];
  for (const load of loads) {
    const of = runs.filter((r) => r.load === load);
    out.push(`## ${of[0]!.title}`, '');
    out.push(`| Layer (self time) | ${of.map((r) => `recording ${r.recording ? 'on' : 'off'}`).join(' | ')} |`);
    out.push(`|---|${of.map(() => '---:').join('|')}|`);
    const layers = [...new Set(of.flatMap((r) => r.summary.layers.map((l) => l.layer)))];
    for (const layer of layers) {
      const cells = of.map((r) => {
        const l = r.summary.layers.find((x) => x.layer === layer);
        return l ? `${us(l.usPerRequest)} µs (${pct(l.share)})` : '—';
      });
      out.push(`| ${layer} | ${cells.join(' | ')} |`);
    }
    out.push(`| **busy, all layers** | ${of.map((r) => `**${us(r.summary.busyUsPerRequest)} µs**`).join(' | ')} |`);
    out.push(`| throughput under the profiler | ${of.map((r) => `${Math.round(r.reqPerSec)} req/s`).join(' | ')} |`);
    out.push('');
    for (const r of of) {
      out.push(`Hottest functions, recording ${r.recording ? 'on' : 'off'} (${r.summary.samples} samples; \`${path.basename(r.profileFile)}\`):`, '');
      out.push('| Function | Layer | µs per request | share |', '|---|---|---:|---:|');
      for (const f of r.summary.top) out.push(`| ${codeCell(f.fn)} | ${f.layer} | ${us(f.usPerRequest)} | ${pct(f.share)} |`);
      out.push('');
    }
  }
  return `${out.join('\n')}\n`;
}

async function main(): Promise<number> {
  let o: ProfileOptions;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (err) {
    log((err as Error).message);
    return 2;
  }
  const missing = h2loadMissing() ?? (await gatehouseMissing());
  if (missing) {
    log(`cannot profile: ${missing}`);
    return 1;
  }
  const notCompiled = await ensureCompiled(log, true);
  if (notCompiled) {
    log(`cannot profile the compiled engine: ${notCompiled}`);
    return 1;
  }
  const machine = await describeMachine();
  const started = new Date();
  const { ws, cleanup } = runWorkspace(log, 'profiler');
  try {
    const cert = await makePeerCertificate(ws.sub('certs'));
    const [bNginx, bNginxTls, bNode] = await freePorts(3);
    const backends = await startBackends(ws.dir, { nginx: bNginx!, nginxTls: bNginxTls!, node: bNode! }, cert);
    // Every engine runs throughout and the loads alternate between them, so that a change in
    // the machine's state (another process, the CPU clock) does not fall on one mode only.
    const engines: ProfiledEngine[] = [];
    for (const recording of o.recording) engines.push(await startProfiled(o, recording, backends, ws.sub(`gatehouse-rec-${recording ? 'on' : 'off'}`)));
    for (const load of o.loads) {
      for (const e of engines) {
        if (load.id !== 'h1' && !e.g.https) {
          log(`  recording ${e.recording ? 'on' : 'off'}: no HTTPS listener came up, so no ${load.id} profile`);
          continue;
        }
        await runWindow(o, e, load);
      }
    }
    const runs: ProfiledRun[] = [];
    for (const e of engines) runs.push(...(await finishProfiled(o, e)));
    runs.sort((a, b) => o.loads.findIndex((l) => l.id === a.load) - o.loads.findIndex((l) => l.id === b.load));
    const header =
      `Taken ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine.nproc} × ${machine.cpuModel}, Node ${machine.node}, ` +
      `load average ${machine.loadAverageAtStart.join(' / ')}; \`npm run bench:profile\`: the compiled engine under \`node --cpu-prof\` ` +
      `(${o.intervalUs} µs sampling) in front of nginx, ${o.requests} requests per load after a warm-up of a quarter of that, ` +
      `self time of the samples inside each load's window ÷ requests. Only Gatehouse's process is profiled: the load tool ` +
      `and nginx share the ${os.cpus().length} cores with it, and the profiler itself costs a few per cent.`;
    fs.mkdirSync(o.outDir, { recursive: true });
    fs.writeFileSync(path.join(o.outDir, 'profile.md'), profileMarkdown(runs, header));
    fs.writeFileSync(path.join(o.outDir, 'profile.json'), `${JSON.stringify({ taken: started.toISOString(), machine, options: { ...o, loads: o.loads.map((l) => l.id) }, runs }, null, 2)}\n`);
    log(`wrote ${path.join(o.outDir, 'profile.md')}, profile.json and the .cpuprofile files (flame graphs: Chrome DevTools or speedscope)`);
    return 0;
  } catch (err) {
    log(`profiling failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await cleanup();
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
