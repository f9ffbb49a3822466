import type { ExchangeTimings } from '../../../shared/exchange-types';

/**
 * The phases of one exchange as bars on a shared time axis: from the request
 * head arriving, to the upstream connection, to the response head, to the end.
 * Pure; the view draws each segment at `offset`/`length` fractions of the whole.
 */
export interface WaterfallSegment {
  phase: 'connect' | 'wait' | 'receive';
  label: string;
  ms: number;
  /** Fractions of the total, 0..1. */
  offset: number;
  length: number;
}

export interface Waterfall {
  totalMs: number;
  segments: WaterfallSegment[];
}

const LABELS = { connect: 'Connect upstream', wait: 'Waiting for response head', receive: 'Receiving response' } as const;

export function buildWaterfall(t: ExchangeTimings): Waterfall {
  const start = t.received;
  const marks: Array<{ phase: WaterfallSegment['phase']; at: number | undefined }> = [
    { phase: 'connect', at: t.upstreamConnected },
    { phase: 'wait', at: t.responseHeaders },
    { phase: 'receive', at: t.responseEnd },
  ];
  const end = Math.max(start, ...marks.map((m) => m.at ?? start));
  const total = end - start;
  const segments: WaterfallSegment[] = [];
  let prev = start;
  for (const m of marks) {
    if (m.at === undefined) continue;
    const from = prev;
    const to = Math.max(from, m.at);
    segments.push({
      phase: m.phase,
      label: m.phase === 'connect' && t.connectionReused ? 'Connection reused' : LABELS[m.phase],
      ms: to - from,
      offset: total > 0 ? (from - start) / total : 0,
      length: total > 0 ? (to - from) / total : 0,
    });
    prev = to;
  }
  return { totalMs: total, segments };
}
