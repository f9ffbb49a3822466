/**
 * exchanges.snapshot's block encoder: the text of finished blocks is kept and reused,
 * never stale (pending exchanges, the ring dropping rows, clear, limit), warmed while
 * traffic is idle, and a long encoding yields to the event loop.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Recorder } from '../../main/recorder/recorder';
import { BLOCK_ROWS, SnapshotBlocks } from '../../main/recorder/snapshot-blocks';
import type { HeldExchange } from '../../main/recorder/recorded-exchange';
import { ExchangeStore } from '../../main/recorder/exchange-store';
import { decodeSummarySnapshot, type SummarySnapshot } from '../../shared/exchange-columns';
import type { ExchangeSummary } from '../../shared/exchange-types';
import type { ExchangeTap } from '../../main/engine/exchange-observer';
import { exchangeStart } from '../support/exchange-start';

const HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n';

/** Records n exchanges; every `pendingEvery`-th is left in flight and returned. */
function record(rec: Recorder, n: number, pendingEvery = 0): ExchangeTap[] {
  const pending: ExchangeTap[] = [];
  for (let i = 0; i < n; i++) {
    const tap = rec.begin(exchangeStart({ url: `/r/${i % 37}?n=${i}`, clientPort: 40_000 + (i % 5000), method: i % 9 === 0 ? 'POST' : 'GET' }))!;
    if (pendingEvery > 0 && i % pendingEvery === pendingEvery - 1) {
      pending.push(tap);
      continue;
    }
    tap.target('http://127.0.0.1:3000');
    tap.clientResponse(i % 13 === 0 ? 404 : 200, HEAD);
    tap.finish();
  }
  return pending;
}

function all(rec: Recorder): ExchangeSummary[] {
  const out: ExchangeSummary[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = rec.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}

async function snapshot(rec: Recorder, limit?: number): Promise<SummarySnapshot> {
  return JSON.parse(await rec.snapshotJson(limit)) as SummarySnapshot;
}

test('blocks follow seq boundaries, and the snapshot decodes to exactly the held rows', async () => {
  const rec = new Recorder({ recording: { maxExchanges: 3000 }, snapshotIdleMs: 60_000 });
  record(rec, 3500, 97);
  const s = await snapshot(rec);
  assert.equal(s.count, 3000);
  // Seqs 501..3500 held: block 0 (1..1024) holds 524 of them, then 1024, 1024 and the 428 of the open block.
  assert.deepEqual(
    s.blocks.map((b) => b.count),
    [BLOCK_ROWS - 500, BLOCK_ROWS, BLOCK_ROWS, 3500 - 3 * BLOCK_ROWS],
  );
  assert.deepEqual(decodeSummarySnapshot(s), all(rec));
  rec.close();
});

test('finished blocks are encoded once; pending rows, the open block and dropped rows are never served stale', async () => {
  const rec = new Recorder({ recording: { maxExchanges: 3000 }, snapshotIdleMs: 60_000 });
  const pending = record(rec, 2500, 600); // pending: seqs 600, 1200, 1800, 2400 (blocks 0, 1, 1, 2)
  const first = await snapshot(rec);
  assert.deepEqual(decodeSummarySnapshot(first), all(rec));
  assert.deepEqual(rec.snapshotStats(), { blocksEncoded: 3, blocksCached: 0 }, 'every block has a pending row or is open');

  // Block 1's pending rows finish: it is kept from now on; block 0 still has one in flight.
  pending[1]!.clientResponse(201, HEAD);
  pending[1]!.finish();
  pending[2]!.finish({ code: 'upstream-refused', message: 'connect ECONNREFUSED' });
  const second = await snapshot(rec);
  assert.deepEqual(decodeSummarySnapshot(second), all(rec));
  assert.equal(decodeSummarySnapshot(second).find((x) => x.seq === 1200)!.status, 201, 'the finished row, not the cached pending one');
  assert.deepEqual(rec.snapshotStats(), { blocksEncoded: 6, blocksCached: 1 });
  await snapshot(rec);
  assert.deepEqual(rec.snapshotStats(), { blocksEncoded: 8, blocksCached: 1 }, 'block 1 came from the cache');

  // The ring drops the oldest 700: block 0 keeps only its last 324 rows.
  pending[0]!.finish();
  pending[3]!.finish();
  record(rec, 1200);
  const third = decodeSummarySnapshot(await snapshot(rec));
  assert.equal(third.length, 3000);
  assert.equal(third[0]!.seq, 701);
  assert.deepEqual(third, all(rec));
  // And with a limit that cuts a block: the newest rows, and the whole-block text is not replaced by the cut one.
  const newest = decodeSummarySnapshot(await snapshot(rec, 1500));
  assert.deepEqual(newest, all(rec).slice(-1500));
  assert.deepEqual(decodeSummarySnapshot(await snapshot(rec)), all(rec));
  rec.close();
});

test('clear() forgets every kept block; later traffic is snapshotted afresh', async () => {
  const rec = new Recorder({ snapshotIdleMs: 60_000 });
  record(rec, 2100);
  await snapshot(rec);
  assert.equal(rec.snapshotStats().blocksCached, 2);
  rec.clear();
  assert.equal(rec.snapshotStats().blocksCached, 0);
  assert.deepEqual(await snapshot(rec), { count: 0, blocks: [] });
  record(rec, 10);
  const after = decodeSummarySnapshot(await snapshot(rec));
  assert.deepEqual(
    after.map((x) => x.seq),
    Array.from({ length: 10 }, (_, i) => 2101 + i),
  );
  rec.close();
});

test('while traffic is idle the recorder warms the cache, so the next snapshot encodes only the open block', async () => {
  const rec = new Recorder({ snapshotIdleMs: 20 });
  record(rec, 5 * BLOCK_ROWS + 10);
  const deadline = Date.now() + 5000;
  while (rec.snapshotStats().blocksCached < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(rec.snapshotStats(), { blocksEncoded: 5, blocksCached: 5 }, 'the five closed blocks, warmed');
  assert.deepEqual(decodeSummarySnapshot(await snapshot(rec)), all(rec));
  assert.equal(rec.snapshotStats().blocksEncoded, 6, 'only the open block was encoded for the snapshot');
  rec.close();
});

test('warming copies the ring once while it is unchanged, and again when it changes (not once per block)', async () => {
  const rec = new Recorder({ snapshotIdleMs: 20 });
  const store = (rec as unknown as { store: ExchangeStore }).store;
  const all0 = store.all.bind(store);
  let copies = 0;
  store.all = () => {
    copies++;
    return all0();
  };
  const warmed = async (blocks: number): Promise<void> => {
    const deadline = Date.now() + 5000;
    while (rec.snapshotStats().blocksCached < blocks && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(rec.snapshotStats().blocksCached, blocks);
  };
  record(rec, 6 * BLOCK_ROWS + 10);
  await warmed(6);
  assert.equal(copies, 1, 'six blocks warmed from one copy');
  // More traffic closes the open block: warming starts over from a fresh copy.
  record(rec, BLOCK_ROWS);
  await warmed(7);
  assert.equal(copies, 2);
  assert.deepEqual(decodeSummarySnapshot(await snapshot(rec)), all(rec));
  rec.close();
});

test('the store version changes whenever the held items do, and only then', () => {
  const store = new ExchangeStore({ maxExchanges: 2, maxTotalBytes: 1e9 });
  const rec = new Recorder({ snapshotIdleMs: 60_000 });
  record(rec, 4);
  const [a, b, c, d] = rec.list({ limit: 10 }).items.map((x) => (rec as unknown as { store: ExchangeStore }).store.get(x.id)!);
  const seen = [store.version];
  const changed = (what: string): void => {
    assert.notEqual(store.version, seen[seen.length - 1], what);
    seen.push(store.version);
  };
  store.add(a!);
  changed('add');
  store.all();
  store.get(a!.id);
  store.list({});
  assert.equal(store.version, seen[seen.length - 1], 'reads change nothing');
  store.addAll([b!]);
  changed('addAll');
  store.add(c!);
  changed('add, dropping the oldest');
  assert.equal(store.replace(b!, d!), true);
  changed('replace');
  store.clear();
  changed('clear');
  rec.close();
});

test('a long snapshot yields to the event loop between blocks and still reads the rows as they were when asked', async () => {
  // Plain held rows (never frozen), so every block is encoded: 40 blocks, sliceMs 0 = a yield after each.
  const rows: HeldExchange[] = Array.from({ length: 40 * BLOCK_ROWS }, (_, i) => {
    const seq = i + 1;
    const summary: ExchangeSummary = {
      id: `e${seq}`,
      seq,
      source: 'proxy',
      state: 'complete',
      startedAt: 1_700_000_000_000 + seq,
      endedAt: 1_700_000_000_002 + seq,
      clientAddress: '127.0.0.1',
      clientPort: 40_000 + (i % 100),
      scheme: 'http',
      httpVersion: '1.1',
      method: 'GET',
      host: 'app.test',
      url: `/${i}`,
      status: 200,
      requestSize: 0,
      responseSize: 2,
      websocket: false,
    };
    return { seq, id: summary.id, state: 'complete', bytes: 0, evicted: false, eventFlags: 0, summary: () => summary } as unknown as HeldExchange;
  });
  const blocks = new SnapshotBlocks();
  let turns = 0;
  const tick = (): void => {
    turns++;
    if (turns < 1000) setImmediate(tick);
  };
  setImmediate(tick);
  const text = await blocks.snapshot(rows.slice(), 0, rows.length, 0);
  const turnsDuring = turns;
  turns = 1000; // stops the ticking
  assert.ok(turnsDuring >= 39, `the loop turned ${turnsDuring} times while 40 blocks were encoded`);
  assert.equal(blocks.blocksEncoded, 40);
  const s = JSON.parse(text) as SummarySnapshot;
  assert.equal(s.blocks.length, 40);
  assert.deepEqual(
    decodeSummarySnapshot(s).map((x) => x.url),
    rows.map((r) => r.summary().url),
  );
});
