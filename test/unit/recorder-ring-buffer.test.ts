import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Recorder } from '../../main/recorder/recorder';
import { exchangeStart } from '../support/exchange-start';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function recordSmall(rec: Recorder, i: number): void {
  const tap = rec.begin(exchangeStart({ url: `/item/${i}`, method: 'POST', requestHeaders: [['Host', 'app.test'], ['Content-Type', 'text/plain']] }));
  assert.ok(tap);
  tap.target('http://127.0.0.1:3000');
  tap.forwarded('POST', `/item/${i}`, [['Host', 'app.test'], ['X-Forwarded-For', '127.0.0.1']]);
  tap.upstreamConnected(true);
  tap.requestBody(Buffer.from(`request body ${i}`));
  tap.upstreamResponse(200, [['Content-Type', 'text/plain']]);
  tap.clientResponse(200, [['Content-Type', 'text/plain']]);
  tap.responseBody(Buffer.from(`response body ${i}`.repeat(4)));
  tap.finish();
}

test('100k exchanges with a cap of 10k leave the newest 10k and a bounded heap', () => {
  const rec = new Recorder({ recording: { maxExchanges: 10_000 } });
  for (let i = 0; i < 10_000; i++) recordSmall(rec, i);
  const heapAt10k = heapAfterGc();
  for (let i = 10_000; i < 100_000; i++) recordSmall(rec, i);
  const heapAt100k = heapAfterGc();
  const state = rec.state();
  assert.equal(state.count, 10_000);
  assert.equal(state.dropped, 90_000);
  const page = rec.list({ limit: 1 });
  assert.equal(page.total, 10_000);
  assert.equal(page.items[0]!.url, '/item/90000', 'the oldest are dropped first');
  const newest = rec.list({ limit: 1, order: 'newest-first' });
  assert.equal(newest.items[0]!.url, '/item/99999');
  // Ten times the traffic must not mean ten times the heap: allow 16 MB of slack for noise.
  assert.ok(heapAt100k - heapAt10k < 16 * 1024 * 1024, `heap grew by ${((heapAt100k - heapAt10k) / 1048576).toFixed(1)} MB`);
  rec.close();
});

test('the byte bound drops the oldest exchanges first', () => {
  const rec = new Recorder({ recording: { maxExchanges: 1000, maxTotalBytes: 200_000, bodyCap: 10_000 } });
  for (let i = 0; i < 100; i++) {
    const tap = rec.begin(exchangeStart({ url: `/big/${i}` }))!;
    tap.responseBody(new Uint8Array(10_000).fill(i));
    tap.finish();
  }
  const state = rec.state();
  assert.ok(state.totalBytes <= 200_000, `totalBytes ${state.totalBytes}`);
  assert.ok(state.count < 20 && state.count > 10, `count ${state.count}`);
  const page = rec.list({ limit: 1000 });
  assert.equal(page.items.at(-1)!.url, '/big/99');
  assert.equal(page.items[0]!.url, `/big/${100 - state.count}`);
  rec.close();
});

test('lowering maxExchanges at run time trims at once', () => {
  const rec = new Recorder({ recording: { maxExchanges: 100 } });
  for (let i = 0; i < 100; i++) rec.begin(exchangeStart({ url: `/${i}` }))!.finish();
  rec.configure({ maxExchanges: 10 });
  assert.equal(rec.state().count, 10);
  assert.equal(rec.list().items[0]!.url, '/90');
  rec.close();
});

test('paging with a cursor walks every exchange exactly once, in both orders, with a filter', () => {
  const rec = new Recorder();
  for (let i = 0; i < 250; i++) {
    const tap = rec.begin(exchangeStart({ url: `/p/${i}`, method: i % 2 ? 'POST' : 'GET' }))!;
    tap.clientResponse(i % 5 === 0 ? 500 : 200, []);
    tap.finish();
  }
  for (const order of ['oldest-first', 'newest-first'] as const) {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let n = 0; n < 10; n++) {
      const page = rec.list({ filter: { method: 'POST' }, limit: 40, order, ...(cursor ? { cursor } : {}) });
      assert.equal(page.total, 125);
      seen.push(...page.items.map((x) => x.url));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    assert.equal(seen.length, 125);
    assert.equal(new Set(seen).size, 125);
    assert.equal(seen[0], order === 'oldest-first' ? '/p/1' : '/p/249');
  }
  const errors = rec.list({ filter: { statusClass: ['5xx'] } });
  assert.equal(errors.total, 50);
  // Unfiltered pages (summaries built for the page only) walk the same way, ending exactly at the end.
  for (const [order, limit] of [['oldest-first', 50], ['newest-first', 50], ['oldest-first', 40], ['newest-first', 40]] as const) {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (let n = 0; n < 20; n++) {
      const page = rec.list({ limit, order, ...(cursor ? { cursor } : {}) });
      pages++;
      assert.equal(page.total, 250);
      seen.push(...page.items.map((x) => x.url));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    assert.equal(pages, Math.ceil(250 / limit), `${order} by ${limit}: no empty last page`);
    const expected = Array.from({ length: 250 }, (_, i) => `/p/${order === 'oldest-first' ? i : 249 - i}`);
    assert.deepEqual(seen, expected, `${order} by ${limit}`);
  }
  rec.close();
});
