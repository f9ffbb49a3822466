import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startBackend } from '../support/backends';
import { startProxy } from '../support/proxy-harness';
import { waitUntil } from '../support/wait-until';
import { Recorder } from '../../main/recorder/recorder';
import { parseConfigText } from '../../main/config/config-parse';

test('cache: a fresh response is served without reaching the backend; after expiry it is revalidated (304) and served again', async (t) => {
  let version = 1;
  const backend = await startBackend((req, res) => {
    req.resume();
    const url = req.url ?? '/';
    const etag = `"v${version}"`;
    if (url.startsWith('/short')) {
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag, 'cache-control': 'max-age=1' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', etag, 'cache-control': 'max-age=1' });
      res.end(`body v${version}`);
    } else if (url === '/private') {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'private, max-age=60' });
      res.end('mine');
    } else if (url === '/vary') {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60', vary: 'Accept-Language' });
      res.end(`lang ${req.headers['accept-language']}`);
    } else {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' });
      res.end(`long ${url}`);
    }
  });
  t.after(() => backend.close());
  const recorder = new Recorder({ batchMs: 10 });
  t.after(() => recorder.close());
  const proxy = await startProxy(
    { routes: [{ host: 'c.test', target: backend.url, cache: true }, { host: 'nc.test', target: backend.url }] },
    { observer: recorder },
  );
  t.after(() => proxy.close());
  const hits = (url: string) => backend.seen.filter((s) => s.url === url).length;

  const first = await proxy.text('c.test', '/long');
  assert.equal(first.headers['x-cache'], 'MISS');
  const second = await proxy.text('c.test', '/long');
  assert.equal(second.headers['x-cache'], 'HIT');
  assert.equal(second.body, 'long /long');
  assert.equal(hits('/long'), 1, 'the hit never reached the backend');
  const hit = await waitUntil(() => recorder.all().find((x) => x.state === 'complete' && x.notes.includes('cache: HIT')), 'a recorded HIT');
  assert.equal(hit.status, 200);

  // Vary: one entry per Accept-Language.
  assert.equal((await proxy.text('c.test', '/vary', { 'accept-language': 'en' })).body, 'lang en');
  assert.equal((await proxy.text('c.test', '/vary', { 'accept-language': 'fr' })).body, 'lang fr');
  const en = await proxy.text('c.test', '/vary', { 'accept-language': 'en' });
  assert.equal(en.body, 'lang en');
  assert.equal(en.headers['x-cache'], 'HIT');
  assert.equal(hits('/vary'), 2);

  // Not stored: private responses; routes without cache; conditional requests bypass.
  await proxy.text('c.test', '/private');
  await proxy.text('c.test', '/private');
  assert.equal(hits('/private'), 2);
  await proxy.text('nc.test', '/long');
  await proxy.text('nc.test', '/long');
  assert.equal(hits('/long'), 3);

  // Expiry and revalidation: max-age=1, then the backend answers 304 to the cache's If-None-Match.
  assert.equal((await proxy.text('c.test', '/short')).headers['x-cache'], 'MISS');
  assert.equal((await proxy.text('c.test', '/short')).headers['x-cache'], 'HIT');
  assert.equal(hits('/short'), 1);
  await new Promise((r) => setTimeout(r, 2100));
  const reval = await proxy.text('c.test', '/short');
  assert.equal(reval.headers['x-cache'], 'REVALIDATED');
  assert.equal(reval.body, 'body v1');
  const cond = backend.seen.filter((s) => s.url === '/short').at(-1)!;
  assert.equal(cond.headers.find(([n]) => n.toLowerCase() === 'if-none-match')?.[1], '"v1"');
  assert.equal((await proxy.text('c.test', '/short')).headers['x-cache'], 'HIT', 'the revalidated entry is fresh again');

  // Purge: the next request goes to the backend.
  assert.ok(proxy.engine.purgeCache('c.test') > 0);
  version = 2;
  const after = await proxy.text('c.test', '/short');
  assert.equal(after.headers['x-cache'], 'MISS');
  assert.equal(after.body, 'body v2');
});

test("the issue's example config is accepted exactly as given", async (t) => {
  const text =
    '{"routes":[{"host":"app.test","target":"http://127.0.0.1:3000","compress":true,"cache":true,"rateLimit":{"rate":10,"burst":20},"headers":{"request":{"set":{"X-Env":"dev"},"remove":["X-Debug"]},"response":{"set":{"X-Served-By":"gatehouse"},"remove":["X-Powered-By"]}},"securityHeaders":true,"healthCheck":{"path":"/health","interval":"5s"},"latency":"200ms"},{"host":"static.test","target":"file:./dist","spa":true}]}';
  const r = parseConfigText(text, 'config.json');
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  // And the engine runs it.
  const proxy = await startProxy(r.config);
  t.after(() => proxy.close());
  const st = proxy.engine.routeStatus();
  assert.equal(st[0]!.healthCheck, '/health');
  assert.ok(st[1]!.staticRoot?.endsWith('dist'));
});
