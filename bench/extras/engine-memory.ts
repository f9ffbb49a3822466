import type { Backends } from '../backends/backend';
import { runH2load } from '../load/h2load';
import { peakRss, treeRss } from '../rss';
import type { ExtraResult } from '../results-model';
import { freePorts } from '../ports';
import { startGatehouse } from '../subjects/gatehouse';

const MB = 1024 * 1024;
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh Gatehouse (recording on, cap 10k): RSS idle, then after `exchanges` small recorded exchanges. */
export async function measureEngineMemory(o: { dir: string; backends: Backends; exchanges: number; log(line: string): void }): Promise<ExtraResult> {
  const result: ExtraResult = { title: `Engine RSS idle and after ${o.exchanges / 1000}k recorded small exchanges (recording cap 10k)`, figures: {}, notes: [] };
  const [http, https] = await freePorts(2);
  const g = await startGatehouse({ dir: o.dir, backends: o.backends, recording: true, maxExchanges: 10_000, httpPort: http!, httpsPort: https! });
  try {
    await settle(1500);
    const pid = g.process.pid;
    result.figures['idleMB'] = (treeRss(pid, false) ?? NaN) / MB;
    const r = await runH2load({ url: `http://localhost:${http}/`, clients: 50, streams: 1, threads: 2, requests: o.exchanges, h1: true });
    await settle(2000);
    result.figures[o.exchanges >= 100_000 ? 'after100kMB' : `after${Math.round(o.exchanges / 1000)}kMB`] = (treeRss(pid, false) ?? NaN) / MB;
    result.figures['peakMB'] = (peakRss(pid) ?? NaN) / MB;
    result.figures['exchanges'] = r.requests.succeeded;
    result.figures['reqPerSec'] = r.requestsPerSec;
    result.notes.push(
      `h2load --h1 -n ${o.exchanges} -c50 to a fresh instance; RSS of the Gatehouse process from /proc/<pid>/status 2 s later (no forced GC; compiled engine); peak = VmHWM`,
    );
    if (r.requests.succeeded < o.exchanges) result.notes.push(`only ${r.requests.succeeded} of ${o.exchanges} succeeded`);
    o.log(`  memory: idle ${result.figures['idleMB']!.toFixed(1)} MB, after ${r.requests.succeeded} exchanges ${((treeRss(pid, false) ?? NaN) / MB).toFixed(1)} MB`);
  } finally {
    await g.process.stop();
  }
  return result;
}
