/**
 * exchanges.snapshot over the real control server: the whole recorded list in one
 * compact call, equal row for row to what exchanges.list pages out.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { callApi, startControlHarness, type ControlHarness } from '../support/control-harness';
import { exchangeStart } from '../support/exchange-start';
import { Recorder } from '../../main/recorder/recorder';
import { decodeSummarySnapshot, type SummarySnapshot } from '../../shared/exchange-columns';
import type { ExchangeSummary } from '../../shared/exchange-types';

const HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n';
let h: ControlHarness;

before(async () => {
  // A small ring, so that the oldest exchanges have been dropped when the snapshot is taken.
  h = await startControlHarness({ recorder: new Recorder({ batchMs: 10, recording: { maxExchanges: 250 } }) });
  const r = h.recorder;
  for (let i = 0; i < 300; i++) {
    const tap = r.begin(
      exchangeStart({
        startedAt: performance.timeOrigin + performance.now(),
        url: `/item/${i % 7}?q=${i}`,
        method: i % 5 === 0 ? 'POST' : 'GET',
        host: i % 3 === 0 ? 'api.test:8443' : 'app.test',
        scheme: i % 3 === 0 ? 'https' : 'http',
        clientPort: 40_000 + i,
        routeId: i % 4 === 0 ? undefined : 'app.test/',
        websocket: i === 299,
      }),
    )!;
    if (i % 10 === 9) continue; // left pending
    if (i % 11 === 0) {
      tap.finish({ code: 'upstream-refused', message: 'connect ECONNREFUSED' });
      continue;
    }
    tap.target('http://127.0.0.1:3000');
    tap.clientResponse(i % 13 === 0 ? 404 : 200, HEAD);
    tap.responseBody(new Uint8Array(i));
    tap.finish();
  }
});
after(() => h?.close());

async function listAll(): Promise<ExchangeSummary[]> {
  const out: ExchangeSummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const r = await callApi(h.server.port, h.server.token, 'exchanges.list', { limit: 100, ...(cursor ? { cursor } : {}) });
    const res = r.json.result as { items: ExchangeSummary[]; nextCursor?: string };
    out.push(...res.items);
    if (!res.nextCursor) return out;
    cursor = res.nextCursor;
  }
  throw new Error('exchanges.list did not end');
}

test('the snapshot decodes to exactly the rows exchanges.list pages out, oldest first', async () => {
  const r = await callApi(h.server.port, h.server.token, 'exchanges.snapshot', {});
  assert.equal(r.status, 200);
  const columns = r.json.result as SummarySnapshot;
  assert.equal(columns.count, 250);
  const rows = decodeSummarySnapshot(columns);
  const listed = await listAll();
  assert.equal(listed.length, 250);
  assert.deepEqual(rows, listed);
  assert.equal(rows[0]!.seq, 51, 'the 50 oldest were dropped by the ring');
  assert.ok(rows.some((x) => x.state === 'pending') && rows.some((x) => x.errorCode === 'upstream-refused') && rows.some((x) => x.status === 404));
  assert.ok(rows.at(-1)!.websocket);
  // And it is compact: a fraction of the JSON of the same rows as objects.
  assert.ok(JSON.stringify(columns).length * 3 < JSON.stringify(listed).length, 'columns are much smaller than objects');
});

test('limit keeps the newest exchanges; a bad limit is a 400 that says what is wrong', async () => {
  const r = await callApi(h.server.port, h.server.token, 'exchanges.snapshot', { limit: 20 });
  const rows = decodeSummarySnapshot(r.json.result as SummarySnapshot);
  assert.deepEqual(
    rows.map((x) => x.seq),
    Array.from({ length: 20 }, (_, i) => 281 + i),
  );
  const none = decodeSummarySnapshot((await callApi(h.server.port, h.server.token, 'exchanges.snapshot', { limit: 0 })).json.result as SummarySnapshot);
  assert.deepEqual(none, []);
  for (const limit of [-1, 1.5, 'ten']) {
    const bad = await callApi(h.server.port, h.server.token, 'exchanges.snapshot', { limit });
    assert.equal(bad.status, 400, String(limit));
    assert.equal(bad.json.error!.code, 'bad-request');
    assert.match(bad.json.error!.message, /limit/);
  }
});

test('a snapshot of several blocks over HTTP: kept blocks are spliced in as text, and every call reads the same', async () => {
  const rec = new Recorder({ batchMs: 10, snapshotIdleMs: 60_000 });
  const big = await startControlHarness({ recorder: rec });
  try {
    for (let i = 0; i < 2600; i++) {
      const tap = rec.begin(exchangeStart({ url: `/asset/${i}.js`, clientPort: 41_000 + (i % 1000) }))!;
      tap.clientResponse(200, HEAD);
      tap.finish();
    }
    rec.flushEvents(); // the events announced, the finished exchanges are frozen
    const first = await callApi(big.server.port, big.server.token, 'exchanges.snapshot', {});
    const second = await callApi(big.server.port, big.server.token, 'exchanges.snapshot', {});
    assert.equal(first.status, 200);
    assert.deepEqual(rec.snapshotStats(), { blocksEncoded: 3 + 1, blocksCached: 2 }, 'the two closed blocks were encoded once');
    const a = first.json.result as SummarySnapshot;
    assert.deepEqual(second.json.result, a);
    assert.deepEqual(
      a.blocks.map((b) => b.count),
      [1024, 1024, 552],
    );
    const rows = decodeSummarySnapshot(a);
    assert.equal(rows.length, 2600);
    assert.deepEqual(
      rows.map((x) => x.url),
      Array.from({ length: 2600 }, (_, i) => `/asset/${i}.js`),
    );
  } finally {
    await big.close();
  }
});
