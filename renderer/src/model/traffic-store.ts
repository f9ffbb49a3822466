import type { ExchangeSummary } from '../../../shared/exchange-types';
import type { FrameScheduler } from './frame-scheduler';

/**
 * The exchanges the traffic list shows. Incoming events are queued and applied
 * in ONE batch per animation frame (thousands of events a second become one
 * render), producing an immutable snapshot for React's useSyncExternalStore.
 * Rows are kept oldest first, ordered by seq.
 */
export type TrafficEvent =
  | { kind: 'upsert'; items: readonly ExchangeSummary[] }
  | { kind: 'remove'; ids: readonly string[]; all?: boolean };

export interface TrafficSnapshot {
  /** Bumped on every applied batch. */
  version: number;
  rows: readonly ExchangeSummary[];
  /** True until the first full load has been applied. */
  loading: boolean;
}

export const DEFAULT_ROW_CAP = 200_000;

export class TrafficStore {
  private snapshot: TrafficSnapshot = { version: 0, rows: [], loading: true };
  private index = new Map<string, number>();
  private queue: TrafficEvent[] = [];
  private held = false;
  private cancelFrame: (() => void) | null = null;
  private readonly subscribers = new Set<() => void>();

  constructor(
    private readonly scheduler: FrameScheduler,
    private readonly cap = DEFAULT_ROW_CAP,
  ) {}

  getSnapshot = (): TrafficSnapshot => this.snapshot;

  subscribe = (fn: () => void): (() => void) => {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  };

  get(id: string): ExchangeSummary | undefined {
    const pos = this.index.get(id);
    return pos === undefined ? undefined : this.snapshot.rows[pos];
  }

  /** Queues events; they are applied together on the next frame. */
  enqueue(event: TrafficEvent): void {
    this.queue.push(event);
    this.schedule();
  }

  /** Keeps queued events queued (while a full reload is in flight). */
  hold(): void {
    this.held = true;
  }

  /** Replaces everything with a freshly loaded list, then applies what queued meanwhile. */
  replaceAll(items: readonly ExchangeSummary[]): void {
    const rows = [...items].sort((a, b) => a.seq - b.seq);
    const trimmed = rows.length > this.cap ? rows.slice(rows.length - this.cap) : rows;
    this.index = indexOf(trimmed);
    this.held = false;
    this.publish(trimmed, false);
    this.flush();
  }

  /** Applies every queued event now (also called by the frame scheduler). */
  flush(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
    if (this.held || this.queue.length === 0) return;
    const events = this.queue;
    this.queue = [];
    const rows = this.snapshot.rows.slice();
    let index = this.index;
    let reindex = false;
    let removed: Set<string> | null = null;
    for (const ev of events) {
      if (ev.kind === 'remove') {
        if (ev.all) {
          rows.length = 0;
          index = new Map();
          removed = null;
          continue;
        }
        removed ??= new Set();
        for (const id of ev.ids) removed.add(id);
        continue;
      }
      for (const item of ev.items) {
        if (removed?.has(item.id)) continue;
        const pos = index.get(item.id);
        if (pos !== undefined) {
          rows[pos] = newer(rows[pos]!, item);
          continue;
        }
        const last = rows[rows.length - 1];
        if (!last || last.seq < item.seq) {
          index.set(item.id, rows.length);
          rows.push(item);
        } else {
          // Out of order (rare): insert by seq and renumber.
          rows.splice(insertionPoint(rows, item.seq), 0, item);
          index = indexOf(rows);
        }
      }
    }
    let out: ExchangeSummary[] = rows;
    if (removed) {
      const gone = removed;
      out = rows.filter((r) => !gone.has(r.id));
      reindex = true;
    }
    if (out.length > this.cap) {
      out = out.slice(out.length - this.cap);
      reindex = true;
    }
    this.index = reindex ? indexOf(out) : index;
    this.publish(out, this.snapshot.loading);
  }

  dispose(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
    this.queue = [];
  }

  private schedule(): void {
    if (this.cancelFrame || this.held) return;
    this.cancelFrame = this.scheduler.request(() => {
      this.cancelFrame = null;
      this.flush();
    });
  }

  private publish(rows: readonly ExchangeSummary[], loading: boolean): void {
    this.snapshot = { version: this.snapshot.version + 1, rows, loading };
    for (const fn of [...this.subscribers]) fn();
  }
}

function indexOf(rows: readonly ExchangeSummary[]): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) m.set(rows[i]!.id, i);
  return m;
}

/** The first position whose seq is greater than `seq` (rows sorted by seq). */
function insertionPoint(rows: readonly ExchangeSummary[], seq: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A finished exchange never goes back to pending (an event may be older than a loaded page). */
function newer(current: ExchangeSummary, incoming: ExchangeSummary): ExchangeSummary {
  if (current.state !== 'pending' && incoming.state === 'pending') return current;
  return incoming;
}
