import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ApiEvent, GatehouseEvents } from '../../shared/api-contract';
import { encodeSummaryColumns, SnapshotRows, type SummarySnapshot } from '../../shared/exchange-columns';
import type { ExchangeSummary } from '../../shared/exchange-types';
import type { UiClient } from '../../renderer/src/client/ui-client';
import { TrafficStore, type RowList } from '../../renderer/src/model/traffic-store';
import { syncTraffic } from '../../renderer/src/model/traffic-sync';
import { manualFrames } from '../support/manual-frames';
import { pendingSummary } from '../support/summary-rows';

/** A finished exchange for seq, as the engine would list it. */
function x(seq: number, over: Partial<ExchangeSummary> = {}): ExchangeSummary {
  const startedAt = 1_763_900_000_000 + seq;
  return pendingSummary(seq, {
    state: 'complete',
    startedAt,
    endedAt: startedAt + 2,
    routeId: 'app.test/',
    target: 'http://127.0.0.1:3000',
    status: 200,
    contentType: 'text/plain',
    responseSize: 2,
    ...over,
  });
}

/** seq first…last in blocks of `size`, as the engine sends exchanges.snapshot (through JSON). */
function snapshotOf(first: number, last: number, size: number): SummarySnapshot {
  const blocks = [];
  for (let from = first; from <= last; from += size) {
    const rows = [];
    for (let s = from; s <= Math.min(last, from + size - 1); s++) rows.push(x(s));
    blocks.push(encodeSummaryColumns(rows));
  }
  return JSON.parse(JSON.stringify({ count: last - first + 1, blocks })) as SummarySnapshot;
}

/**
 * The engine side of the sync as a script: exchanges.snapshot answers with the
 * next queued snapshot; the test emits events and (re)connections by hand.
 */
function scriptedClient(answers: SummarySnapshot[]) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const connection = new Set<(c: boolean) => void>();
  let calls = 0;
  const client = {
    call: async (method: string) => {
      assert.equal(method, 'exchanges.snapshot');
      calls++;
      const next = answers.shift();
      if (!next) throw new Error('no snapshot scripted');
      return next;
    },
    on: (event: string, fn: (p: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      set.add(fn);
      listeners.set(event, set);
      return () => set.delete(fn);
    },
    onConnection: (fn: (c: boolean) => void) => {
      connection.add(fn);
      return () => connection.delete(fn);
    },
  } as unknown as UiClient;
  return {
    client,
    get calls() {
      return calls;
    },
    emit<E extends ApiEvent>(event: E, payload: GatehouseEvents[E]) {
      for (const fn of listeners.get(event) ?? []) fn(payload);
    },
    connect() {
      for (const fn of connection) fn(true);
    },
  };
}

/** A yield the test releases by hand, noting what the store showed at each one. */
function manualYields() {
  const waiting: Array<() => void> = [];
  return {
    yieldToPage: () => new Promise<void>((resolve) => waiting.push(resolve)),
    /** Waits until the sync is parked at a yield, without releasing it. */
    async reached(): Promise<boolean> {
      for (let i = 0; i < 50 && waiting.length === 0; i++) await new Promise((r) => setImmediate(r));
      return waiting.length > 0;
    },
    async step(): Promise<boolean> {
      for (let i = 0; i < 50 && waiting.length === 0; i++) await new Promise((r) => setImmediate(r));
      const next = waiting.shift();
      next?.();
      return next !== undefined;
    },
  };
}

/** A store kept in step with a scripted engine by syncTraffic, with yields the test releases. */
function startSync(answers: SummarySnapshot[]) {
  const engine = scriptedClient(answers);
  const frames = manualFrames();
  const store = new TrafficStore(frames);
  const yields = manualYields();
  const errors: Error[] = [];
  const stop = syncTraffic(engine.client, store, 200_000, (e) => errors.push(e), yields.yieldToPage);
  return { engine, frames, store, yields, errors, stop };
}

const seqs = (rows: RowList) => Array.from({ length: rows.length }, (_, i) => rows.at(i)!.seq);

test('a loaded list is shown before its rows are decoded; events that arrive meanwhile apply after the last slice', async () => {
  const { engine, frames, store, yields, errors, stop } = startSync([snapshotOf(1, 3000, 1024)]);
  engine.connect();
  // Parked at the yield after showing the list, before any decoding slice: what the page
  // renders first. (Reading it after releasing the yield raced an 8 ms slice that, on a
  // warm JIT, can decode all 3000 rows.)
  assert.ok(await yields.reached(), 'the sync yields to the page after showing the list');

  const shown = store.getSnapshot();
  assert.equal(shown.loading, false);
  assert.ok(shown.rows instanceof SnapshotRows, 'the rows shown are still being decoded');
  assert.equal((shown.rows as SnapshotRows).complete, false);
  assert.equal(shown.rows.length, 3000);
  assert.equal(shown.rows.at(2999)!.id, 'e3000', 'a row on screen decodes when read');
  assert.equal(store.get('e17')?.url, '/17');

  // Live traffic while the rest decodes: queued, not lost, not applied to the loaded rows.
  engine.emit('exchange.finished', [x(3001)]);
  engine.emit('exchange.finished', [x(3000, { status: 502 })]);
  frames.run();
  assert.equal(store.getSnapshot().rows.length, 3000);

  while (!Array.isArray(store.getSnapshot().rows) && (await yields.step()));
  assert.ok(Array.isArray(store.getSnapshot().rows), 'the decoded rows replace the lazy list');
  const final = store.getSnapshot();
  assert.deepEqual(seqs(final.rows), Array.from({ length: 3001 }, (_, i) => i + 1));
  assert.equal(final.rows.at(2999)!.status, 502, 'the update queued during decoding is applied');
  assert.deepEqual(errors, []);
  stop();
});

test('a reconnect while a list is decoding abandons it for the newer load', async () => {
  const { engine, store, yields, errors, stop } = startSync([snapshotOf(1, 3000, 1024), snapshotOf(2001, 5000, 1024)]);
  engine.connect();
  assert.ok(await yields.step());
  assert.equal(store.getSnapshot().rows.length, 3000);
  engine.connect(); // events may have been missed: load again
  while (await yields.step());
  assert.equal(engine.calls, 2);
  const rows = store.getSnapshot().rows;
  assert.ok(Array.isArray(rows));
  assert.deepEqual([rows.length, rows.at(0)!.seq, rows.at(2999)!.seq], [3000, 2001, 5000]);
  assert.deepEqual(errors, []);
  stop();
});

test('a list that fails to decode leaves the rows held before it, applies what queued, and reports the error', async () => {
  const broken = snapshotOf(101, 3100, 1024);
  broken.blocks[0]!.url = { runs: [99_999, 1024] }; // the oldest block refers to a string its table lacks
  const { engine, store, yields, errors, stop } = startSync([snapshotOf(1, 100, 1024), broken]);
  engine.connect();
  while (await yields.step());
  assert.equal(store.getSnapshot().rows.length, 100);

  engine.connect();
  assert.ok(await yields.step());
  assert.equal(store.getSnapshot().rows.length, 3000, 'the new list is shown while it decodes');
  engine.emit('exchange.finished', [x(3101)]);
  while (await yields.step());
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /"url" refers to string 99999, which is not in the table/);
  assert.deepEqual(seqs(store.getSnapshot().rows), [...Array.from({ length: 100 }, (_, i) => i + 1), 3101]);
  stop();
});
