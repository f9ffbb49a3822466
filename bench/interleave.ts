import type { Load, LoadContext, Measurement } from './loads';
import { median } from './stats';
import type { Subject } from './subjects/subject';

export interface RoundResult {
  value?: number;
  extra?: Measurement['extra'];
  error?: string;
}

export interface SubjectResult {
  skipped?: string;
  rounds: RoundResult[];
  /** median of the rounds' values */
  median?: number;
  /** median of each extra figure over the rounds */
  extra: Record<string, number>;
  /** for addedOverDirect loads: median over rounds of (this − direct in the same round) */
  added?: { p50?: number; p99?: number };
  warnings: string[];
}

export interface LoadResult {
  id: string;
  title: string;
  unit: string;
  better: 'higher' | 'lower';
  addedOverDirect: boolean;
  skipped?: string;
  subjects: Record<string, SubjectResult>;
}

/**
 * Runs one load over all subjects, interleaved: round 1 visits every subject, then
 * round 2 (in an order rotated by one), and so on, so that a slow patch of a noisy
 * machine is spread over everyone instead of landing on one subject.
 */
export async function runInterleaved(
  load: Load,
  subjects: readonly Subject[],
  ctx: LoadContext,
  log: (line: string) => void,
): Promise<LoadResult> {
  const result: LoadResult = {
    id: load.id,
    title: load.title,
    unit: load.unit,
    better: load.better,
    addedOverDirect: load.addedOverDirect ?? false,
    subjects: {},
  };
  const missing = load.missing(ctx);
  if (missing) {
    result.skipped = missing;
    return result;
  }
  const active: { s: Subject; url: string }[] = [];
  for (const s of subjects) {
    const r: SubjectResult = { rounds: [], extra: {}, warnings: [] };
    result.subjects[s.id] = r;
    const url = load.url(s);
    if (url === undefined) {
      r.skipped = 'not offered';
      continue;
    }
    const bad = await load.probe(url);
    if (bad) {
      r.skipped = `probe failed: ${bad}`;
      log(`  ${s.id}: skipped (${bad})`);
      continue;
    }
    active.push({ s, url });
  }
  for (let round = 0; round < ctx.opts.rounds; round++) {
    const order = active.map((_, i) => active[(i + round) % active.length]!);
    for (const { s, url } of order) {
      const r = result.subjects[s.id]!;
      try {
        const m = await load.run(url, s, ctx);
        r.rounds[round] = { value: m.value, extra: m.extra };
        for (const w of m.warnings ?? []) if (!r.warnings.includes(w)) r.warnings.push(w);
        log(`  round ${round + 1} ${s.id}: ${m.value.toFixed(load.unit === 'ms' ? 3 : 1)} ${load.unit}`);
      } catch (err) {
        r.rounds[round] = { error: (err as Error).message };
        log(`  round ${round + 1} ${s.id}: error ${(err as Error).message.split('\n')[0]}`);
      }
    }
  }
  summarise(result);
  return result;
}

function summarise(result: LoadResult): void {
  const direct = result.subjects['direct'];
  for (const r of Object.values(result.subjects)) {
    if (r.skipped) continue;
    const values = r.rounds.flatMap((x) => (x?.value !== undefined && Number.isFinite(x.value) ? [x.value] : []));
    r.median = median(values);
    const keys = new Set(r.rounds.flatMap((x) => Object.keys(x?.extra ?? {})));
    for (const k of keys) {
      const v = median(r.rounds.flatMap((x) => (typeof x?.extra?.[k] === 'number' ? [x.extra[k] as number] : [])));
      if (v !== undefined) r.extra[k] = v;
    }
    if (result.addedOverDirect && direct && !direct.skipped) {
      const p50: number[] = [];
      const p99: number[] = [];
      r.rounds.forEach((x, i) => {
        const d = direct.rounds[i];
        if (x?.value === undefined || d?.value === undefined) return;
        p50.push(x.value - d.value);
        const a = x.extra?.['p99'];
        const b = d.extra?.['p99'];
        if (typeof a === 'number' && typeof b === 'number') p99.push(a - b);
      });
      r.added = { p50: median(p50), p99: median(p99) };
    }
  }
}
