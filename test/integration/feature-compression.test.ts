import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type * as http from 'node:http';
import * as zlib from 'node:zlib';
import { startBackend, type Backend } from '../support/backends';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { waitUntil } from '../support/wait-until';
import { Recorder } from '../../main/recorder/recorder';

function curl(args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('curl', ['-sS', '--max-time', '10', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

const PAGE = Buffer.from('<p>hello gatehouse</p>\n'.repeat(2000));

describe('compression', () => {
  let backend: Backend;
  let proxy: TestProxy;
  let recorder: Recorder;
  /** The open SSE response, and the events it has been told to send. */
  let sse: http.ServerResponse | undefined;

  before(async () => {
    backend = await startBackend((req, res) => {
      req.resume();
      const url = req.url ?? '/';
      if (url === '/page') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': PAGE.length, etag: '"v1"' });
        res.end(PAGE);
      } else if (url === '/chunked') {
        res.writeHead(200, { 'content-type': 'application/json', vary: 'Origin' });
        res.write('[');
        res.end(`${JSON.stringify('x'.repeat(5000))}]`);
      } else if (url === '/tiny') {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 5 });
        res.end('small');
      } else if (url === '/png') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': PAGE.length });
        res.end(PAGE);
      } else if (url === '/pre') {
        const gz = zlib.gzipSync(PAGE);
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': gz.length });
        res.end(gz);
      } else if (url === '/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.flushHeaders();
        sse = res;
      }
    });
    recorder = new Recorder({ batchMs: 10 });
    proxy = await startProxy(
      {
        routes: [
          { host: 'z.test', target: backend.url, compress: true },
          { host: 'gz.test', target: backend.url, compress: { encodings: ['gzip'], minSize: 10 } },
          { host: 'off.test', target: backend.url },
        ],
      },
      { observer: recorder },
    );
  });

  after(async () => {
    sse?.destroy();
    await proxy.close();
    await backend.close();
    recorder.close();
  });

  test('gzip through curl --compressed equals the backend body; no Content-Length, Vary and weak ETag', async () => {
    const base = ['--resolve', `gz.test:${proxy.port}:127.0.0.1`, `http://gz.test:${proxy.port}/page`];
    const body = await curl(['--compressed', ...base]);
    assert.equal(body.code, 0, body.stderr);
    assert.deepEqual(body.stdout, PAGE);
    const raw = await curl(['-H', 'Accept-Encoding: gzip', '-D', '-', '-o', '/dev/null', ...base]);
    const head = raw.stdout.toString();
    assert.match(head, /content-encoding: gzip/i);
    assert.doesNotMatch(head, /content-length/i);
    assert.match(head, /vary: Accept-Encoding/i);
    assert.match(head, /etag: W\/"v1"/i);
  });

  test('brotli is preferred when accepted; the decoded body equals the backend body (undici)', async () => {
    const r = await proxy.request('z.test', '/page', { headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(r.headers['content-encoding'], 'br');
    const bytes = Buffer.from(await r.body.arrayBuffer());
    assert.ok(bytes.length < PAGE.length / 5);
    assert.deepEqual(zlib.brotliDecompressSync(bytes), PAGE);
    const gz = await proxy.request('z.test', '/page', { headers: { 'accept-encoding': 'gzip;q=1, br;q=0' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(zlib.gunzipSync(Buffer.from(await gz.body.arrayBuffer())), PAGE);
    const x = await waitUntil(() => recorder.all().find((e) => e.state === 'complete' && e.host === 'z.test' && e.notes.includes('compressed: br')), 'a recorded br exchange');
    assert.equal(x.url, '/page');
  });

  test('chunked responses are compressed too, and an existing Vary is extended', async () => {
    const r = await proxy.request('z.test', '/chunked', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.headers.vary, 'Origin, Accept-Encoding');
    const text = zlib.gunzipSync(Buffer.from(await r.body.arrayBuffer())).toString();
    assert.equal(text, `[${JSON.stringify('x'.repeat(5000))}]`);
  });

  test('not compressed: no Accept-Encoding (but Vary is set), tiny bodies, images, already encoded, HEAD, routes without compress', async () => {
    const plain = await proxy.request('z.test', '/page');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers['content-length'], String(PAGE.length));
    assert.equal(plain.headers.vary, 'Accept-Encoding');
    assert.deepEqual(Buffer.from(await plain.body.arrayBuffer()), PAGE);
    for (const p of ['/tiny', '/png']) {
      const r = await proxy.request('z.test', p, { headers: { 'accept-encoding': 'gzip, br' } });
      assert.equal(r.headers['content-encoding'], undefined, p);
      assert.ok(r.headers['content-length'], p);
      await r.body.arrayBuffer();
    }
    const pre = await proxy.request('z.test', '/pre', { headers: { 'accept-encoding': 'br' } });
    assert.equal(pre.headers['content-encoding'], 'gzip', 'the upstream encoding is kept, never double-encoded');
    assert.deepEqual(zlib.gunzipSync(Buffer.from(await pre.body.arrayBuffer())), PAGE);
    const head = await proxy.request('z.test', '/page', { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(head.headers['content-encoding'], undefined);
    await head.body.text();
    const off = await proxy.request('off.test', '/page', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(off.headers['content-encoding'], undefined);
    assert.equal(off.headers.vary, undefined);
    await off.body.arrayBuffer();
  });

  for (const encoding of ['gzip', 'br'] as const) {
    test(`server-sent events arrive one by one through ${encoding} (the backend sends the next only after the client read the last)`, async () => {
      sse = undefined;
      const r = await proxy.request('z.test', '/events', { headers: { 'accept-encoding': encoding, accept: 'text/event-stream' } });
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['content-encoding'], encoding);
      const decoder = encoding === 'gzip' ? zlib.createGunzip() : zlib.createBrotliDecompress();
      r.body.pipe(decoder);
      const received: string[] = [];
      let buffered = '';
      decoder.setEncoding('utf8').on('data', (text: string) => {
        buffered += text;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          received.push(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
        }
      });
      await waitUntil(() => sse, 'the SSE request at the backend');
      for (let i = 1; i <= 5; i++) {
        sse!.write(`id: ${i}\ndata: event ${i}\n\n`);
        // The next event is only sent once this one came out of the client's decoder:
        // a proxy that buffered inside the compressor would never get past the first.
        await waitUntil(() => received.length === i, `event ${i} to reach the client`);
        assert.equal(received[i - 1], `id: ${i}\ndata: event ${i}`);
      }
      sse!.end();
      await new Promise((resolve) => decoder.on('end', resolve));
      assert.equal(received.length, 5);
    });
  }
});
