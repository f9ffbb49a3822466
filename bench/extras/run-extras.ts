import type { Backends } from '../backends/backend';
import type { LoadContext } from '../loads';
import { wanted, type BenchOptions } from '../options';
import type { ExtraResult } from '../results-model';
import type { Subject } from '../subjects/subject';
import type { makeWorkspace } from '../workspace';
import { COLD_CERT_TITLE, measureColdCert } from './cold-cert';
import { measureEngineMemory } from './engine-memory';
import { measureRecordingAb, RECORDING_AB_TITLE } from './recording-ab';
import { measureRenderer, RENDERER_TITLE } from './renderer';
import { measureStartup } from './startup';

export interface ExtrasContext {
  opts: BenchOptions;
  ws: ReturnType<typeof makeWorkspace>;
  backends: Backends;
  ghMissing: string | undefined;
  subjects: Subject[];
  ctx: LoadContext;
  log(line: string): void;
}

/** The Gatehouse-only measures: cold certificate, memory, start-up, renderer, recording A/B. Each failure is reported, not thrown. */
export async function runExtras(x: ExtrasContext): Promise<Record<string, ExtraResult>> {
  const out: Record<string, ExtraResult> = {};
  const attempt = async (id: string, title: string, fn: () => Promise<ExtraResult>) => {
    if (!wanted(x.opts, id)) return;
    x.log(`extra ${id}: ${title}`);
    try {
      out[id] = await fn();
    } catch (err) {
      x.log(`  failed: ${(err as Error).message}`);
      out[id] = { title, skipped: `failed: ${(err as Error).message.split('\n')[0]}`, figures: {}, notes: [] };
    }
  };
  const gh = x.subjects.find((s) => s.id === 'gatehouse');
  const ghHttpsUrl = gh?.url('nginx', 'https');
  const ghHttps = ghHttpsUrl ? Number(new URL(ghHttpsUrl).port) : undefined;
  await attempt('cold-cert', COLD_CERT_TITLE, () =>
    measureColdCert({ tlsConnectBin: x.ctx.tlsConnect.bin, httpsPort: ghHttps, count: x.opts.coldCerts, dataDir: x.ws.sub('ca-direct'), log: x.log }),
  );
  const memoryTitle = `Engine RSS idle and after ${x.opts.recordedExchanges / 1000}k recorded small exchanges (recording cap 10k)`;
  const startupTitle = 'Engine start-up (spawn → "running" line)';
  if (x.ghMissing) {
    for (const [id, title] of [['memory', memoryTitle], ['startup', startupTitle], ['renderer', RENDERER_TITLE], ['recording-ab', RECORDING_AB_TITLE]] as const)
      if (wanted(x.opts, id)) out[id] = { title, skipped: x.ghMissing, figures: {}, notes: [] };
    return out;
  }
  await attempt('memory', memoryTitle, () => measureEngineMemory({ dir: x.ws.sub('gh-memory'), backends: x.backends, exchanges: x.opts.recordedExchanges, log: x.log }));
  await attempt('startup', startupTitle, () => measureStartup({ dir: x.ws.sub('gh-startup'), backends: x.backends, runs: x.opts.startups, mayBuild: !x.opts.quick, log: x.log }));
  if (x.opts.renderer) await attempt('renderer', RENDERER_TITLE, () => measureRenderer({ dir: x.ws.sub('gh-renderer'), backends: x.backends, rounds: x.opts.quick ? 1 : x.opts.rounds, frameSeconds: x.opts.quick ? 3 : 5, log: x.log }));
  else out['renderer'] = { title: RENDERER_TITLE, skipped: x.opts.quick ? 'not in --quick runs (add --renderer)' : '--no-renderer', figures: {}, notes: [] };
  // Last: it pins the nginx backend to one CPU for its duration (and puts it back).
  await attempt('recording-ab', RECORDING_AB_TITLE, () =>
    measureRecordingAb({
      dir: x.ws.sub('gh-recording-ab'),
      backends: x.backends,
      pairs: x.opts.quick ? 1 : 2,
      windowsPerPair: x.opts.quick ? 3 : 4,
      seconds: x.opts.quick ? 2 : 5,
      warmupSeconds: x.opts.quick ? 3 : 8,
      log: x.log,
    }),
  );
  return out;
}
