/**
 * The recorder's ring buffer: exchanges in sequence order, bounded by count and
 * by estimated bytes, oldest dropped first. Lookup by id and cursor paging.
 * Ids are "e<seq>" and the items are in seq order, so a lookup is a binary
 * search: no id map to keep in step on every exchange.
 */
import type { ExchangeFilter, ExchangeSummary, ListOrder } from '../../shared/exchange-types';
import { matchesFilter } from '../../shared/exchange-filter';
import type { HeldExchange } from './recorded-exchange';

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
  private items: HeldExchange[] = [];
  private head = 0;
  private bytes = 0;
  /** Exchanges dropped because a bound was reached. */
  dropped = 0;
  /** Changes whenever the held items do (added, replaced, dropped, cleared): all() is unchanged while it is. */
  private changes = 0;

  /** `onDrop` hears of every record dropped to make room (not of clear()). */
  constructor(
    private limits: StoreLimits,
    private readonly onDrop: (r: HeldExchange) => void = () => {},
  ) {}

  get count(): number {
    return this.items.length - this.head;
  }

  /** A number that changes whenever the held items do, so a caller can keep a copy from all() while it is the same. */
  get version(): number {
    return this.changes;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  setLimits(limits: StoreLimits): void {
    this.limits = limits;
    this.enforce();
  }

  get(id: string): HeldExchange | undefined {
    if (id.charCodeAt(0) !== 101 /* e */) return undefined;
    const seq = Number(id.slice(1));
    if (!Number.isSafeInteger(seq)) return undefined;
    const i = this.firstAfter(seq - 1);
    const r = this.items[i];
    return r !== undefined && r.seq === seq && r.id === id ? r : undefined;
  }

  /** Adds a record (its seq must be higher than any held); drops the oldest while over a bound. */
  add(r: HeldExchange): void {
    this.items.push(r);
    this.bytes += r.bytes;
    this.changes++;
    this.enforce();
  }

  /** Adds several records as one step (import). */
  addAll(records: readonly HeldExchange[]): void {
    for (const r of records) {
      this.items.push(r);
      this.bytes += r.bytes;
    }
    this.changes++;
    this.enforce();
  }

  /**
   * Puts `next` (the same exchange, frozen) where `r` is held; false when `r` is
   * no longer held (dropped or cleared meanwhile).
   */
  replace(r: HeldExchange, next: HeldExchange): boolean {
    if (r.evicted) return false;
    const i = this.firstAfter(r.seq - 1);
    if (this.items[i] !== r) return false;
    this.items[i] = next;
    this.changes++;
    return true;
  }

  /** A held record grew (or shrank) by delta bytes. */
  grow(r: HeldExchange, delta: number): void {
    r.bytes += delta;
    if (r.evicted) return;
    this.bytes += delta;
    if (delta > 0 && this.bytes > this.limits.maxTotalBytes) this.enforce();
  }

  clear(): HeldExchange[] {
    const all = this.items.slice(this.head);
    for (const r of all) r.evicted = true;
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    this.dropped = 0;
    this.changes++;
    return all;
  }

  private enforce(): void {
    while (this.count > 0 && (this.count > this.limits.maxExchanges || this.bytes > this.limits.maxTotalBytes)) {
      const r = this.items[this.head]!;
      this.items[this.head] = undefined as unknown as HeldExchange;
      this.head++;
      this.bytes -= r.bytes;
      r.evicted = true;
      this.dropped++;
      this.changes++;
      this.onDrop(r);
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
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

  all(): HeldExchange[] {
    return this.items.slice(this.head);
  }

  list(params: { filter?: ExchangeFilter; cursor?: string; limit?: number; order?: ListOrder }): ListPage {
    const limit = Math.max(1, Math.min(params.limit ?? 200, 1000));
    const newestFirst = params.order === 'newest-first';
    const cursor = params.cursor !== undefined && params.cursor !== '' ? Number(params.cursor) : undefined;
    if (cursor !== undefined && !Number.isFinite(cursor)) throw new RangeError(`invalid cursor "${params.cursor}"`);
    const items: ExchangeSummary[] = [];
    let nextCursor: string | undefined;
    if (params.filter === undefined) {
      // Unfiltered: the total is the count, and only the page (plus one, for the cursor) needs summaries.
      const page: ListPage = { items, total: this.count };
      if (!newestFirst) {
        const start = cursor === undefined ? this.head : this.firstAfter(cursor);
        for (let i = start; i < this.items.length && items.length < limit; i++) items.push(this.items[i]!.summary());
        if (start + limit < this.items.length && items.length === limit) page.nextCursor = String(items[items.length - 1]!.seq);
      } else {
        const start = cursor === undefined ? this.items.length : this.firstAfter(cursor - 1);
        for (let i = start - 1; i >= this.head && items.length < limit; i--) items.push(this.items[i]!.summary());
        if (start - limit > this.head && items.length === limit) page.nextCursor = String(items[items.length - 1]!.seq);
      }
      return page;
    }
    let total = 0;
    const visit = (r: HeldExchange, inPage: boolean): void => {
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
