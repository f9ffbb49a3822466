import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { TrafficStore, type RowList } from '../../renderer/src/model/traffic-store';
import type { ExchangeSummary } from '../../shared/exchange-types';
import { visibleRange, scrollToReveal, isAtEnd } from '../../renderer/src/model/windowing';
import { buildWaterfall } from '../../renderer/src/model/timing-waterfall';
import { hexDumpLines } from '../../renderer/src/model/hex-dump';
import { buildListView, FilteredRows } from '../../renderer/src/model/traffic-view';
import { manualFrames } from '../support/manual-frames';
import { pendingSummary } from '../support/summary-rows';

/** A snapshot's rows as an array. */
function list(rows: RowList): ExchangeSummary[] {
  return Array.from({ length: rows.length }, (_, i) => rows.at(i)!);
}

const x = pendingSummary;

test('events are applied in one batch per frame, one notification per batch', () => {
  const frames = manualFrames();
  const store = new TrafficStore(frames);
  store.replaceAll([]);
  let notified = 0;
  store.subscribe(() => notified++);
  for (let i = 1; i <= 1000; i++) store.enqueue({ kind: 'upsert', items: [x(i)] });
  assert.equal(frames.pending, 1, 'a single frame is requested for many events');
  assert.equal(store.getSnapshot().rows.length, 0, 'nothing applied before the frame');
  frames.run();
  assert.equal(notified, 1);
  assert.equal(store.getSnapshot().rows.length, 1000);
  assert.deepEqual(list(store.getSnapshot().rows).slice(0, 3).map((r) => r.id), ['e1', 'e2', 'e3']);
});

test('updates replace rows in place, never regress to pending, and keep seq order', () => {
  const frames = manualFrames();
  const store = new TrafficStore(frames);
  store.replaceAll([x(1), x(3)]);
  const before = store.getSnapshot();
  store.enqueue({ kind: 'upsert', items: [x(3, { state: 'complete', status: 200 })] });
  store.enqueue({ kind: 'upsert', items: [x(2)] });
  store.enqueue({ kind: 'upsert', items: [x(3, { state: 'pending' })] });
  frames.run();
  const after = store.getSnapshot();
  assert.notEqual(after, before);
  assert.equal(before.rows.length, 2, 'the old snapshot is untouched');
  assert.deepEqual(list(after.rows).map((r) => [r.id, r.state]), [
    ['e1', 'pending'],
    ['e2', 'pending'],
    ['e3', 'complete'],
  ]);
  assert.equal(store.get('e3')?.status, 200);
  assert.equal(store.get('e2')?.seq, 2);
});

test('remove and clear-all', () => {
  const frames = manualFrames();
  const store = new TrafficStore(frames);
  store.replaceAll([x(1), x(2), x(3)]);
  store.enqueue({ kind: 'remove', ids: ['e2'] });
  frames.run();
  assert.deepEqual(list(store.getSnapshot().rows).map((r) => r.id), ['e1', 'e3']);
  assert.equal(store.get('e3')?.id, 'e3');
  assert.equal(store.get('e2'), undefined);
  store.enqueue({ kind: 'remove', ids: [], all: true });
  store.enqueue({ kind: 'upsert', items: [x(4)] });
  frames.run();
  assert.deepEqual(list(store.getSnapshot().rows).map((r) => r.id), ['e4']);
});

test('held while a reload is in flight; queued events apply after the loaded list', () => {
  const frames = manualFrames();
  const store = new TrafficStore(frames);
  assert.equal(store.getSnapshot().loading, true);
  store.hold();
  store.enqueue({ kind: 'upsert', items: [x(2, { state: 'complete', status: 204 })] });
  frames.run();
  assert.equal(store.getSnapshot().rows.length, 0);
  store.replaceAll([x(1), x(2)]);
  const s = store.getSnapshot();
  assert.equal(s.loading, false);
  assert.deepEqual(list(s.rows).map((r) => [r.id, r.status]), [
    ['e1', undefined],
    ['e2', 204],
  ]);
});

test('the row cap drops the oldest', () => {
  const frames = manualFrames();
  const store = new TrafficStore(frames, 3);
  store.replaceAll([x(1), x(2)]);
  store.enqueue({ kind: 'upsert', items: [x(3), x(4), x(5)] });
  frames.run();
  assert.deepEqual(list(store.getSnapshot().rows).map((r) => r.id), ['e3', 'e4', 'e5']);
  assert.equal(store.get('e5')?.seq, 5);
});

test('100k rows: appends stay in order and are indexed', () => {
  const frames = manualFrames();
  const store = new TrafficStore(frames);
  store.replaceAll([]);
  const batch: ExchangeSummary[] = [];
  for (let i = 1; i <= 100_000; i++) batch.push(x(i));
  store.enqueue({ kind: 'upsert', items: batch });
  frames.run();
  const rows = store.getSnapshot().rows;
  assert.equal(rows.length, 100_000);
  assert.equal(store.get('e99999')?.seq, 99_999);
});

test('windowing arithmetic', () => {
  assert.deepEqual(visibleRange(0, 100, 20, 0), { start: 0, end: 0 });
  assert.deepEqual(visibleRange(0, 100, 20, 1000, 0), { start: 0, end: 6 });
  assert.deepEqual(visibleRange(2000, 100, 20, 1000, 2), { start: 98, end: 108 });
  assert.deepEqual(visibleRange(1_000_000, 100, 20, 1000, 2), { start: 997, end: 1000 });
  assert.equal(scrollToReveal(10, 0, 100, 20), 120);
  assert.equal(scrollToReveal(2, 100, 100, 20), 40);
  assert.equal(scrollToReveal(6, 100, 100, 20), null);
  assert.equal(isAtEnd(880, 100, 1000, 20), true);
  assert.equal(isAtEnd(500, 100, 1000, 20), false);
});

test('timing waterfall', () => {
  const w = buildWaterfall({ received: 1000, upstreamConnected: 1010, responseHeaders: 1050, responseEnd: 1100 });
  assert.equal(w.totalMs, 100);
  assert.deepEqual(w.segments.map((s) => [s.phase, s.ms, s.offset, s.length]), [
    ['connect', 10, 0, 0.1],
    ['wait', 40, 0.1, 0.4],
    ['receive', 50, 0.5, 0.5],
  ]);
  assert.deepEqual(w.segments.map((s) => s.label), ['Connect upstream', 'Waiting for response head', 'Receiving response']);
  assert.deepEqual(buildWaterfall({ received: 5 }).segments, []);
});

test("timing waterfall: with no upstream response head, the answer is Gatehouse's own, not a response being received", () => {
  // Refused upstream: no connection, no head; the 502 page went out 16 ms after the request.
  const refused = buildWaterfall({ received: 1000, responseEnd: 1016 });
  assert.deepEqual(refused.segments.map((s) => [s.phase, s.label, s.ms]), [['local', 'Answered by Gatehouse', 16]]);
  // Connected, then the upstream failed before its head: connect, then Gatehouse's answer.
  const died = buildWaterfall({ received: 1000, upstreamConnected: 1002, responseEnd: 1030 });
  assert.deepEqual(died.segments.map((s) => [s.phase, s.ms]), [['connect', 2], ['local', 28]]);
});

test('timing waterfall: a reused connection has no connect phase; the time before sending on it is its own phase', () => {
  // 5 ms passed before the request was written on a pooled connection (route handling, added latency, a busy pool).
  const w = buildWaterfall({ received: 1000, upstreamConnected: 1005, connectionReused: true, responseHeaders: 1020, responseEnd: 1030 });
  assert.deepEqual(w.segments.map((s) => [s.phase, s.label, s.ms]), [
    ['queue', 'Before sending (reused)', 5],
    ['wait', 'Waiting for response head', 15],
    ['receive', 'Receiving response', 10],
  ]);
  assert.match(w.segments[0]!.hint, /reused from the keep-alive pool, so there was no connect/);
  assert.ok(!w.segments.some((s) => s.phase === 'connect' || /connect/i.test(s.label)), 'nothing reads as a connect time');
});

test('hex dump', () => {
  const lines = hexDumpLines(new Uint8Array([0x48, 0x69, 0x00, 0xff, ...new Array(14).fill(0x41)]));
  assert.equal(lines.length, 2);
  assert.equal(lines[0], '00000000  48 69 00 ff 41 41 41 41  41 41 41 41 41 41 41 41 |Hi..AAAAAAAAAAAA|');
  assert.match(lines[1]!, /^00000010  41 41 {4}/);
});

test('the incremental filtered view always equals a full rescan (random event sequences)', () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const frames = manualFrames();
  const store = new TrafficStore(frames, 150);
  store.replaceAll([]);
  const filtered = new FilteredRows();
  const filter = { statusClass: ['2xx' as const, 'pending' as const], method: 'GET' };
  let next = 1;
  const live: number[] = [];
  for (let round = 0; round < 300; round++) {
    const ops = 1 + Math.floor(rand() * 6);
    for (let o = 0; o < ops; o++) {
      const r = rand();
      if (r < 0.5) {
        const s = next++;
        live.push(s);
        store.enqueue({ kind: 'upsert', items: [x(s, { method: rand() < 0.5 ? 'GET' : 'POST' })] });
      } else if (r < 0.8 && live.length) {
        const s = live[Math.floor(rand() * live.length)]!;
        store.enqueue({ kind: 'upsert', items: [x(s, { state: 'complete', status: rand() < 0.5 ? 200 : 500, method: rand() < 0.7 ? 'GET' : 'POST' })] });
      } else if (r < 0.93 && live.length) {
        // The ring buffer drops the oldest.
        const k = Math.min(live.length, 1 + Math.floor(rand() * 3));
        store.enqueue({ kind: 'remove', ids: live.splice(0, k).map((s) => `e${s}`) });
      } else if (r < 0.97 && live.length > 2) {
        const [s] = live.splice(1 + Math.floor(rand() * (live.length - 1)), 1);
        store.enqueue({ kind: 'remove', ids: [`e${s}`] });
      } else if (r < 0.98) {
        live.length = 0;
        store.enqueue({ kind: 'remove', ids: [], all: true });
      }
    }
    frames.run();
    const snap = store.getSnapshot();
    for (const mode of ['newest-first', 'follow'] as const) {
      const inc = filtered.view(snap, filter, mode);
      const full = buildListView(snap.rows, filter, mode);
      assert.deepEqual(inc.ids(), full.ids(), `round ${round} ${mode}`);
      if (full.count > 0) {
        const probe = full.at(Math.floor(rand() * full.count));
        assert.equal(inc.at(inc.indexOfSeq(probe.seq)).id, probe.id);
      }
    }
    assert.ok(snap.rows.length <= 150);
  }
});

test('rows are found by seq: ids that do not end in their seq, updates after drops, oldest-first removal', () => {
  const frames = manualFrames();
  const store = new TrafficStore(frames);
  store.replaceAll([x(1), x(2, { id: 'imported-7' }), x(3), x(4)]);
  assert.equal(store.get('imported-7')?.seq, 2, 'an id that is not prefix+seq is still found');
  assert.equal(store.get('e7'), undefined, 'a seq-shaped id whose seq is held by another id is not confused with it');
  // The recorder's ring drops the two oldest; an update for e4 and a new e5 arrive in the same frame.
  store.enqueue({ kind: 'remove', ids: ['e1', 'imported-7'] });
  store.enqueue({ kind: 'upsert', items: [x(4, { state: 'complete', status: 201 }), x(5)] });
  const before = store.getSnapshot();
  frames.run();
  const s = store.getSnapshot();
  assert.deepEqual(list(s.rows).map((r) => [r.id, r.status]), [
    ['e3', undefined],
    ['e4', 201],
    ['e5', undefined],
  ]);
  assert.deepEqual(s.change, { kind: 'append', dropped: 2, from: 2, updated: [1] });
  assert.equal(before.rows.length, 4, 'the previous snapshot keeps its rows');
  assert.equal(store.get('e4')?.status, 201);
  assert.equal(store.get('e1'), undefined);
  // A later update of a row that moved because of the drop lands on the right row.
  store.enqueue({ kind: 'upsert', items: [x(3, { state: 'complete', status: 500 })] });
  frames.run();
  assert.deepEqual(list(store.getSnapshot().rows).map((r) => r.status), [500, 201, undefined]);
});
