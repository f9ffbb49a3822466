import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBackend, type Backend } from '../support/backends';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { rawConnect, rawExchange } from '../support/raw-http';
import { waitFor } from '../support/wait-for';

const MB = 1024 * 1024;
const TOTAL = 200 * MB;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/** Samples off-heap buffer memory (where a buffered body would live) while `fn` runs. */
async function peakBufferGrowth(fn: () => Promise<void>): Promise<number> {
  global.gc?.();
  const base = process.memoryUsage().arrayBuffers;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  }, 10);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  return peak - base;
}

/** A readable producing `total` bytes from one reused chunk (no allocation per chunk). */
function generated(total: number): Readable {
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const n = Math.min(left, CHUNK.length);
      left -= n;
      this.push(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
    },
  });
}


describe('streaming', () => {
  let big: Backend;
  let sink: Backend;
  let trailers: Backend;
  let resetter: Backend;
  let proxy: TestProxy;

  before(async () => {
    // Streams TOTAL bytes, honouring its own backpressure.
    big = await startBackend((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(TOTAL) });
      let left = TOTAL;
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, CHUNK.length);
          left -= n;
          if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    // Waits 400 ms before reading the upload (so an unbounded proxy would buffer), then counts it.
    sink = await startBackend((req, res, seen) => {
      req.pause();
      setTimeout(() => req.resume(), 400);
      req.on('end', () => res.end(String(seen.bodyBytes)));
    });
    trailers = await startBackend((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/plain', trailer: 'X-Checksum, X-Count' });
        res.write('part one, ');
        res.write('part two');
        res.addTrailers([
          ['X-Checksum', 'sha256:abc'],
          ['X-Count', '2'],
        ]);
        res.end();
      });
    });
    resetter = await startBackend((req, res) => {
      const mode = req.url;
      if (mode === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
      } else {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000000' });
      }
      res.write('x'.repeat(10_000));
      setTimeout(() => req.socket.destroy(), 50);
    });
    proxy = await startProxy({
      routes: [
        { host: 'big.test', target: big.url },
        { host: 'sink.test', target: sink.url },
        { host: 'trailers.test', target: trailers.url },
        { host: 'reset.test', target: resetter.url },
      ],
    });
  });

  after(async () => {
    await proxy.close();
    await Promise.all([big.close(), sink.close(), trailers.close(), resetter.close()]);
  });

  test('200 MB download to a slow reader streams with backpressure (memory stays flat)', async () => {
    let received = 0;
    const growth = await peakBufferGrowth(async () => {
      const r = await proxy.request('big.test', '/');
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['content-length'], String(TOTAL));
      await sleep(400); // the client does not read for a while: the proxy must stop pulling
      for await (const chunk of r.body) received += (chunk as Buffer).length;
    });
    assert.equal(received, TOTAL);
    assert.ok(growth < 48 * MB, `buffer memory grew by ${(growth / MB).toFixed(1)} MB for a ${TOTAL / MB} MB body`);
  });

  test('200 MB chunked upload to a slow backend streams with backpressure', async () => {
    let answer = '';
    const growth = await peakBufferGrowth(async () => {
      const r = await proxy.request('sink.test', '/upload', { method: 'POST', body: generated(TOTAL) });
      answer = await r.body.text();
      assert.equal(r.statusCode, 200);
    });
    assert.equal(answer, String(TOTAL));
    assert.ok(growth < 48 * MB, `buffer memory grew by ${(growth / MB).toFixed(1)} MB for a ${TOTAL / MB} MB body`);
  });

  test('response trailers pass through (HTTP/1.1 chunked)', async () => {
    const r = await proxy.request('trailers.test', '/', { headers: { te: 'trailers' } });
    assert.equal(await r.body.text(), 'part one, part two');
    assert.equal(r.trailers['x-checksum'], 'sha256:abc');
    assert.equal(r.trailers['x-count'], '2');
    assert.equal(r.headers.trailer, 'X-Checksum, X-Count');
  });

  test('response trailers reach curl too', async () => {
    const { spawn } = await import('node:child_process');
    const out = await new Promise<string>((resolve) => {
      const p = spawn('curl', ['-sS', '--raw', '-i', '--max-time', '10', '-H', 'Host: trailers.test', `http://127.0.0.1:${proxy.port}/`]);
      let s = '';
      p.stdout.on('data', (d) => (s += d));
      p.on('close', () => resolve(s));
    });
    assert.match(out, /\r\n0\r\nX-Checksum: sha256:abc\r\nX-Count: 2\r\n/);
  });

  test('a client that aborts mid-upload aborts the upstream request (no leaked sockets)', async () => {
    const before = sink.seen.length;
    const socket = await rawConnect(proxy.port);
    socket.on('error', () => {});
    socket.write(`POST /abort HTTP/1.1\r\nHost: sink.test\r\nContent-Length: ${10 * MB}\r\n\r\n`);
    socket.write(Buffer.alloc(MB, 0x62));
    await waitFor(() => sink.seen.length > before && sink.seen[before]!.bodyBytes > 0, 'upload reaches the backend');
    socket.destroy();
    await waitFor(() => sink.seen[before]!.aborted, 'backend sees the request aborted');
    assert.equal(sink.seen[before]!.complete, false);
    assert.ok(sink.seen[before]!.bodyBytes < 10 * MB);
    await waitFor(() => proxy.engine.inflightRequests === 0, 'the exchange is over');
  });

  test('an upstream reset mid-response ends the client response (chunked and content-length), no hang', async () => {
    for (const path of ['/chunked', '/cl']) {
      const r = await proxy.request('reset.test', path);
      assert.equal(r.statusCode, 200);
      await assert.rejects(r.body.text(), `body of ${path} must fail, not complete`);
    }
    // A raw client sees the connection closed before the declared length.
    const raw = await rawExchange(proxy.port, 'GET /cl HTTP/1.1\r\nHost: reset.test\r\n\r\n', { waitMs: 5_000 });
    assert.equal(raw.closed, true);
    assert.ok(raw.text.length < 1_000_000);
    await waitFor(() => proxy.engine.inflightRequests === 0, 'the exchanges are over');
    // The proxy is fine afterwards.
    const ok = await proxy.request('trailers.test', '/');
    assert.equal(await ok.body.text(), 'part one, part two');
  });

  test('a client that goes away mid-download aborts the upstream response', async () => {
    let closed = false;
    const endless = http.createServer((req, res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write(CHUNK), 5);
      res.on('close', () => {
        clearInterval(t);
        closed = true;
      });
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    const port = (endless.address() as { port: number }).port;
    proxy.engine.applyConfig({ routes: [{ host: 'endless.test', target: `http://127.0.0.1:${port}` }] });
    try {
      const socket = await rawConnect(proxy.port);
      socket.on('error', () => {});
      socket.write('GET / HTTP/1.1\r\nHost: endless.test\r\n\r\n');
      await new Promise((resolve) => socket.once('data', resolve));
      socket.destroy();
      await waitFor(() => closed, 'upstream response closed after the client left');
    } finally {
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    }
  });
});
