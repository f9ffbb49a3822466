import type { ExchangeTimings } from '../../../shared/exchange-types';

/**
 * The phases of one exchange as bars on a shared time axis: from the request
 * head arriving, to the upstream connection, to the response head, to the end.
 * Pure; the view draws each segment at `offset`/`length` fractions of the whole.
 *
 * The first phase ends when the request got its upstream connection. For a new
 * connection that is "connect"; for one reused from the keep-alive pool there
 * was no connect, and the time is what passed before the request was written
 * on it ("queue": route handling, added latency, waiting for a free connection),
 * which HAR calls "blocked".
 */
export interface WaterfallSegment {
  phase: 'connect' | 'queue' | 'wait' | 'receive' | 'local';
  label: string;
  /** What the phase measures, for a tooltip. */
  hint: string;
  ms: number;
  /** Fractions of the total, 0..1. */
  offset: number;
  length: number;
}

export interface Waterfall {
  totalMs: number;
  segments: WaterfallSegment[];
}

const LABELS: Record<WaterfallSegment['phase'], { label: string; hint: string }> = {
  connect: { label: 'Connect upstream', hint: 'From the request head arriving to a new upstream connection being ready' },
  queue: {
    label: 'Before sending (reused)',
    hint: 'The upstream connection was reused from the keep-alive pool, so there was no connect: this is the time before the request was written on it (route handling, added latency, waiting for a free connection)',
  },
  wait: { label: 'Waiting for response head', hint: 'From the upstream connection to the response head' },
  receive: { label: 'Receiving response', hint: 'From the response head to the end of the response' },
  local: {
    label: 'Answered by Gatehouse',
    hint: 'No response head came from an upstream: Gatehouse answered itself (an error page for an unreachable or failed upstream, a redirect, a static or cached response)',
  },
};

export function buildWaterfall(t: ExchangeTimings): Waterfall {
  const start = t.received;
  // Without an upstream response head, what came back was Gatehouse's own answer, not a response
  // being received: say so rather than call it "Receiving response".
  const local = t.responseHeaders === undefined && t.responseEnd !== undefined;
  const marks: Array<{ phase: WaterfallSegment['phase']; at: number | undefined }> = [
    { phase: t.connectionReused ? 'queue' : 'connect', at: t.upstreamConnected },
    { phase: 'wait', at: t.responseHeaders },
    { phase: local ? 'local' : 'receive', at: t.responseEnd },
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
      ...LABELS[m.phase],
      ms: to - from,
      offset: total > 0 ? (from - start) / total : 0,
      length: total > 0 ? (to - from) / total : 0,
    });
    prev = to;
  }
  return { totalMs: total, segments };
}
