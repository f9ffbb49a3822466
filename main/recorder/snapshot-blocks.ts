/**
 * exchanges.snapshot's encoder: the held exchanges' summaries as a SummarySnapshot
 * (shared/exchange-columns.ts), in blocks of BLOCK_ROWS consecutive seqs.
 *
 * A block whose exchanges are all frozen (finished: nothing changes them again) and
 * whose seq range is closed (the recorder has handed out a later seq) encodes to the
 * same text forever, so its JSON is kept and the next snapshot splices it in. Seqs
 * are never reused, so (block, first seq, row count) names the text exactly: the ring
 * can only drop a block's oldest rows, and that changes the first seq and the count.
 *
 * Encoding 100k rows from scratch costs a few hundred ms of the engine's one thread;
 * so a snapshot encodes in slices and yields to the event loop between them (proxied
 * requests and the dashboard's own files are served meanwhile), and the recorder
 * warms the cache while traffic is idle (warm(), one block per turn of the event
 * loop), so opening the dashboard after a burst of traffic costs little more than
 * sending the text.
 */
import type { ExchangeSummary } from '../../shared/exchange-types';
import { encodeSummaryColumns, type SummaryRows } from '../../shared/exchange-columns';
import { FrozenExchange } from './frozen-exchange';
import type { HeldExchange } from './recorded-exchange';

/** Rows per block, by seq: block b holds seqs b × BLOCK_ROWS + 1 … (b + 1) × BLOCK_ROWS. */
export const BLOCK_ROWS = 1024;

function blockOf(seq: number): number {
  return Math.floor((seq - 1) / BLOCK_ROWS);
}

/** Rows items[from..to), read one at a time: frozen ones refill one shared object. */
export function summaryRowsOf(items: readonly HeldExchange[], from: number, to: number): SummaryRows {
  const shared = {} as ExchangeSummary;
  return {
    count: to - from,
    row: (i) => {
      const r = items[from + i]!;
      return r instanceof FrozenExchange ? r.summaryInto(shared, true) : r.summary();
    },
  };
}

/** The end (exclusive) of the run of items from `s` whose seqs are in the same block. */
function groupEnd(items: readonly HeldExchange[], s: number): number {
  const first = items[s]!.seq;
  const b = blockOf(first);
  // Held seqs are consecutive, so the block's last row is this many items on; gaps (none
  // are made today) would only make that overshoot, and the loop below walks back.
  let e = Math.min(items.length, s + ((b + 1) * BLOCK_ROWS - first) + 1);
  while (e > s + 1 && blockOf(items[e - 1]!.seq) !== b) e--;
  return e;
}

function allFrozen(items: readonly HeldExchange[], s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (!(items[i] instanceof FrozenExchange)) return false;
  return true;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface CachedBlock {
  firstSeq: number;
  count: number;
  json: string;
}

export class SnapshotBlocks {
  private readonly cache = new Map<number, CachedBlock>();
  private encoded = 0;

  /** Blocks encoded so far (not taken from the cache). */
  get blocksEncoded(): number {
    return this.encoded;
  }

  /** Blocks whose text is kept. */
  get blocksCached(): number {
    return this.cache.size;
  }

  /**
   * The JSON text of the SummarySnapshot of items[from..] (held exchanges, oldest first),
   * as they are when called. `lastSeq`: the highest seq handed out so far. Encoding
   * yields to the event loop every `sliceMs` of work.
   */
  async snapshot(items: readonly HeldExchange[], from: number, lastSeq: number, sliceMs = 8): Promise<string> {
    this.prune(items.length > 0 ? items[0]!.seq : undefined);
    const parts: string[] = [];
    let sliceStart = performance.now();
    for (let s = from; s < items.length; ) {
      const e = groupEnd(items, s);
      // A group that starts at `from` > 0 may be cut short by a limit: not the block's text.
      parts.push(this.block(items, s, e, lastSeq, s > from || from === 0));
      s = e;
      if (s < items.length && performance.now() - sliceStart >= sliceMs) {
        await yieldToLoop();
        sliceStart = performance.now();
      }
    }
    return `{"count":${items.length - from},"blocks":[${parts.join(',')}]}`;
  }

  /**
   * Encodes and keeps up to `maxBlocks` closed, all-frozen blocks not kept yet, newest
   * first (the oldest are the next the ring drops); true when none is left.
   */
  warm(items: readonly HeldExchange[], lastSeq: number, maxBlocks: number): boolean {
    this.prune(items.length > 0 ? items[0]!.seq : undefined);
    let left = maxBlocks;
    const ends: number[] = [];
    for (let s = 0; s < items.length; s = ends[ends.length - 1]!) ends.push(groupEnd(items, s));
    for (let g = ends.length - 1; g >= 0; g--) {
      const s = g === 0 ? 0 : ends[g - 1]!;
      const e = ends[g]!;
      if (this.cached(items, s, e) !== undefined || !this.cacheable(items, s, e, lastSeq)) continue;
      if (left === 0) return false;
      this.block(items, s, e, lastSeq, true);
      left--;
    }
    return true;
  }

  /** Forgets the text of blocks wholly before `firstHeldSeq` (every block when nothing is held). */
  prune(firstHeldSeq: number | undefined): void {
    if (firstHeldSeq === undefined) {
      this.cache.clear();
      return;
    }
    const head = blockOf(firstHeldSeq);
    for (const b of this.cache.keys()) if (b < head) this.cache.delete(b);
  }

  private cached(items: readonly HeldExchange[], s: number, e: number): string | undefined {
    const c = this.cache.get(blockOf(items[s]!.seq));
    return c !== undefined && c.firstSeq === items[s]!.seq && c.count === e - s ? c.json : undefined;
  }

  private cacheable(items: readonly HeldExchange[], s: number, e: number, lastSeq: number): boolean {
    return lastSeq >= (blockOf(items[s]!.seq) + 1) * BLOCK_ROWS && allFrozen(items, s, e);
  }

  private block(items: readonly HeldExchange[], s: number, e: number, lastSeq: number, whole: boolean): string {
    const hit = this.cached(items, s, e);
    if (hit !== undefined) return hit;
    const keep = whole && this.cacheable(items, s, e, lastSeq);
    const json = JSON.stringify(encodeSummaryColumns(summaryRowsOf(items, s, e)));
    this.encoded++;
    if (keep) this.cache.set(blockOf(items[s]!.seq), { firstSeq: items[s]!.seq, count: e - s, json });
    return json;
  }
}
