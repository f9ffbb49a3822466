// `npm run bench`: Gatehouse side by side with nginx, Caddy, HAProxy, node-http-proxy and the Node floor.
// See bench/README.md for what is measured and how; results go to bench/results/.
import * as os from 'node:os';
import * as path from 'node:path';
import { startBackends } from './backends/start-backends';
import type { Backends } from './backends/backend';
import { makePeerCertificate } from './certs';
import { runExtras } from './extras/run-extras';
import { runInterleaved, type LoadResult } from './interleave';
import { LOADS, type LoadContext } from './loads';
import { buildTlsConnect } from './load/tls-connect';
import { runH2load } from './load/h2load';
import { runWrk } from './load/wrk';
import { describeMachine } from './machine';
import { parseOptions, wanted, type BenchOptions } from './options';
import { caddyPeer } from './peers/caddy';
import { haproxyPeer } from './peers/haproxy';
import { nginxPeer } from './peers/nginx-proxy';
import { nodeHttpProxyPeer } from './peers/node-http-proxy';
import { nodeFloorPeer } from './peers/node-floor';
import { nodeFloorClusterPeer } from './peers/node-floor-cluster';
import { nodeSplicePeer } from './peers/node-splice';
import { nodeLlhttpPeer } from './peers/node-llhttp';
import { nodeFloorBarePeer } from './peers/node-floor-bare';
import type { Peer } from './peers/peer';
import { freePorts } from './ports';
import { killAllNow } from './processes';
import { writeResults } from './report';
import type { BenchResults, SubjectInfo } from './results-model';
import { directSubject } from './subjects/direct';
import { ensureCompiled, gatehouseMissing, gatehouseSubject, runCompiledByDefault, startGatehouse } from './subjects/gatehouse';
import type { Subject } from './subjects/subject';
import { runWorkspace } from './workspace';

const PEERS: Peer[] = [nginxPeer, caddyPeer, haproxyPeer, nodeHttpProxyPeer, nodeFloorPeer, nodeFloorBarePeer, nodeFloorClusterPeer, nodeLlhttpPeer, nodeSplicePeer];

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseOptions(process.argv.slice(2), path.join(__dirname, 'results'));
  } catch (err) {
    log((err as Error).message);
    return 2;
  }
  const started = new Date();
  const t0 = performance.now();
  const machine = await describeMachine();
  log(`gatehouse bench (${opts.quick ? 'quick' : 'default'}): ${machine.nproc} × ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}`);
  const notes: string[] = [];
  if (machine.loadAverageAtStart[0]! > machine.nproc * 0.5)
    notes.push(`The machine was busy when the run started (1-minute load average ${machine.loadAverageAtStart[0]} on ${machine.nproc} cores): treat the figures as rough.`);
  if (opts.rounds < 3) notes.push(`Only ${opts.rounds} round(s) per load: medians need at least 3.`);

  const { ws, cleanup } = runWorkspace(log, 'benchmark');

  const subjects: Subject[] = [];
  const subjectInfo: SubjectInfo[] = [];
  let backends: Backends | undefined;
  try {
    const cert = await makePeerCertificate(ws.sub('certs'));
    const [bNginx, bNginxTls, bNode] = await freePorts(3);
    backends = await startBackends(ws.dir, { nginx: bNginx!, nginxTls: bNginxTls!, node: bNode! }, cert);
    log(`backends up: nginx :${backends.nginxPort} (TLS :${backends.nginxTlsPort}), node :${backends.nodePort}`);
    const direct = directSubject(backends);
    subjects.push(direct);
    subjectInfo.push({ id: 'direct', label: 'direct', notes: direct.notes, version: `nginx ${await nginxPeer.version()} / Node ${process.versions.node}` });

    const want = (id: string) => opts.subjects.length === 0 || opts.subjects.includes(id);
    const ghMissing = await gatehouseMissing();
    const notCompiled = ghMissing ? undefined : await ensureCompiled(log, true);
    if (notCompiled) notes.push(`Gatehouse ran from TypeScript through tsx, not compiled: ${notCompiled}.`);
    runCompiledByDefault(notCompiled === undefined);
    for (const [id, recording] of [['gatehouse', true], ['gatehouse-norec', false]] as const) {
      if (!want(id)) continue;
      const label = recording ? 'Gatehouse' : 'Gatehouse (rec off)';
      if (ghMissing) {
        subjectInfo.push({ id, label, notes: [], skipped: ghMissing });
        continue;
      }
      try {
        const [http, https] = await freePorts(2);
        const o = { dir: ws.sub(id), backends, recording, httpPort: http!, httpsPort: https! };
        const g = await startGatehouse(o);
        const s = gatehouseSubject(id, g, o);
        subjects.push(s);
        subjectInfo.push({ id, label, notes: s.notes });
        log(`${label} up on :${http} / :${https} in ${g.startupMs.toFixed(0)} ms`);
      } catch (err) {
        subjectInfo.push({ id, label, notes: [], skipped: `did not start: ${(err as Error).message.split('\n')[0]}` });
        log(`${label} did not start: ${(err as Error).message}`);
      }
    }
    for (const peer of PEERS) {
      if (!want(peer.id)) continue;
      const missing = peer.unavailable();
      if (missing) {
        subjectInfo.push({ id: peer.id, label: peer.label, notes: [], skipped: missing });
        log(`${peer.label}: skipped (${missing})`);
        continue;
      }
      try {
        const [http, https] = await freePorts(2);
        const s = await peer.start({ dir: ws.sub(peer.id), backends, cert, httpPort: http!, httpsPort: https! });
        subjects.push(s);
        subjectInfo.push({ id: peer.id, label: peer.label, notes: s.notes, version: await peer.version() });
        log(`${peer.label} up on :${http} / :${https}`);
      } catch (err) {
        subjectInfo.push({ id: peer.id, label: peer.label, notes: [], skipped: `did not start: ${(err as Error).message.split('\n')[0]}` });
        log(`${peer.label} did not start: ${(err as Error).message}`);
      }
    }

    const ctx: LoadContext = { opts, tlsConnect: await buildTlsConnect(ws.sub('tools')) };
    await warmUp(subjects, opts);

    const loads: LoadResult[] = [];
    for (const load of LOADS) {
      if (!wanted(opts, load.id)) continue;
      if (load.id.startsWith('node-') && !opts.nodeBackend && opts.only.length === 0) continue;
      log(`load ${load.id}: ${load.title}`);
      loads.push(await runInterleaved(load, subjects, ctx, log));
    }

    const extras = await runExtras({ opts, ws, backends, ghMissing, subjects, ctx, log });

    await cleanup();
    const results: BenchResults = {
      startedAt: started.toISOString(),
      durationS: (performance.now() - t0) / 1000,
      mode: opts.quick ? 'quick' : 'default',
      args: process.argv.slice(2).filter((a, i, all) => a !== '--out' && all[i - 1] !== '--out'),
      rounds: opts.rounds,
      secondsPerMeasurement: opts.seconds,
      machine,
      loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100),
      subjects: subjectInfo,
      loads,
      extras,
      notes,
    };
    const files = writeResults(results, opts.outDir);
    log(`\nwrote ${files.md} and ${files.json} (${Math.round(results.durationS)} s)`);
    return 0;
  } catch (err) {
    log(`bench failed: ${(err as Error).stack ?? err}`);
    await cleanup();
    return 1;
  }
}

/**
 * Brings every subject's code paths (JIT, pools, TLS session state) up to speed before anything
 * is measured. Counted in requests, not seconds: V8 tiers code up by how often it runs, so a
 * slow subject needs as many requests as a fast one. Gatehouse has far more code on its path than
 * the Node peers: traced with --trace-opt/--trace-deopt, its HTTP/2 throughput rose over its first
 * 30,000 requests (4.1k, 5.6k, then 7.6k req/s in batches of 10,000; 564, 134, 18 functions
 * optimised in them) and was steady after that, so a few seconds of warm-up measured it half-compiled.
 */
async function warmUp(subjects: readonly Subject[], opts: BenchOptions): Promise<void> {
  const requests = opts.warmupRequests;
  log(`warm-up: ${requests} requests each of HTTP, HTTPS and HTTP/2 per subject`);
  for (const s of subjects) {
    const http = s.url('nginx', 'http');
    const https = s.url('nginx', 'https');
    try {
      if (http) await runH2load({ url: http, clients: 50, streams: 1, threads: 1, h1: true, requests });
      if (https) await runH2load({ url: https, clients: 50, streams: 1, threads: 1, h1: true, requests });
      if (https && s.h2) await runH2load({ url: https, clients: 50, streams: 10, threads: 1, requests });
    } catch (err) {
      log(`  warm-up of ${s.id} failed: ${(err as Error).message.split('\n')[0]}`);
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`bench failed: ${(err as Error).stack ?? err}`);
    killAllNow();
    process.exit(1);
  },
);
