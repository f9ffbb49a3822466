import * as os from 'node:os';
import type { Backends } from '../backends/backend';
import { runWrk, wrkMissing } from '../load/wrk';
import { freePorts } from '../ports';
import { runToEnd } from '../processes';
import type { ExtraResult } from '../results-model';
import { cpuSeconds, processTree } from '../rss';
import { median } from '../stats';
import { startGatehouse, type StartedGatehouse } from '../subjects/gatehouse';
import { findExecutable } from '../workspace';

export const RECORDING_AB_TITLE = 'Recording cost, pinned A/B: CPU per request with recording on and off (HTTP/1.1, wrk -t2 -c50)';


/** The CPU list a process may run on (`taskset -p`'s mask), to put back afterwards. */
async function affinity(pid: number): Promise<string | undefined> {
  const r = await runToEnd('taskset', 'taskset', ['-p', String(pid)], 5_000);
  return /mask:\s*([0-9a-f]+)/i.exec(r.output)?.[1];
}

async function pin(pid: number, cpus: string): Promise<void> {
  await runToEnd('taskset', 'taskset', ['-a', '-p', '-c', cpus, String(pid)], 5_000);
}

async function restore(pid: number, mask: string): Promise<void> {
  await runToEnd('taskset', 'taskset', ['-a', '-p', mask, String(pid)], 5_000);
}

/**
 * Recording's cost as the engine's own CPU time per request, the steadier view of the
 * throughput ratio: two fresh engines, recording on and off, each pinned to CPU 1, wrk and
 * the nginx backend pinned to CPU 0 (so the engines are not competing with the load for a
 * core), alternated window by window after a warm-up. Affinities are put back afterwards.
 */
export interface RecordingAbOptions {
  dir: string;
  backends: Backends;
  /** Fresh engine pairs, one after the other. */
  pairs: number;
  windowsPerPair: number;
  seconds: number;
  warmupSeconds: number;
  log(line: string): void;
}

export async function measureRecordingAb(o: RecordingAbOptions): Promise<ExtraResult> {
  const result: ExtraResult = { title: RECORDING_AB_TITLE, figures: {}, notes: [] };
  const missing = !findExecutable('taskset')
    ? 'taskset is not installed (Debian package util-linux)'
    : os.availableParallelism() < 2
      ? 'needs two CPUs to pin the engines apart from the load'
      : wrkMissing();
  if (missing) return { ...result, skipped: missing };

  const backendPids = processTree(o.backends.nginxPid);
  const saved = new Map<number, string>();
  const on: number[] = [];
  const off: number[] = [];
  try {
    for (const pid of backendPids) {
      const mask = await affinity(pid);
      if (mask) saved.set(pid, mask);
      await pin(pid, '0');
    }
    // A fresh engine can be faster or slower than another for its whole life (one run of this
    // measure had the recording-off engine at 160 µs, the next at 100 µs), so several pairs.
    for (let p = 0; p < o.pairs; p++) {
      const pair = await measurePair({ ...o, dir: `${o.dir}/pair-${p + 1}` });
      on.push(...pair.on);
      off.push(...pair.off);
      o.log(`  pair ${p + 1}: on ${pair.on.map((x) => x.toFixed(0)).join(', ')} µs; off ${pair.off.map((x) => x.toFixed(0)).join(', ')} µs`);
    }
  } finally {
    for (const [pid, mask] of saved) await restore(pid, mask).catch(() => {});
  }
  const extra = on.map((x, i) => (x / off[i]! - 1) * 100);
  const extraMedian = median(extra)!;
  result.figures['onUsMedian'] = median(on)!;
  result.figures['offUsMedian'] = median(off)!;
  result.figures['extraPctMedian'] = extraMedian;
  result.figures['extraPctMin'] = Math.min(...extra);
  result.figures['extraPctMax'] = Math.max(...extra);
  result.figures['windows'] = extra.length;
  result.notes.push(
    `${o.pairs} pair${o.pairs === 1 ? '' : 's'} of fresh compiled engines (recording on with the defaults, and off), each engine pinned to CPU 1 with taskset, ` +
      `wrk and the nginx backend on CPU 0; per pair ${o.warmupSeconds} s of warm-up each, then ${o.windowsPerPair} alternated ${o.seconds} s windows; ` +
      `the engine's user + system CPU time from /proc ÷ requests; extraPct = on ÷ off − 1 per window pair (median, min, max). ` +
      `Per window, on: ${on.map((x) => x.toFixed(0)).join(', ')} µs; off: ${off.map((x) => x.toFixed(0)).join(', ')} µs`,
  );
  o.log(`  recording-ab: on ${result.figures['onUsMedian']!.toFixed(0)} µs, off ${result.figures['offUsMedian']!.toFixed(0)} µs per request, ${extra.length} window pairs, median ${extraMedian >= 0 ? '+' : ''}${extraMedian.toFixed(1)}%`);
  return result;
}

/** One pair of fresh engines, pinned to CPU 1: CPU µs per request of each, window by window. */
async function measurePair(o: RecordingAbOptions): Promise<{ on: number[]; off: number[] }> {
  const [onHttp, onHttps, offHttp, offHttps] = await freePorts(4);
  const started: StartedGatehouse[] = [];
  try {
    const on = await startGatehouse({ dir: `${o.dir}/on`, backends: o.backends, recording: true, httpPort: onHttp!, httpsPort: onHttps! });
    started.push(on);
    const off = await startGatehouse({ dir: `${o.dir}/off`, backends: o.backends, recording: false, httpPort: offHttp!, httpsPort: offHttps! });
    started.push(off);
    await pin(on.process.pid, '1');
    await pin(off.process.pid, '1');
    const engines = [
      { id: 'on', pid: on.process.pid, url: `http://localhost:${onHttp}/`, us: [] as number[] },
      { id: 'off', pid: off.process.pid, url: `http://localhost:${offHttp}/`, us: [] as number[] },
    ];
    for (const e of engines) await runWrk({ url: e.url, threads: 2, connections: 50, seconds: o.warmupSeconds, cpus: '0' });
    for (let w = 0; w < o.windowsPerPair; w++) {
      // Alternate which engine goes first, so neither always follows the other.
      for (const e of w % 2 === 0 ? engines : [...engines].reverse()) {
        const c0 = cpuSeconds(e.pid, false);
        const r = await runWrk({ url: e.url, threads: 2, connections: 50, seconds: o.seconds, cpus: '0' });
        const c1 = cpuSeconds(e.pid, false);
        if (c0 === undefined || c1 === undefined || r.requests === 0) throw new Error(`window ${w + 1}: no CPU time or no requests for recording ${e.id}`);
        if (r.non2xx3xx > 0) throw new Error(`window ${w + 1}: ${r.non2xx3xx} non-2xx answers from recording ${e.id}`);
        e.us.push(((c1 - c0) * 1e6) / r.requests);
      }
    }
    return { on: engines[0]!.us, off: engines[1]!.us };
  } finally {
    await Promise.all(started.map((g) => g.process.stop()));
  }
}
