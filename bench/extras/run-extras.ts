import type { Backends } from '../backends/backend';
import type { LoadContext } from '../loads';
import type { BenchOptions } from '../options';
import type { ExtraResult } from '../results-model';
import type { Subject } from '../subjects/subject';
import type { makeWorkspace } from '../workspace';

export interface ExtrasContext {
  opts: BenchOptions;
  ws: ReturnType<typeof makeWorkspace>;
  backends: Backends;
  ghMissing: string | undefined;
  subjects: Subject[];
  ghStartups: number[];
  ctx: LoadContext;
  log(line: string): void;
}

/** The Gatehouse-only measures: cold certificate, memory, start-up, renderer. */
export async function runExtras(x: ExtrasContext): Promise<Record<string, ExtraResult>> {
  const skipped = (title: string, why: string): ExtraResult => ({ title, skipped: why, figures: {}, notes: [] });
  const why = x.ghMissing ?? 'not run';
  return {
    'cold-cert': skipped('Cold certificate for a never-seen host (TLS handshake with a new SNI minus a warm one)', why),
    memory: skipped('Engine RSS idle and after 100k recorded small exchanges (recording cap 10k)', why),
    startup: skipped('Engine start-up (spawn → listening)', why),
    renderer: skipped('Renderer: 100k rows, frame times at 5k exchanges/s', why),
  };
}
