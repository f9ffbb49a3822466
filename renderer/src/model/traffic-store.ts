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

/**
 * How this snapshot's rows differ from the previous version's, so derived
 * views (the filtered list) can update incrementally instead of rescanning.
 */
export type RowsChange =
  /**
   * The first `dropped` old rows are gone (the recorder's ring buffer drops the
   * oldest), rows from `from` on are new, rows at `updated` were replaced.
   * Positions are in the new snapshot's coordinates.
   */
  | { kind: 'append'; dropped: number; from: number; updated: readonly number[] }
  /** Anything else (removals in the middle, out-of-order inserts, a reload): rescan. */
  | { kind: 'reset' };

export interface TrafficSnapshot {
  /** Bumped on every applied batch. */
  version: number;
  rows: readonly ExchangeSummary[];
  change: RowsChange;
  /** True until the first full load has been applied. */
  loading: boolean;
}

export const DEFAULT_ROW_CAP = 200_000;

export class TrafficStore {
  private snapshot: TrafficSnapshot = { version: 0, rows: [], change: { kind: 'reset' }, loading: true };
  /** id -> absolute position; the row is at (abs - base) in the current rows. */
  private index = new Map<string, number>();
  private base = 0;
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
    const abs = this.index.get(id);
    return abs === undefined ? undefined : this.snapshot.rows[abs - this.base];
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
    const rows = isSortedBySeq(items) ? items : [...items].sort((a, b) => a.seq - b.seq);
    const trimmed = rows.length > this.cap ? rows.slice(rows.length - this.cap) : rows;
    this.reindex(trimmed);
    this.held = false;
    this.publish(trimmed, { kind: 'reset' }, false);
    this.flush();
  }

  /** Applies every queued event now (also called by the frame scheduler). */
  flush(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
    if (this.held || this.queue.length === 0) return;
    const events = this.queue;
    this.queue = [];
    let rows = this.snapshot.rows.slice();
    let from = rows.length;
    let updated: number[] = [];
    let reset = false;
    let removed: Set<string> | null = null;
    for (const ev of events) {
      if (ev.kind === 'remove') {
        if (ev.all) {
          rows = [];
          this.reindex(rows);
          from = 0;
          updated = [];
          removed = null;
          reset = true;
        } else {
          removed ??= new Set();
          for (const id of ev.ids) removed.add(id);
        }
        continue;
      }
      for (const item of ev.items) {
        if (removed?.has(item.id)) continue;
        const abs = this.index.get(item.id);
        if (abs !== undefined) {
          const pos = abs - this.base;
          rows[pos] = newer(rows[pos]!, item);
          if (pos < from) updated.push(pos);
          continue;
        }
        const last = rows[rows.length - 1];
        if (!last || last.seq < item.seq) {
          this.index.set(item.id, this.base + rows.length);
          rows.push(item);
        } else {
          // Out of order (rare): insert by seq and renumber.
          rows.splice(insertionPoint(rows, item.seq), 0, item);
          this.reindex(rows);
          reset = true;
        }
      }
    }
    let dropped = 0;
    if (removed) {
      let present = 0;
      for (const id of removed) if (this.index.has(id)) present++;
      let k = 0;
      while (k < rows.length && removed.has(rows[k]!.id)) k++;
      if (k === present) dropped = k;
      else {
        const gone = removed;
        rows = rows.filter((r) => !gone.has(r.id));
        this.reindex(rows);
        reset = true;
      }
    }
    if (rows.length - dropped > this.cap) dropped = rows.length - this.cap;
    if (dropped > 0) {
      for (let i = 0; i < dropped; i++) this.index.delete(rows[i]!.id);
      rows = rows.slice(dropped);
      this.base += dropped;
    }
    const change: RowsChange =
      reset || dropped > from
        ? { kind: 'reset' }
        : { kind: 'append', dropped, from: from - dropped, updated: updated.filter((p) => p >= dropped).map((p) => p - dropped) };
    this.publish(rows, change, this.snapshot.loading);
  }

  dispose(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
    this.queue = [];
  }

  private reindex(rows: readonly ExchangeSummary[]): void {
    this.base = 0;
    this.index = new Map();
    for (let i = 0; i < rows.length; i++) this.index.set(rows[i]!.id, i);
  }

  private schedule(): void {
    if (this.cancelFrame || this.held) return;
    this.cancelFrame = this.scheduler.request(() => {
      this.cancelFrame = null;
      this.flush();
    });
  }

  private publish(rows: readonly ExchangeSummary[], change: RowsChange, loading: boolean): void {
    this.snapshot = { version: this.snapshot.version + 1, rows, change, loading };
    for (const fn of [...this.subscribers]) fn();
  }
}

function isSortedBySeq(rows: readonly ExchangeSummary[]): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i - 1]!.seq > rows[i]!.seq) return false;
  return true;
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
