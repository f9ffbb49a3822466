// `npm run bench:profile`: where Gatehouse's CPU time goes, layer by layer, per request.
//
// Runs the compiled engine under `node --cpu-prof` (recording on and off, one process each),
// and the Node floor beside it, in front of the benchmark's nginx backend. It drives fixed
// counts through them with h2load (HTTP/1.1, HTTP/1.1 over TLS, HTTP/2) and tls-connect
// (new TLS connections), and reads the profile of each load's time window: self time per
// layer (Gatehouse, undici, node:http, node:http2, streams, event loop, socket writes, GC),
// the hottest functions, and the functions where Gatehouse spends more than the floor, in µs
// per request. Writes profile.md and profile.json, and keeps the .cpuprofile files: open them
// in Chrome DevTools (Performance, "Load profile") or https://www.speedscope.app for flame
// graphs. See bench/README.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startBackends } from './backends/start-backends';
import type { Backends } from './backends/backend';
import { makePeerCertificate, type PeerCertificate } from './certs';
import { h2loadMissing, runH2load } from './load/h2load';
import { buildTlsConnect, runTlsConnect } from './load/tls-connect';
import { describeMachine } from './machine';
import { functionDifferences, summarizeProfile, type CpuProfile, type ProfileSummary } from './profile-model';
import { freePorts } from './ports';
import { ensureCompiled, gatehouseMissing, startGatehouse } from './subjects/gatehouse';
import { PROXY_PATHS } from './peers/peer';
import { startProcess, waitForOutput, type Managed } from './processes';
import { runWorkspace } from './workspace';

interface ProfileLoad {
  id: 'h1' | 'https' | 'h2' | 'tls-new';
  title: string;
  url: (http: number, https: number) => string;
  streams: number;
  h1: boolean;
  /** New TLS connections through bench/load/tls-connect.c instead of h2load. */
  tlsConnect?: boolean;
}

const LOADS: ProfileLoad[] = [
  { id: 'h1', title: 'HTTP/1.1 keep-alive, 50 connections (h2load --h1 -c50)', url: (h) => `http://localhost:${h}/`, streams: 1, h1: true },
  { id: 'https', title: 'HTTPS (HTTP/1.1) keep-alive, 50 connections (h2load --h1 -c50)', url: (_h, s) => `https://localhost:${s}/`, streams: 1, h1: true },
  { id: 'h2', title: 'HTTP/2 over TLS, 50 clients × 10 streams (h2load -c50 -m10)', url: (_h, s) => `https://localhost:${s}/`, streams: 10, h1: false },
  {
    id: 'tls-new',
    title: 'New TLS connections, full handshake + 1 request each, 16 concurrent (bench/load/tls-connect.c; a tenth of --requests)',
    url: (_h, s) => `https://localhost:${s}/`,
    streams: 1,
    h1: true,
    tlsConnect: true,
  },
];

const USAGE = `npm run bench:profile [-- options]
  --requests N      requests per load in the profiled window (default 60000; 1000 at least)
  --loads a,b       loads to profile (h1, https, h2, tls-new; default all)
  --recording a,b   on, off or both (default on,off)
  --no-floor        leave out the Node floor (profiled beside Gatehouse by default)
  --interval US     sampling interval in µs (default 500)
  --out DIR         where profile.md, profile.json and the .cpuprofile files go (default bench/results/profile)`;

interface ProfileOptions {
  requests: number;
  loads: ProfileLoad[];
  recording: boolean[];
  floor: boolean;
  intervalUs: number;
  outDir: string;
}

function parseArgs(argv: readonly string[]): ProfileOptions {
  const o: ProfileOptions = {
    requests: 60_000,
    loads: LOADS,
    recording: [true, false],
    floor: true,
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
    } else if (a === '--no-floor') o.floor = false;
    else if (a === '--out') o.outDir = path.resolve(value());
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
  /** Which process: Gatehouse with recording on or off, or the Node floor. */
  subject: SubjectId;
  label: string;
  load: ProfileLoad['id'];
  title: string;
  reqPerSec: number;
  profileFile: string;
  summary: ProfileSummary;
}

type SubjectId = 'gatehouse-rec-on' | 'gatehouse-rec-off' | 'node-floor';
const SUBJECT_LABEL: Record<SubjectId, string> = {
  'gatehouse-rec-on': 'recording on',
  'gatehouse-rec-off': 'recording off',
  'node-floor': 'Node floor',
};

interface ProfiledProcess {
  subject: SubjectId;
  name: string;
  profDir: string;
  http: number;
  https: number;
  hasHttps: boolean;
  process: Managed;
  windows: { load: ProfileLoad; startUs: number; endUs: number; requests: number; reqPerSec: number }[];
}

/** Node's flags for a profile; without `name`, node names each thread's file itself (CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile). */
const profileArgs = (o: ProfileOptions, profDir: string, name?: string): string[] => [
  '--cpu-prof',
  `--cpu-prof-dir=${profDir}`,
  ...(name ? [`--cpu-prof-name=${name}`] : []),
  `--cpu-prof-interval=${o.intervalUs}`,
];

async function startProfiledGatehouse(o: ProfileOptions, recording: boolean, backends: Backends, dir: string): Promise<ProfiledProcess> {
  const subject: SubjectId = recording ? 'gatehouse-rec-on' : 'gatehouse-rec-off';
  const name = `${subject}.cpuprofile`;
  const profDir = path.join(dir, 'prof');
  const [http, https] = await freePorts(2);
  const g = await startGatehouse({ dir, backends, recording, httpPort: http!, httpsPort: https!, compiled: true, nodeArgs: profileArgs(o, profDir, name) });
  return { subject, name, profDir, http: http!, https: https!, hasHttps: g.https, process: g.process, windows: [] };
}

/**
 * The Node floor (bench/peers/node-floor-server.ts: node:http and node:http2's core streams
 * in, undici out, nothing else) under the same profiler: its columns beside Gatehouse's show,
 * layer by layer, what Gatehouse adds to the least its stack can cost.
 */
async function startProfiledFloor(o: ProfileOptions, backends: Backends, cert: PeerCertificate, dir: string): Promise<ProfiledProcess> {
  const subject: SubjectId = 'node-floor';
  const name = `${subject}.cpuprofile`;
  const profDir = path.join(dir, 'prof');
  const [http, https] = await freePorts(2);
  const config = { httpPort: http!, httpsPort: https!, nginxPort: backends.nginxPort, nodePort: backends.nodePort, cert: cert.certFile, key: cert.keyFile, nodePaths: [PROXY_PATHS.node, PROXY_PATHS.ws] };
  // No fixed file name: tsx's module hooks run in a thread of their own, which writes a
  // profile too, and with one name for both the last to exit would overwrite the main thread's.
  const p = startProcess('node floor (profiled)', process.execPath, [
    ...profileArgs(o, profDir),
    '--import',
    'tsx',
    path.join(__dirname, 'peers', 'node-floor-server.ts'),
    JSON.stringify(config),
  ]);
  try {
    await waitForOutput(p, /listening/, 30_000);
  } catch (err) {
    await p.stop();
    throw err;
  }
  return { subject, name, profDir, http: http!, https: https!, hasHttps: true, process: p, windows: [] };
}

/** Warm-up, then one counted window of `load` through `e`. */
async function runWindow(o: ProfileOptions, e: ProfiledProcess, load: ProfileLoad, tlsConnect: string | undefined): Promise<void> {
  if (load.tlsConnect) return runTlsWindow(o, e, load, tlsConnect!);
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
  log(`  ${SUBJECT_LABEL[e.subject]}, ${load.id}: ${r.requests.done} requests, ${Math.round(r.requestsPerSec)} req/s`);
}

/** New TLS connections, a tenth of --requests (each is a handshake, far dearer than a request), after a warm-up. */
async function runTlsWindow(o: ProfileOptions, e: ProfiledProcess, load: ProfileLoad, bin: string): Promise<void> {
  const connections = Math.max(500, Math.round(o.requests / 10));
  const base = { port: e.https, sni: 'localhost', path: '/', concurrency: 16, seconds: 60 };
  await runTlsConnect(bin, { ...base, maxConnections: Math.max(200, Math.round(connections / 4)) });
  const startUs = nowUs();
  const r = await runTlsConnect(bin, { ...base, maxConnections: connections });
  const endUs = nowUs();
  if (r.ok < connections * 0.99) throw new Error(`${load.id}: only ${r.ok} of ${connections} connections succeeded (${r.failed} failed)`);
  e.windows.push({ load, startUs, endUs, requests: r.ok, reqPerSec: r.ok / r.seconds });
  log(`  ${SUBJECT_LABEL[e.subject]}, ${load.id}: ${r.ok} connections, ${Math.round(r.ok / r.seconds)} conn/s`);
}

/** The main thread's profile: the fixed name, or node's own name with thread id 0. */
function profileFile(e: ProfiledProcess): string {
  const fixed = path.join(e.profDir, e.name);
  if (fs.existsSync(fixed)) return fixed;
  const main = fs.existsSync(e.profDir) ? fs.readdirSync(e.profDir).find((f) => f.includes(`.${e.process.pid}.0.`) && f.endsWith('.cpuprofile')) : undefined;
  if (!main) return fixed;
  fs.renameSync(path.join(e.profDir, main), fixed);
  return fixed;
}

/** Stops the process (SIGTERM: node writes the profile as it exits) and reads its windows. */
async function finishProfiled(o: ProfileOptions, e: ProfiledProcess): Promise<ProfiledRun[]> {
  await e.process.stop();
  const file = profileFile(e);
  if (!fs.existsSync(file)) throw new Error(`no profile at ${file}: did ${SUBJECT_LABEL[e.subject]} exit cleanly?\n${e.process.output().slice(-2000)}`);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  fs.mkdirSync(o.outDir, { recursive: true });
  const kept = path.join(o.outDir, e.name);
  fs.copyFileSync(file, kept);
  return e.windows.map((w) => ({
    subject: e.subject,
    label: SUBJECT_LABEL[e.subject],
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
    if (load === 'tls-new') out.push('Each connection carries one request: "per request" below is per connection, handshake included.', '');
    out.push(`| Layer (self time) | ${of.map((r) => r.label).join(' | ')} |`);
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
    const unit = load === 'tls-new' ? 'conn/s' : 'req/s';
    out.push(`| throughput under the profiler | ${of.map((r) => `${Math.round(r.reqPerSec)} ${unit}`).join(' | ')} |`);
    out.push('');
    for (const r of of) {
      out.push(`Hottest functions, ${r.label} (${r.summary.samples} samples; \`${path.basename(r.profileFile)}\`):`, '');
      out.push('| Function | Layer | µs per request | share |', '|---|---|---:|---:|');
      for (const f of r.summary.top) out.push(`| ${codeCell(f.fn)} | ${f.layer} | ${us(f.usPerRequest)} | ${pct(f.share)} |`);
      out.push('');
    }
    const floor = of.find((r) => r.subject === 'node-floor');
    const off = of.find((r) => r.subject === 'gatehouse-rec-off');
    if (floor && off) {
      out.push(
        `What Gatehouse (recording off) spends beyond the Node floor: ${us(off.summary.busyUsPerRequest - floor.summary.busyUsPerRequest)} µs per request in all; ` +
          'the functions that differ most, per request (a function of Gatehouse\'s own is all extra; a negative figure is time the floor spends and Gatehouse does not):',
        '',
      );
      out.push('| Function | Layer | recording off | Node floor | difference |', '|---|---|---:|---:|---:|');
      for (const d of functionDifferences(off.summary.functions, floor.summary.functions, 20)) {
        out.push(`| ${codeCell(d.fn)} | ${d.layer} | ${us(d.aUs)} | ${us(d.bUs)} | ${d.diffUs >= 0 ? '+' : ''}${us(d.diffUs)} |`);
      }
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
    let tlsConnect: string | undefined;
    if (o.loads.some((l) => l.tlsConnect)) {
      const built = await buildTlsConnect(ws.sub('tls-connect'));
      if (!built.bin) {
        log(`  no tls-new profile: ${built.missing}`);
        o.loads = o.loads.filter((l) => !l.tlsConnect);
      } else tlsConnect = built.bin;
    }
    const engines: ProfiledProcess[] = [];
    for (const recording of o.recording) engines.push(await startProfiledGatehouse(o, recording, backends, ws.sub(`gatehouse-rec-${recording ? 'on' : 'off'}`)));
    if (o.floor) engines.push(await startProfiledFloor(o, backends, cert, ws.sub('node-floor')));
    for (const load of o.loads) {
      for (const e of engines) {
        if (load.id !== 'h1' && !e.hasHttps) {
          log(`  ${SUBJECT_LABEL[e.subject]}: no HTTPS listener came up, so no ${load.id} profile`);
          continue;
        }
        await runWindow(o, e, load, tlsConnect);
      }
    }
    const runs: ProfiledRun[] = [];
    for (const e of engines) runs.push(...(await finishProfiled(o, e)));
    const order: SubjectId[] = ['gatehouse-rec-on', 'gatehouse-rec-off', 'node-floor'];
    runs.sort((a, b) => o.loads.findIndex((l) => l.id === a.load) - o.loads.findIndex((l) => l.id === b.load) || order.indexOf(a.subject) - order.indexOf(b.subject));
    const header =
      `Taken ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine.nproc} × ${machine.cpuModel}, Node ${machine.node}, ` +
      `load average ${machine.loadAverageAtStart.join(' / ')}; \`npm run bench:profile\`: the compiled engine under \`node --cpu-prof\` ` +
      `(${o.intervalUs} µs sampling) in front of nginx, ${o.requests} requests per load after a warm-up of a quarter of that, ` +
      `self time of the samples inside each load's window ÷ requests. ` +
      (o.floor ? `The Node floor (bench/peers/node-floor-server.ts: node:http and node:http2 in, undici out, nothing else) is profiled the same way, beside it. ` : '') +
      `The load tool and nginx share the ${os.cpus().length} cores with the profiled processes and are not profiled; the profiler itself costs a few per cent.`;
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
