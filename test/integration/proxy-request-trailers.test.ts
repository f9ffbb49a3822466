import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import { Recorder } from '../../main/recorder/recorder';
import type { Exchange } from '../../shared/exchange-types';
import { startBackend, type Backend } from '../support/backends';
import { startHttpsProxy, type TestHttpsProxy } from '../support/https-proxy';
import { waitUntil } from '../support/wait-until';

/**
 * Request trailers (HTTP/1.1 chunked trailers, HTTP/2 trailing HEADERS): undici 7
 * cannot send them (its HTTP/1.1 client ends a chunked body with a bare "0\r\n\r\n",
 * its HTTP/2 client has no API for them), so they are not forwarded. The body still
 * is, and the recorded exchange says which trailers were dropped (names only).
 */
describe('request trailers', () => {
  let backend: Backend;
  let proxy: TestHttpsProxy;
  let recorder: Recorder;

  before(async () => {
    backend = await startBackend(undefined, { name: 'up', keepBodies: true });
    proxy = await startHttpsProxy({ routes: [{ host: 'up.test', target: backend.url, redirectToHttps: false }] });
    recorder = new Recorder({ batchMs: 10 });
    proxy.engine.setObserver(recorder);
  });

  after(async () => {
    await proxy.close();
    recorder.close();
    await backend.close();
  });

  function recorded(url: string): Promise<Exchange> {
    return waitUntil(() => recorder.all().find((x) => x.url === url && x.state !== 'pending'), `the ${url} exchange to finish`);
  }

  function assertDropped(x: Exchange, names: string[]): void {
    assert.equal(x.state, 'complete');
    const note = x.notes.find((n) => n.startsWith('request trailers not forwarded'));
    assert.ok(note, `a note about the dropped trailers, got ${JSON.stringify(x.notes)}`);
    for (const name of names) assert.ok(note.toLowerCase().includes(name), `${note} names ${name}`);
    assert.ok(!note.includes('secret-value'), 'trailer values are not copied into the note');
  }

  test('HTTP/1.1 chunked trailers: the body is forwarded, the trailers are not, and the exchange says so', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: proxy.httpPort, method: 'POST', path: '/h1-trailers', headers: { host: 'up.test', 'transfer-encoding': 'chunked', trailer: 'X-Checksum' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
      req.write('hello ');
      req.addTrailers({ 'X-Checksum': 'secret-value' });
      req.end('trailers');
    });
    assert.equal(status, 200);
    const seen = backend.seen.find((s) => s.url === '/h1-trailers')!;
    assert.equal(seen.body?.toString(), 'hello trailers');
    assert.deepEqual(seen.trailers, [], 'undici does not send request trailers');
    assertDropped(await recorded('/h1-trailers'), ['x-checksum']);
  });

  test('HTTP/2 trailers from the client: the body is forwarded, the trailers are not, and the exchange says so', async () => {
    const session = http2.connect(`https://127.0.0.1:${proxy.httpsPort}`, { ca: proxy.caPem, servername: 'up.test' });
    session.on('error', () => {});
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
        const req = session.request({ ':method': 'POST', ':path': '/h2-trailers', ':authority': 'up.test' }, { waitForTrailers: true });
        req.on('wantTrailers', () => req.sendTrailers({ 'x-checksum': 'secret-value', 'grpc-status': '0' }));
        let s = 0;
        req.on('response', (h) => (s = Number(h[':status'])));
        req.resume();
        req.on('end', () => {
          clearTimeout(timer);
          resolve(s);
        });
        req.on('error', reject);
        req.end('over h2');
      });
      assert.equal(status, 200);
    } finally {
      session.destroy();
    }
    const seen = backend.seen.find((s) => s.url === '/h2-trailers')!;
    assert.equal(seen.body?.toString(), 'over h2');
    assert.deepEqual(seen.trailers, []);
    assertDropped(await recorded('/h2-trailers'), ['x-checksum', 'grpc-status']);
  });
});
