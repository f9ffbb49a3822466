import { LARGE_PATH, LARGE_SIZE } from './backends/backend';
import { runH2load, h2loadMissing } from './load/h2load';
import { runTlsConnect } from './load/tls-connect';
import { runWrk, wrkMissing } from './load/wrk';
import type { WrkResult } from './load/wrk-output';
import { runWsEcho } from './load/ws-echo';
import type { BenchOptions } from './options';
import { probeH2, probeHttp, probeWs } from './probe';
import { cpuSeconds, sampleRss } from './rss';
import type { Subject } from './subjects/subject';

/** Last measured HTTP/2 rate per URL: sizes the next counted h2load run. */
const h2Rates = new Map<string, number>();

export interface Measurement {
  value: number;
  extra?: Record<string, number | undefined>;
  warnings?: string[];
}

export interface LoadContext {
  opts: BenchOptions;
  tlsConnect: { bin?: string; missing?: string };
}

export interface Load {
  id: string;
  title: string;
  unit: string;
  better: 'higher' | 'lower';
  /** Reported as the difference to the direct subject measured in the same round. */
  addedOverDirect?: boolean;
  /** Why this load cannot run at all here (a tool is missing). */
  missing(ctx: LoadContext): string | undefined;
  /** The URL this load uses on a subject, or undefined when the subject does not offer it. */
  url(s: Subject): string | undefined;
  probe(url: string): Promise<string | undefined>;
  run(url: string, s: Subject, ctx: LoadContext): Promise<Measurement>;
}

function checked(r: WrkResult, what: string): string[] {
  const warnings: string[] = [];
  const errs = r.socketErrors.connect + r.socketErrors.read + r.socketErrors.write + r.socketErrors.timeout;
  if (r.requests === 0) throw new Error(`${what}: no requests completed`);
  if (r.non2xx3xx > r.requests * 0.01) throw new Error(`${what}: ${r.non2xx3xx} of ${r.requests} responses were not 2xx/3xx`);
  if (r.non2xx3xx > 0) warnings.push(`${r.non2xx3xx} non-2xx responses`);
  if (errs > 0) warnings.push(`socket errors ${JSON.stringify(r.socketErrors)}`);
  return warnings;
}

const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / 1024 / 1024);

export const LOADS: Load[] = [
  {
    id: 'h1',
    title: 'HTTP/1.1 keep-alive, 50 connections (wrk -t2 -c50)',
    unit: 'req/s',
    better: 'higher',
    missing: () => wrkMissing(),
    url: (s) => s.url('nginx', 'http'),
    probe: (u) => probeHttp(u),
    async run(url, s, ctx) {
      // The subject's own CPU time per request: steadier than req/s on a shared 2-core machine.
      const cpu0 = s.pid !== undefined ? cpuSeconds(s.pid, s.rssTree ?? true) : undefined;
      const r = await runWrk({ url, threads: 2, connections: 50, seconds: ctx.opts.seconds.throughput });
      const cpu1 = s.pid !== undefined ? cpuSeconds(s.pid, s.rssTree ?? true) : undefined;
      const extra = cpu0 !== undefined && cpu1 !== undefined && r.requests > 0 ? { cpuUsPerRequest: ((cpu1 - cpu0) * 1e6) / r.requests } : undefined;
      return { value: r.requestsPerSec, ...(extra ? { extra } : {}), warnings: checked(r, url) };
    },
  },
  {
    id: 'latency',
    title: 'Latency added at 1 connection, p50 (wrk --latency -t1 -c1)',
    unit: 'ms',
    better: 'lower',
    addedOverDirect: true,
    missing: () => wrkMissing(),
    url: (s) => s.url('nginx', 'http'),
    probe: (u) => probeHttp(u),
    async run(url, _s, ctx) {
      const r = await runWrk({ url, threads: 1, connections: 1, seconds: ctx.opts.seconds.latency, latency: true });
      return { value: r.latencyMs.p50 ?? NaN, extra: { p99: r.latencyMs.p99, reqPerSec: r.requestsPerSec }, warnings: checked(r, url) };
    },
  },
  {
    id: 'https',
    title: 'HTTPS keep-alive, 50 connections (wrk -t2 -c50)',
    unit: 'req/s',
    better: 'higher',
    missing: () => wrkMissing(),
    url: (s) => s.url('nginx', 'https'),
    probe: (u) => probeHttp(u),
    async run(url, _s, ctx) {
      const r = await runWrk({ url, threads: 2, connections: 50, seconds: ctx.opts.seconds.throughput });
      return { value: r.requestsPerSec, warnings: checked(r, url) };
    },
  },
  {
    id: 'tls-new',
    title: 'New TLS connections, full handshake + 1 request each, 16 concurrent (bench/load/tls-connect.c)',
    unit: 'conn/s',
    better: 'higher',
    missing: (ctx) => ctx.tlsConnect.missing,
    url: (s) => s.url('nginx', 'https'),
    probe: (u) => probeHttp(u),
    async run(url, _s, ctx) {
      const u = new URL(url);
      const r = await runTlsConnect(ctx.tlsConnect.bin!, {
        port: Number(u.port),
        sni: u.hostname,
        path: u.pathname,
        concurrency: 16,
        seconds: ctx.opts.seconds.tls,
      });
      if (r.ok === 0) throw new Error(`${url}: no TLS connection succeeded (${r.failed} failed)`);
      const warnings = r.failed > 0 ? [`${r.failed} connections failed`] : [];
      if (r.failed > r.ok * 0.01) throw new Error(`${url}: ${r.failed} of ${r.ok + r.failed} TLS connections failed`);
      return { value: r.ok / r.seconds, extra: { p50Ms: r.p50_ms, p99Ms: r.p99_ms }, warnings };
    },
  },
  {
    id: 'h2',
    title: 'HTTP/2 over TLS, 50 clients × 10 streams (h2load -c50 -m10)',
    unit: 'req/s',
    better: 'higher',
    missing: () => h2loadMissing(),
    url: (s) => (s.h2 ? s.url('nginx', 'https') : undefined),
    probe: (u) => probeH2(u),
    async run(url, _s, ctx) {
      // Counted runs, not h2load -D: a duration run often never exits (seen against Gatehouse and
      // against a bare 10-line node:http2 server alike, with bytes left unread on a socket), which
      // used to cost rounds. The count aims at the configured duration from this URL's last rate
      // (a short calibration run the first time); req/s is then count ÷ h2load's own elapsed time.
      // One h2load thread: as fast as two against the direct nginx here.
      let rate = h2Rates.get(url);
      if (rate === undefined) {
        const calibration = await runH2load({ url, clients: 50, streams: 10, threads: 1, requests: 2000 });
        rate = calibration.requestsPerSec;
      }
      const requests = Math.round(Math.min(300_000, Math.max(2_000, rate * ctx.opts.seconds.throughput)));
      const r = await runH2load({ url, clients: 50, streams: 10, threads: 1, requests });
      h2Rates.set(url, r.requestsPerSec);
      const bad = r.requests.failed + r.requests.errored + r.requests.timeout;
      if (r.requests.succeeded === 0) throw new Error(`${url}: no HTTP/2 request succeeded`);
      if (r.status['2xx'] < r.requests.succeeded * 0.99) throw new Error(`${url}: only ${r.status['2xx']} of ${r.requests.succeeded} were 2xx`);
      return { value: r.requestsPerSec, warnings: bad > 0 ? [`${bad} of ${requests} requests failed/errored/timed out`] : [] };
    },
  },
  {
    id: 'stream',
    title: '10 MB body streamed, 1 connection (wrk -t1 -c1), throughput',
    unit: 'MB/s',
    better: 'higher',
    missing: () => wrkMissing(),
    url: (s) => {
      const base = s.url('nginx', 'http');
      return base === undefined ? undefined : new URL(LARGE_PATH, base).toString();
    },
    probe: (u) => probeHttp(u, 'large'),
    async run(url, s, ctx) {
      const held0 = await s.recordedBytes?.();
      const sampler = sampleRss(s.pid, 50, s.rssTree ?? true);
      const r = await runWrk({ url, threads: 1, connections: 1, seconds: ctx.opts.seconds.stream });
      const samples = sampler.stop();
      const held1 = await s.recordedBytes?.();
      const first = samples[0];
      const peak = samples.length ? Math.max(...samples) : undefined;
      return {
        value: (r.requests * LARGE_SIZE) / r.seconds / 1024 / 1024,
        extra: {
          rssStartMB: mb(first),
          rssPeakMB: mb(peak),
          rssGrowthMB: mb(peak !== undefined && first !== undefined ? peak - first : undefined),
          // What the recorder chose to keep meanwhile (captured bodies up to its body cap): growth that is not buffering.
          recordedGrowthMB: mb(held0 !== undefined && held1 !== undefined ? held1 - held0 : undefined),
          transfers: r.requests,
        },
        warnings: checked(r, url),
      };
    },
  },
  {
    id: 'ws',
    title: 'WebSocket echo round-trips, 10 connections, 64-byte messages (ws client)',
    unit: 'msg/s',
    better: 'higher',
    missing: () => undefined,
    url: (s) => s.url('ws', 'http'),
    probe: (u) => probeWs(u),
    async run(url, _s, ctx) {
      const r = await runWsEcho(url, 10, ctx.opts.seconds.ws);
      if (r.roundTrips === 0) throw new Error(`${url}: no WebSocket round trip completed`);
      return { value: r.perSec, extra: { p50Ms: r.p50Ms, p99Ms: r.p99Ms }, warnings: r.errors ? [`${r.errors} socket errors`] : [] };
    },
  },
  {
    id: 'node-h1',
    title: 'Node backend: HTTP/1.1 keep-alive, 50 connections (wrk -t2 -c50)',
    unit: 'req/s',
    better: 'higher',
    missing: () => wrkMissing(),
    url: (s) => s.url('node', 'http'),
    probe: (u) => probeHttp(u),
    async run(url, _s, ctx) {
      const r = await runWrk({ url, threads: 2, connections: 50, seconds: ctx.opts.seconds.node });
      return { value: r.requestsPerSec, warnings: checked(r, url) };
    },
  },
  {
    id: 'node-latency',
    title: 'Node backend: latency added at 1 connection, p50 (wrk --latency -t1 -c1)',
    unit: 'ms',
    better: 'lower',
    addedOverDirect: true,
    missing: () => wrkMissing(),
    url: (s) => s.url('node', 'http'),
    probe: (u) => probeHttp(u),
    async run(url, _s, ctx) {
      const r = await runWrk({ url, threads: 1, connections: 1, seconds: ctx.opts.seconds.node, latency: true });
      return { value: r.latencyMs.p50 ?? NaN, extra: { p99: r.latencyMs.p99, reqPerSec: r.requestsPerSec }, warnings: checked(r, url) };
    },
  },
];
