/**
 * Turns per-exchange changes into a few batched events: at most one
 * exchange.started, exchange.updated, exchange.finished and exchange.removed
 * per flush interval, each carrying an array with the latest state per exchange.
 *
 * Bookkeeping is a few bits on each record and one array of the records touched
 * since the last flush: no maps keyed by id on the hot path. While nobody listens
 * (the emitter getter returns undefined) nothing is tracked at all; a listener that
 * arrives later lists what it missed.
 */
import type { ApiEvent, GatehouseEvents } from '../../shared/api-contract';
import type { ExchangeSummary } from '../../shared/exchange-types';
import type { HeldExchange } from './recorded-exchange';

export type EmitEvent = <E extends ApiEvent>(event: E, payload: GatehouseEvents[E]) => void;

/** Bits of HeldExchange.eventFlags. */
const QUEUED = 1;
const STARTED = 2;
const UPDATED = 4;
const FINISHED = 8;

export class EventBatcher {
  /** Records with pending changes (QUEUED set), in the order they were first touched. */
  private dirty: HeldExchange[] = [];
  private removed: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `settled` hears, at the flush that announced it, of each held exchange that has
   * finished: from then on no event will read it again (the recorder freezes it).
   */
  constructor(
    private readonly emit: () => EmitEvent | undefined,
    private readonly intervalMs: number,
    private readonly settled: (r: HeldExchange) => void = () => {},
  ) {}

  private mark(r: HeldExchange, flag: number): void {
    if ((r.eventFlags & QUEUED) === 0) {
      r.eventFlags = QUEUED;
      this.dirty.push(r);
    }
    r.eventFlags |= flag;
    this.schedule();
  }

  /** Returns whether the start awaits a flush (false: nobody listens, nothing was queued). */
  start(r: HeldExchange): boolean {
    if (this.emit() === undefined) return false;
    this.mark(r, STARTED);
    return true;
  }

  update(r: HeldExchange): void {
    // A start not yet announced will carry the latest state anyway.
    if ((r.eventFlags & STARTED) !== 0 || this.emit() === undefined) return;
    this.mark(r, UPDATED);
  }

  /** Returns whether the exchange awaits a flush (false: nobody listens, nothing was queued). */
  finish(r: HeldExchange): boolean {
    if (this.emit() === undefined) return false;
    r.eventFlags &= ~UPDATED;
    this.mark(r, FINISHED);
    return true;
  }

  remove(r: HeldExchange): void {
    const flags = r.eventFlags;
    // Never announced: forget it silently (it stays in `dirty` with no change bits).
    if ((flags & STARTED) !== 0) {
      r.eventFlags = QUEUED;
      return;
    }
    if ((flags & QUEUED) !== 0) r.eventFlags = QUEUED;
    if (this.emit() === undefined) return;
    this.removed.push(r.id);
    this.schedule();
  }

  /** Everything pending is dropped and one "all removed" event goes out. */
  clearAll(): void {
    for (const r of this.dirty) r.eventFlags = 0;
    this.dirty = [];
    this.removed = [];
    this.emit()?.('exchange.removed', { ids: [], all: true });
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.flush(), this.intervalMs);
    this.timer.unref?.();
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const dirty = this.dirty;
    const removed = this.removed;
    this.dirty = [];
    this.removed = [];
    const emit = this.emit();
    const started: ExchangeSummary[] = [];
    const updated: ExchangeSummary[] = [];
    const finished: ExchangeSummary[] = [];
    for (const r of dirty) {
      const flags = r.eventFlags;
      r.eventFlags = 0;
      // Nobody listening: summaries would be built for no one.
      if (emit && (flags & (STARTED | UPDATED | FINISHED)) !== 0) {
        const s = r.summary();
        if ((flags & STARTED) !== 0) started.push(s);
        else if ((flags & UPDATED) !== 0 && (flags & FINISHED) === 0) updated.push(s);
        // An exchange that started and finished within one batch goes out in both lists.
        if ((flags & FINISHED) !== 0 || ((flags & STARTED) !== 0 && r.state !== 'pending')) finished.push(s);
      }
      if (r.state !== 'pending' && !r.evicted) this.settled(r);
    }
    if (!emit) return;
    if (removed.length > 0) emit('exchange.removed', { ids: removed });
    if (started.length > 0) emit('exchange.started', started);
    if (updated.length > 0) emit('exchange.updated', updated);
    if (finished.length > 0) emit('exchange.finished', finished);
  }

  close(): void {
    this.flush();
  }
}
