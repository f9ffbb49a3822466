/**
 * Turns per-exchange changes into a few batched events: at most one
 * exchange.started, exchange.updated, exchange.finished and exchange.removed
 * per flush interval, each carrying an array with the latest state per id.
 */
import type { ApiEvent, GatehouseEvents } from '../../shared/api-contract';
import type { ExchangeSummary } from '../../shared/exchange-types';
import type { RecordedExchange } from './recorded-exchange';

export type EmitEvent = <E extends ApiEvent>(event: E, payload: GatehouseEvents[E]) => void;

export class EventBatcher {
  private started = new Map<string, RecordedExchange>();
  private updated = new Map<string, RecordedExchange>();
  private finished = new Map<string, RecordedExchange>();
  private removed: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly emit: () => EmitEvent | undefined,
    private readonly intervalMs: number,
  ) {}

  start(r: RecordedExchange): void {
    this.started.set(r.id, r);
    this.schedule();
  }

  update(r: RecordedExchange): void {
    if (this.started.has(r.id)) return;
    this.updated.set(r.id, r);
    this.schedule();
  }

  finish(r: RecordedExchange): void {
    this.updated.delete(r.id);
    this.finished.set(r.id, r);
    this.schedule();
  }

  remove(records: readonly RecordedExchange[]): void {
    for (const r of records) {
      // Never announced: forget it silently.
      if (this.started.delete(r.id)) {
        this.finished.delete(r.id);
        continue;
      }
      this.updated.delete(r.id);
      this.finished.delete(r.id);
      this.removed.push(r.id);
    }
    if (this.removed.length > 0) this.schedule();
  }

  /** Everything pending is dropped and one "all removed" event goes out. */
  clearAll(): void {
    this.started.clear();
    this.updated.clear();
    this.finished.clear();
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
    const emit = this.emit();
    const summaries = (m: Map<string, RecordedExchange>): ExchangeSummary[] => [...m.values()].map((r) => r.summary());
    const started = summaries(this.started);
    const updated = summaries(this.updated);
    // An exchange that started and finished within one batch goes out in both lists.
    const finishedRecords = new Map(this.finished);
    for (const [id, r] of this.started) if (r.state !== 'pending') finishedRecords.set(id, r);
    const finished = summaries(finishedRecords);
    const removed = this.removed;
    this.started = new Map();
    this.updated = new Map();
    this.finished = new Map();
    this.removed = [];
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
