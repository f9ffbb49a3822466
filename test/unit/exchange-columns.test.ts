import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  decodeSummaryColumns,
  decodeSummarySnapshot,
  encodeSummaryColumns,
  SnapshotRows,
  TIME_TICKS_PER_MS,
  type SummaryColumns,
  type SummarySnapshot,
} from '../../shared/exchange-columns';
import type { ExchangeSummary } from '../../shared/exchange-types';

const T0 = 1_763_900_000_000.123; // an epoch-ms time with a fraction, as the recorder takes them

function summary(seq: number, over: Partial<ExchangeSummary> = {}): ExchangeSummary {
  return {
    id: `e${seq}`,
    seq,
    source: 'proxy',
    state: 'complete',
    startedAt: T0 + seq * 0.37,
    endedAt: T0 + seq * 0.37 + 1.234567,
    clientAddress: '127.0.0.1',
    clientPort: 40_000 + seq,
    scheme: 'http',
    httpVersion: '1.1',
    method: 'GET',
    host: 'app.test',
    url: `/item/${seq % 3}`,
    routeId: 'app.test/',
    target: 'http://127.0.0.1:3000',
    status: 200,
    contentType: 'text/plain',
    requestSize: 0,
    responseSize: 45,
    websocket: false,
    ...over,
  };
}

/** What a summary looks like after JSON (absent fields stay absent). */
const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

test('every field of every kind of row survives encode → JSON → decode exactly', () => {
  const rows: ExchangeSummary[] = [
    summary(1),
    summary(2, { state: 'pending', endedAt: undefined, status: undefined, contentType: undefined, responseSize: 0 }),
    summary(3, { state: 'error', status: 502, errorCode: 'upstream-refused', target: undefined }),
    summary(5, { websocket: true, wsMessageCount: 12, wsBytes: 4321, method: 'GET', url: '/ws' }),
    summary(6, { source: 'replay', replayOf: 'e1', httpVersion: '2', scheme: 'https', clientAddress: '::1' }),
    summary(7, { source: 'import', id: 'imported-7', routeId: undefined, host: 'other.test:8443', method: 'POST', requestSize: 1234 }),
    summary(9, { id: 'e09' }), // not prefix + seq: sent as a string
  ].map((r) => {
    const out = { ...r };
    for (const k of Object.keys(out) as Array<keyof ExchangeSummary>) if (out[k] === undefined) delete out[k];
    return out;
  });
  const wire = viaJson(encodeSummaryColumns(rows));
  assert.equal(wire.timeUnit, 'ticks');
  assert.equal(wire.idPrefix, 'e');
  const back = decodeSummaryColumns(wire);
  assert.deepEqual(back, rows);
  // Bit-exact times, not just close ones.
  for (let i = 0; i < rows.length; i++) {
    assert.ok(Object.is(back[i]!.startedAt, rows[i]!.startedAt));
    if (rows[i]!.endedAt !== undefined) assert.ok(Object.is(back[i]!.endedAt, rows[i]!.endedAt));
  }
});

test('times that are not whole ticks (a test clock) are sent as plain ms, still exact', () => {
  const rows = [summary(1, { startedAt: 0.1, endedAt: 0.30000000000000004 }), summary(2, { startedAt: 1e-7, endedAt: 5 })];
  const wire = viaJson(encodeSummaryColumns(rows));
  assert.equal(wire.timeUnit, 'ms');
  assert.deepEqual(decodeSummaryColumns(wire), rows);
});

test('repeating columns go as runs, varying ones as plain lists; an empty list round-trips', () => {
  const rows = Array.from({ length: 500 }, (_, i) => summary(i + 1, { status: i < 400 ? 200 : 404 }));
  const wire = encodeSummaryColumns(rows);
  assert.deepEqual(wire.method, { runs: [wire.strings.indexOf('GET'), 500] });
  assert.deepEqual(wire.status, { runs: [200, 400, 404, 100] });
  assert.deepEqual(wire.id, { runs: [-1, 500] }, 'ids that are "e" + seq need no strings');
  assert.deepEqual(wire.seq, { runs: [1, 500] }, 'seq as differences');
  assert.ok(Array.isArray(wire.clientPort), 'all different: one value per row');
  assert.equal(wire.strings.filter((s) => s.startsWith('/item/')).length, 3, 'each distinct string once');
  assert.ok(JSON.stringify(wire).length < JSON.stringify(rows).length / 5);
  assert.deepEqual(decodeSummaryColumns(viaJson(wire)), rows);
  assert.deepEqual(decodeSummaryColumns(viaJson(encodeSummaryColumns([]))), []);
});

test('times count 1/4096 ms ticks', () => {
  const rows = [summary(1, { startedAt: 1_763_900_000_000, endedAt: 1_763_900_000_002.5 })];
  const wire = encodeSummaryColumns(rows);
  assert.deepEqual(wire.endedAt, [2.5 * TIME_TICKS_PER_MS]);
  assert.deepEqual(wire.startedAt, [1_763_900_000_000 * TIME_TICKS_PER_MS]);
});

test('malformed columns are refused with a RangeError, not turned into wrong rows', () => {
  const good = viaJson(encodeSummaryColumns([summary(1), summary(2, { host: 'b.test' })]));
  const bad = (change: (c: SummaryColumns) => void): SummaryColumns => {
    const c = viaJson(good);
    change(c);
    return c;
  };
  assert.throws(() => decodeSummaryColumns(bad((c) => (c.count = 3))), RangeError);
  assert.throws(() => decodeSummaryColumns(bad((c) => (c.host = [0]))), RangeError);
  assert.throws(() => decodeSummaryColumns(bad((c) => (c.host = [0, 99]))), RangeError);
  assert.throws(() => decodeSummaryColumns(bad((c) => (c.host = [0, -1]))), RangeError, 'a host is required');
  assert.throws(() => decodeSummaryColumns(bad((c) => (c.method = { runs: [0, 3] }))), RangeError);
  assert.throws(() => decodeSummaryColumns(bad((c) => (c.method = { runs: [0] }))), RangeError);
  assert.throws(() => decodeSummaryColumns(bad((c) => (c.clientPort = ['x' as unknown as number, 1]))), RangeError);
  assert.throws(() => decodeSummaryColumns(bad((c) => ((c as { timeUnit: string }).timeUnit = 'years'))), RangeError);
  assert.throws(() => decodeSummaryColumns(bad((c) => delete (c as Partial<SummaryColumns>).url)), RangeError);
});

test('a column is sent as runs exactly when runs take fewer numbers than one value per row', () => {
  /** The rule, stated plainly: values per row, or runs when 2 × runs < rows. */
  const expected = (values: Array<number | null>) => {
    const runs: Array<number | null> = [];
    for (let i = 0; i < values.length; ) {
      let j = i + 1;
      while (j < values.length && values[j] === values[i]) j++;
      runs.push(values[i]!, j - i);
      i = j;
    }
    return values.length > 0 && runs.length >= values.length ? values : { runs };
  };
  let state = 7;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  // Sizes around the early-switch sample (64 rows) and columns that change on few,
  // half, or most rows, including columns that change a lot early and little later.
  for (const n of [0, 1, 2, 3, 63, 64, 65, 66, 130, 1000]) {
    for (const change of [0, 0.05, 0.45, 0.5, 0.55, 0.95, 1, -1]) {
      const ports: number[] = [];
      let port = 40_000;
      for (let i = 0; i < n; i++) {
        const p = change === -1 ? (i < 80 ? 1 : 0.01) : change;
        if (random() < p) port++;
        ports.push(port);
      }
      const rows = ports.map((p, i) => summary(i + 1, { clientPort: p }));
      const c = encodeSummaryColumns(rows);
      assert.deepEqual(c.clientPort, expected(ports), `n=${n} change=${change}`);
      assert.deepEqual(decodeSummaryColumns(viaJson(c)), viaJson(rows));
    }
  }
});

test('a snapshot of several blocks decodes to their rows in order, and a count that does not add up is refused', () => {
  const a = [summary(1), summary(2, { state: 'pending', endedAt: undefined, status: undefined, contentType: undefined })];
  const b = [summary(3, { errorCode: 'upstream-refused', target: undefined }), summary(4, { websocket: true, wsMessageCount: 2 })];
  const clean = (rows: ExchangeSummary[]) => viaJson(rows);
  const snap = viaJson({ count: 4, blocks: [encodeSummaryColumns(a), encodeSummaryColumns([]), encodeSummaryColumns(b)] });
  assert.deepEqual(decodeSummarySnapshot(snap), clean([...a, ...b]));
  assert.deepEqual(decodeSummarySnapshot({ count: 0, blocks: [] }), []);
  assert.throws(() => decodeSummarySnapshot({ ...snap, count: 5 }), /hold 4 rows, not 5/);
  assert.throws(() => decodeSummarySnapshot({ count: 1, blocks: [{ count: 1 } as unknown as SummaryColumns] }), RangeError);
  assert.throws(() => decodeSummarySnapshot({ count: 1 } as unknown as SummarySnapshot), RangeError);
});

/** Three blocks of 10 rows; the oldest block refers to a string its table does not have. */
function snapshotWithBadOldestBlock(): { snap: SummarySnapshot; rows: ExchangeSummary[] } {
  const rows = Array.from({ length: 30 }, (_, i) => summary(i + 1));
  const blocks = [0, 10, 20].map((from) => viaJson(encodeSummaryColumns(rows.slice(from, from + 10))));
  blocks[0]!.host = { runs: [99, 10] };
  return { snap: { count: 30, blocks }, rows: viaJson(rows) };
}

test('snapshot rows are decoded a block at a time, when one of the block’s rows is first read', () => {
  const { snap, rows } = snapshotWithBadOldestBlock();
  const list = new SnapshotRows(snap); // the shape is fine: nothing is decoded yet
  assert.equal(list.length, 30);
  assert.deepEqual(list.at(29), rows[29]);
  assert.deepEqual(list.at(10), rows[10]);
  assert.equal(list.at(29), list.at(29), 'a row is decoded once and kept');
  assert.equal(list.at(30), undefined);
  assert.equal(list.at(-1), undefined);
  assert.equal(list.complete, false);
  // Only now is the oldest block decoded, and its bad string index found.
  assert.throws(() => list.at(0), /"host" refers to string 99, which is not in the table/);
  // A malformed shape is still refused up front.
  const badRuns = viaJson(snap);
  badRuns.blocks[2]!.method = { runs: [0, 3] };
  assert.throws(() => new SnapshotRows(badRuns), /the runs of "method" do not add up to 10/);
});

test('decodeSome decodes newest blocks first within its budget; toArray gives every row', () => {
  const { snap, rows } = snapshotWithBadOldestBlock();
  let clock = 0;
  const now = () => clock++; // every reading of the clock is a millisecond later
  const list = new SnapshotRows(snap);
  assert.equal(list.decodeSome(0, now), false, 'one block per slice when the budget is spent at once');
  assert.equal(list.decodeSome(0, now), false);
  assert.throws(() => list.decodeSome(0, now), /not in the table/, 'the third slice reaches the oldest block');

  const good = viaJson(snap);
  good.blocks[0] = viaJson(encodeSummaryColumns(rows.slice(0, 10)));
  const ok = new SnapshotRows(good);
  ok.at(15);
  assert.equal(ok.decodeSome(1000), true);
  assert.equal(ok.complete, true);
  assert.deepEqual(ok.toArray(), rows);
  assert.deepEqual(new SnapshotRows(good).toArray(), decodeSummarySnapshot(good));
  assert.deepEqual(new SnapshotRows({ count: 0, blocks: [] }).toArray(), []);
});
