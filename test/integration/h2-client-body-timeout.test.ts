import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import { startBackend, type Backend } from '../support/backends';
import { DATA, HEADERS, RST_STREAM, frame, headerBlock, rawH2 } from '../support/h2-raw';
import { startHttpsProxy, type TestHttpsProxy } from '../support/https-proxy';
import { waitFor } from '../support/wait-for';

/**
 * An HTTP/2 client that stops sending its request body gets the 408 page after
 * timeouts.clientBody, and then the stream is reset with NO_ERROR (RFC 9113 §8.1):
 * without it the client's half of the stream stays open and a client waiting for
 * the stream to close waits for ever. The connection itself stays usable.
 */
describe('HTTP/2: a request body that stalls', () => {
  let backend: Backend;
  let proxy: TestHttpsProxy;

  before(async () => {
    backend = await startBackend(undefined, { name: 'up' });
    proxy = await startHttpsProxy({ routes: [{ host: 'up.test', target: backend.url }], timeouts: { clientBody: '300ms' } });
  });

  after(async () => {
    await proxy.close();
    await backend.close();
  });

  test('node:http2 client: 408 with a complete body, then the stream closes; the session serves the next request', async () => {
    const session = http2.connect(`https://127.0.0.1:${proxy.httpsPort}`, { ca: proxy.caPem, servername: 'up.test' });
    session.on('error', () => {});
    try {
      const seenBefore = backend.seen.length;
      const req = session.request({ ':method': 'POST', ':path': '/upload', ':authority': 'up.test', accept: 'application/json' }, { endStream: false });
      req.write('some');
      const got = { status: 0, body: '', ended: false, closed: false, rstCode: -1 };
      req.setEncoding('utf8');
      req.on('response', (h) => (got.status = Number(h[':status'])));
      req.on('data', (d: string) => (got.body += d));
      req.on('end', () => (got.ended = true));
      req.on('error', () => {});
      req.on('close', () => {
        got.closed = true;
        got.rstCode = req.rstCode ?? -1;
      });
      // The client never ends its request: only the proxy can close the stream.
      await waitFor(() => got.closed, 'the stream to close after the 408', 10_000);
      assert.equal(got.status, 408);
      assert.ok(got.ended, 'the response ended cleanly (END_STREAM) before the reset');
      assert.equal((JSON.parse(got.body) as { error: { code: string } }).error.code, 'CLIENT_BODY_TIMEOUT');
      assert.equal(got.rstCode, http2.constants.NGHTTP2_NO_ERROR);
      assert.equal(backend.seen.length, seenBefore + 1, 'the request reached the backend');
      const seen = backend.seen[seenBefore]!;
      assert.equal(seen.bodyBytes, 4, 'the backend got the bytes sent before the stall');
      await waitFor(() => seen.aborted, 'the upstream request to be abandoned');

      const next = session.request({ ':path': '/after', ':authority': 'up.test' });
      next.setEncoding('utf8');
      let body = '';
      next.on('data', (d: string) => (body += d));
      await new Promise<void>((resolve, reject) => {
        next.on('end', resolve);
        next.on('error', reject);
      });
      assert.equal((JSON.parse(body) as { url: string }).url, '/after');
    } finally {
      session.destroy();
    }
  });

  test('on the wire: the response ends with END_STREAM, then RST_STREAM(NO_ERROR) for that stream', async () => {
    const c = await rawH2(proxy.httpsPort, 'up.test', proxy.caPem);
    try {
      const fields: Array<[string, string]> = [
        [':method', 'POST'],
        [':scheme', 'https'],
        [':path', '/raw'],
        [':authority', 'up.test'],
      ];
      c.send(frame(HEADERS, 0x4 /* END_HEADERS */, 1, headerBlock(fields)));
      c.send(frame(DATA, 0, 1, Buffer.from('some')));
      await waitFor(() => c.frames.some((f) => f.type === RST_STREAM && f.streamId === 1), 'RST_STREAM on stream 1', 10_000);
      const stream1 = c.frames.filter((f) => f.streamId === 1);
      const endAt = stream1.findIndex((f) => (f.type === DATA || f.type === HEADERS) && (f.flags & 0x1) !== 0);
      const rstAt = stream1.findIndex((f) => f.type === RST_STREAM);
      assert.ok(endAt >= 0, `the response ended with END_STREAM: ${JSON.stringify(stream1.map((f) => [f.type, f.flags, f.payload.length]))}`);
      assert.ok(rstAt > endAt, 'the reset comes after the complete response');
      assert.equal(stream1[rstAt]!.payload.readUInt32BE(0), 0, 'NO_ERROR');
      assert.equal(c.closed(), false, 'the connection stays open');
    } finally {
      c.close();
    }
  });
});
