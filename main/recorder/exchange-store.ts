/**
 * The recorder's ring buffer: exchanges in sequence order, bounded by count and
 * by estimated bytes, oldest dropped first. Lookup by id and cursor paging.
 */
import type { ExchangeFilter, ExchangeSummary, ListOrder } from '../../shared/exchange-types';
import { matchesFilter } from '../../shared/exchange-filter';
import type { RecordedExchange } from './recorded-exchange';

export interface StoreLimits {
  maxExchanges: number;
  maxTotalBytes: number;
}

export interface ListPage {
  items: ExchangeSummary[];
  nextCursor?: string;
  total: number;
}

export class ExchangeStore {
  /** In sequence order; live items are items[head..]. */
  private items: RecordedExchange[] = [];
  private head = 0;
  private readonly byId = new Map<string, RecordedExchange>();
  private bytes = 0;
  /** Exchanges dropped because a bound was reached. */
  dropped = 0;

  constructor(private limits: StoreLimits) {}

  get count(): number {
    return this.items.length - this.head;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  setLimits(limits: StoreLimits): RecordedExchange[] {
    this.limits = limits;
    return this.enforce();
  }

  get(id: string): RecordedExchange | undefined {
    return this.byId.get(id);
  }

  /** Adds a record (its seq must be higher than any held); returns what was dropped to make room. */
  add(r: RecordedExchange): RecordedExchange[] {
    this.items.push(r);
    this.byId.set(r.id, r);
    this.bytes += r.bytes;
    return this.enforce();
  }

  /** Adds several records as one step (import). */
  addAll(records: readonly RecordedExchange[]): RecordedExchange[] {
    for (const r of records) {
      this.items.push(r);
      this.byId.set(r.id, r);
      this.bytes += r.bytes;
    }
    return this.enforce();
  }

  /** A held record grew (or shrank) by delta bytes; returns what was dropped. */
  grow(r: RecordedExchange, delta: number): RecordedExchange[] {
    r.bytes += delta;
    if (r.evicted) return [];
    this.bytes += delta;
    return delta > 0 && this.bytes > this.limits.maxTotalBytes ? this.enforce() : [];
  }

  clear(): RecordedExchange[] {
    const all = this.items.slice(this.head);
    for (const r of all) r.evicted = true;
    this.items = [];
    this.head = 0;
    this.byId.clear();
    this.bytes = 0;
    this.dropped = 0;
    return all;
  }

  private enforce(): RecordedExchange[] {
    const out: RecordedExchange[] = [];
    while (this.count > 0 && (this.count > this.limits.maxExchanges || this.bytes > this.limits.maxTotalBytes)) {
      const r = this.items[this.head]!;
      this.items[this.head] = undefined as unknown as RecordedExchange;
      this.head++;
      this.byId.delete(r.id);
      this.bytes -= r.bytes;
      r.evicted = true;
      this.dropped++;
      out.push(r);
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Index of the first live item with seq > s (binary search). */
  private firstAfter(s: number): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid]!.seq <= s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  all(): RecordedExchange[] {
    return this.items.slice(this.head);
  }

  list(params: { filter?: ExchangeFilter; cursor?: string; limit?: number; order?: ListOrder }): ListPage {
    const limit = Math.max(1, Math.min(params.limit ?? 200, 1000));
    const newestFirst = params.order === 'newest-first';
    const cursor = params.cursor !== undefined && params.cursor !== '' ? Number(params.cursor) : undefined;
    if (cursor !== undefined && !Number.isFinite(cursor)) throw new RangeError(`invalid cursor "${params.cursor}"`);
    const items: ExchangeSummary[] = [];
    let total = 0;
    let nextCursor: string | undefined;
    const visit = (r: RecordedExchange, inPage: boolean): void => {
      const s = r.summary();
      if (!matchesFilter(s, params.filter)) return;
      total++;
      if (!inPage) return;
      if (items.length < limit) items.push(s);
      else if (nextCursor === undefined) nextCursor = String(items[items.length - 1]!.seq);
    };
    if (!newestFirst) {
      const start = cursor === undefined ? this.head : this.firstAfter(cursor);
      for (let i = this.head; i < this.items.length; i++) visit(this.items[i]!, i >= start);
    } else {
      const start = cursor === undefined ? this.items.length : this.firstAfter(cursor - 1);
      for (let i = this.items.length - 1; i >= this.head; i--) visit(this.items[i]!, i < start);
    }
    const page: ListPage = { items, total };
    if (nextCursor !== undefined) page.nextCursor = nextCursor;
    return page;
  }
}
