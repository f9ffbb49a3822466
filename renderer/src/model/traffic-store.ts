import type { ExchangeSummary } from '../../../shared/exchange-types';
import type { FrameScheduler } from './frame-scheduler';

/**
 * The exchanges the traffic list shows. Incoming events are queued and applied
 * in ONE batch per animation frame (thousands of events a second become one
 * render), producing an immutable snapshot for React's useSyncExternalStore.
 * Rows are kept oldest first, ordered by seq (unique per exchange), so a row is
 * found by binary search on seq: no id index to build for 100k loaded rows.
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

/**
 * The rows of a snapshot: an array, or (just after a full load, until every row is
 * decoded) a list that decodes rows as they are read (SnapshotRows).
 */
export interface RowList {
  readonly length: number;
  at(i: number): ExchangeSummary | undefined;
}

export interface TrafficSnapshot {
  /** Bumped on every applied batch. */
  version: number;
  rows: RowList;
  change: RowsChange;
  /** True until the first full load has been applied. */
  loading: boolean;
}

export const DEFAULT_ROW_CAP = 200_000;

export class TrafficStore {
  private snapshot: TrafficSnapshot = { version: 0, rows: [], change: { kind: 'reset' }, loading: true };
  /** The rows as an array: what events are applied to (the snapshot's rows, except while a loaded list is shown). */
  private array: readonly ExchangeSummary[] = [];
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
    const rows = this.snapshot.rows;
    // Recorder ids end in their seq ("e123"): try that first, then look everywhere.
    const m = /(\d+)$/.exec(id);
    if (m) {
      const pos = positionOf(rows, Number(m[1]), id);
      if (pos >= 0) return rows.at(pos);
    }
    for (let i = rows.length - 1; i >= 0; i--) if (rows.at(i)!.id === id) return rows.at(i);
    return undefined;
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

  /**
   * Shows a freshly loaded list (oldest first, sorted by seq, within the cap) while
   * its rows are still being decoded; events stay queued until replaceAll().
   */
  showLoaded(rows: RowList): void {
    this.held = true;
    this.publish(rows, { kind: 'reset' }, false);
  }

  /** Replaces everything with a freshly loaded list, then applies what queued meanwhile. */
  replaceAll(items: readonly ExchangeSummary[]): void {
    const rows = isSortedBySeq(items) ? items : [...items].sort((a, b) => a.seq - b.seq);
    const trimmed = rows.length > this.cap ? rows.slice(rows.length - this.cap) : rows;
    this.held = false;
    this.array = trimmed;
    this.publish(trimmed, { kind: 'reset' }, false);
    this.flush();
  }

  /** A load failed: back to the rows held before it, with what queued meanwhile applied. */
  cancelLoad(): void {
    this.replaceAll(this.array);
  }

  /** Applies every queued event now (also called by the frame scheduler). */
  flush(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
    if (this.held || this.queue.length === 0) return;
    const events = this.queue;
    this.queue = [];
    let rows = this.array.slice();
    let from = rows.length;
    let updated: number[] = [];
    let reset = false;
    let removed: Set<string> | null = null;
    for (const ev of events) {
      if (ev.kind === 'remove') {
        if (ev.all) {
          rows = [];
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
        const last = rows[rows.length - 1];
        if (!last || last.seq < item.seq) {
          rows.push(item);
          continue;
        }
        const pos = positionOf(rows, item.seq, item.id);
        if (pos >= 0) {
          rows[pos] = newer(rows[pos]!, item);
          if (pos < from) updated.push(pos);
        } else {
          // Out of order (rare): insert by seq.
          rows.splice(insertionPoint(rows, item.seq), 0, item);
          reset = true;
        }
      }
    }
    let dropped = 0;
    if (removed) {
      // The usual removal: the recorder's ring dropped its oldest, a prefix of the rows.
      let k = 0;
      while (k < rows.length && removed.has(rows[k]!.id)) k++;
      if (k === removed.size) dropped = k;
      else {
        const gone = removed;
        rows = rows.filter((r) => !gone.has(r.id));
        reset = true;
      }
    }
    if (rows.length - dropped > this.cap) dropped = rows.length - this.cap;
    // In place on this frame's own copy (V8 trims the front without copying).
    if (dropped > 0) rows.splice(0, dropped);
    const change: RowsChange =
      reset || dropped > from
        ? { kind: 'reset' }
        : { kind: 'append', dropped, from: from - dropped, updated: updated.filter((p) => p >= dropped).map((p) => p - dropped) };
    this.array = rows;
    this.publish(rows, change, this.snapshot.loading);
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

  private publish(rows: RowList, change: RowsChange, loading: boolean): void {
    this.snapshot = { version: this.snapshot.version + 1, rows, change, loading };
    for (const fn of [...this.subscribers]) fn();
  }
}

function isSortedBySeq(rows: readonly ExchangeSummary[]): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i - 1]!.seq > rows[i]!.seq) return false;
  return true;
}

/** The first position whose seq is greater than `seq` (rows sorted by seq). */
function insertionPoint(rows: RowList, seq: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows.at(mid)!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The position of the row with this seq and id, or -1. */
function positionOf(rows: RowList, seq: number, id: string): number {
  const p = insertionPoint(rows, seq) - 1;
  const row = p >= 0 ? rows.at(p)! : undefined;
  return row !== undefined && row.seq === seq && row.id === id ? p : -1;
}

/** A finished exchange never goes back to pending (an event may be older than a loaded page). */
function newer(current: ExchangeSummary, incoming: ExchangeSummary): ExchangeSummary {
  if (current.state !== 'pending' && incoming.state === 'pending') return current;
  return incoming;
}
