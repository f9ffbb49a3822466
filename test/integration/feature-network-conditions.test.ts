import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startBackend } from '../support/backends';
import { startProxy } from '../support/proxy-harness';
import { waitUntil } from '../support/wait-until';
import { Recorder } from '../../main/recorder/recorder';

const BODY = Buffer.alloc(48 * 1024, 97);

/*
 * Added latency and a bandwidth cap can only be observed as time. The assertions are
 * lower bounds the feature guarantees (a timer never fires early), never upper bounds,
 * so a busy machine cannot make them fail.
 */
test('latency: the backend sees the request no sooner than the added delay; recorded as a note', async (t) => {
  const backend = await startBackend();
  t.after(() => backend.close());
  const recorder = new Recorder({ batchMs: 10 });
  t.after(() => recorder.close());
  const proxy = await startProxy({ routes: [{ host: 'slow.test', target: backend.url, latency: '150ms' }, { host: 'fast.test', target: backend.url }] }, { observer: recorder });
  t.after(() => proxy.close());
  const started = performance.now();
  const r = await proxy.text('slow.test', '/x');
  assert.equal(r.status, 200);
  assert.ok(performance.now() - started >= 145, 'answered before the added latency passed');
  const x = await waitUntil(() => recorder.all().find((e) => e.state === 'complete' && e.host === 'slow.test'), 'the recorded exchange');
  assert.deepEqual(x.notes, ['latency: +150 ms']);
  assert.equal((await proxy.text('fast.test', '/x')).status, 200);
});

test('latency: a client that gives up during the delay never reaches the backend', async (t) => {
  const backend = await startBackend();
  t.after(() => backend.close());
  const proxy = await startProxy({ routes: [{ host: 'slow.test', target: backend.url, latency: '2s' }] });
  t.after(() => proxy.close());
  const ac = new AbortController();
  const p = proxy.request('slow.test', '/gone', { signal: ac.signal }).catch((e: Error) => e);
  await waitUntil(() => proxy.engine.inflightRequests === 1, 'the request to be held');
  ac.abort();
  assert.ok((await p) instanceof Error);
  await waitUntil(() => proxy.engine.inflightRequests === 0, 'the held request to be dropped');
  assert.equal(backend.seen.filter((s) => s.url === '/gone').length, 0);
});

test('bandwidth: a 48 KiB body at 64 KiB/s takes at least the paced time and arrives intact', async (t) => {
  const backend = await startBackend((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BODY.length });
    // Several chunks, as a real body streams.
    for (let i = 0; i < BODY.length; i += 8192) res.write(BODY.subarray(i, i + 8192));
    res.end();
  });
  t.after(() => backend.close());
  const proxy = await startProxy({ routes: [{ host: 'thin.test', target: backend.url, bandwidth: 64 * 1024 }] });
  t.after(() => proxy.close());
  const started = performance.now();
  const r = await proxy.request('thin.test', '/big');
  const got = Buffer.from(await r.body.arrayBuffer());
  const elapsed = performance.now() - started;
  assert.deepEqual(got, BODY);
  // The last chunk may go out without waiting after it: at least (48 - 16) KiB must have been paced.
  assert.ok(elapsed >= ((BODY.length - 16 * 1024) / (64 * 1024)) * 1000 - 10, `took only ${elapsed} ms`);
});

test('bandwidth with compression: the paced, gzip-compressed body decodes to the backend body', async (t) => {
  const text = Buffer.from('gatehouse paced text\n'.repeat(3000));
  const backend = await startBackend((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': text.length });
    res.end(text);
  });
  t.after(() => backend.close());
  const proxy = await startProxy({ routes: [{ host: 'thin.test', target: backend.url, bandwidth: 256 * 1024, compress: true }] });
  t.after(() => proxy.close());
  const r = await proxy.request('thin.test', '/t', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(r.headers['content-encoding'], 'gzip');
  const { gunzipSync } = await import('node:zlib');
  assert.deepEqual(gunzipSync(Buffer.from(await r.body.arrayBuffer())), text);
});
