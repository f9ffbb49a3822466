import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { bypassesCache, CachePolicy, cachedHeaders, headerObject, ResponseCache, type CacheEntry } from '../../main/engine/features/response-cache';

function entry(routeId: string, body: string, resHeaders: Record<string, string>, reqHeaders: Record<string, string> = {}): { e: CacheEntry; req: CachePolicy.Request } {
  const req = { method: 'GET', url: '/x', headers: { host: 'a.test', ...reqHeaders } };
  const policy = new CachePolicy(req, { status: 200, headers: resHeaders }, { shared: true });
  return { e: { routeId, policy, status: 200, body: Buffer.from(body), requestHeaders: req.headers }, req };
}

test('fresh entries are hits; Vary selects the variant; stale ones with validators are offered for revalidation', () => {
  const cache = new ResponseCache();
  const { e, req } = entry('r', 'en', { 'cache-control': 'max-age=60', vary: 'accept-language' }, { 'accept-language': 'en' });
  cache.store('k', e);
  assert.equal(cache.lookup('k', req)?.fresh, true);
  assert.equal(cache.lookup('k', { ...req, headers: { ...req.headers, 'accept-language': 'fr' } }), undefined);
  const stale = entry('r', 'old', { 'cache-control': 'max-age=0', etag: '"1"' });
  cache.store('s', stale.e);
  assert.deepEqual(cache.lookup('s', stale.req), { entry: stale.e, fresh: false });
  const noValidator = entry('r', 'old', { 'cache-control': 'max-age=0' });
  cache.store('n', noValidator.e);
  assert.equal(cache.lookup('n', noValidator.req), undefined);
});

test('bounded by bytes (least recently used first), entry size cap, purge by route', () => {
  const cache = new ResponseCache(10, 6);
  assert.equal(cache.store('a', entry('r1', 'aaaaa', { 'cache-control': 'max-age=60' }).e), true);
  assert.equal(cache.store('b', entry('r2', 'bbbbb', { 'cache-control': 'max-age=60' }).e), true);
  assert.equal(cache.store('big', entry('r1', 'x'.repeat(7), { 'cache-control': 'max-age=60' }).e), false);
  cache.lookup('a', { method: 'GET', url: '/x', headers: { host: 'a.test' } });
  cache.store('c', entry('r1', 'ccccc', { 'cache-control': 'max-age=60' }).e);
  assert.deepEqual(cache.size, { entries: 2, bytes: 10 });
  assert.equal(cache.lookup('b', { method: 'GET', url: '/x', headers: { host: 'a.test' } }), undefined, 'b was least recently used');
  assert.equal(cache.purge('r1'), 2);
  assert.deepEqual(cache.size, { entries: 0, bytes: 0 });
});

test('helpers: header objects, bypass, cached heads with one Content-Length and X-Cache', () => {
  assert.deepEqual(headerObject([['Accept', 'a'], ['accept', 'b'], ['Cookie', 'x=1'], ['cookie', 'y=2']]), { accept: 'a, b', cookie: 'x=1; y=2' });
  assert.ok(bypassesCache({ 'if-none-match': '"1"' }) && bypassesCache({ range: 'bytes=0-1' }) && !bypassesCache({ accept: '*/*' }));
  const { e } = entry('r', 'hello', { 'cache-control': 'max-age=60', 'content-length': '5', 'content-type': 'text/plain' });
  const h = cachedHeaders(e, 'HIT');
  assert.equal(h.filter(([n]) => n.toLowerCase() === 'content-length').length, 1);
  assert.deepEqual(h.at(-1), ['X-Cache', 'HIT']);
  assert.ok(h.some(([n]) => n === 'age'));
});
