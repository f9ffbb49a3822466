import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { header, startBackend, type Backend } from '../support/backends';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { rawExchange } from '../support/raw-http';

/**
 * Request smuggling and malformed requests, sent byte-exact over raw sockets.
 * Each must be answered by the proxy itself (400/431, connection closed) and
 * the backend must see nothing at all — not even the request that follows.
 */
const FOLLOW_UP = 'GET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n';

const CASES: Array<{ name: string; payload: string; status: number; reason?: RegExp }> = [
  { name: 'duplicate Content-Length (same value)', payload: 'POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello', status: 400, reason: /Duplicate Content-Length/ },
  { name: 'duplicate Content-Length (different values)', payload: 'POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\nContent-Length: 40\r\n\r\nhello', status: 400 },
  { name: 'Content-Length list', payload: 'POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5, 5\r\n\r\nhello', status: 400 },
  { name: 'CL.TE', payload: `POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${FOLLOW_UP}`, status: 400 },
  { name: 'TE.CL', payload: `POST / HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\n${FOLLOW_UP}\r\n0\r\n\r\n`, status: 400 },
  { name: 'obfuscated Transfer-Encoding (xchunked)', payload: 'POST / HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n', status: 400 },
  { name: 'Transfer-Encoding with a space before the colon', payload: 'POST / HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n', status: 400 },
  { name: 'chunked not last', payload: 'POST / HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n', status: 400 },
  { name: 'invalid header name (space)', payload: 'GET / HTTP/1.1\r\nHost: app.test\r\nBad Header: x\r\n\r\n', status: 400 },
  { name: 'invalid header name (control char)', payload: 'GET / HTTP/1.1\r\nHost: app.test\r\nX-Bad\x01: y\r\n\r\n', status: 400 },
  { name: 'NUL in a header value', payload: 'GET / HTTP/1.1\r\nHost: app.test\r\nX-A: a\x00b\r\n\r\n', status: 400 },
  { name: 'bare CR in a header value', payload: 'GET / HTTP/1.1\r\nHost: app.test\r\nX-A: a\rb\r\n\r\n', status: 400 },
  { name: 'obsolete line folding', payload: 'GET / HTTP/1.1\r\nHost: app.test\r\nX-A: a\r\n b\r\n\r\n', status: 400 },
  { name: 'bare LF line endings', payload: 'GET / HTTP/1.1\nHost: app.test\n\n', status: 400 },
  { name: 'two Host headers', payload: 'GET / HTTP/1.1\r\nHost: app.test\r\nHost: evil.test\r\n\r\n', status: 400 },
  { name: 'no Host header in HTTP/1.1', payload: 'GET / HTTP/1.1\r\n\r\n', status: 400 },
  { name: 'invalid chunk size', payload: 'POST / HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n', status: 400 },
  { name: 'invalid HTTP version', payload: 'GET / HTTP/1.2\r\nHost: app.test\r\n\r\n', status: 400 },
  { name: 'space in the request target', payload: 'GET /a b HTTP/1.1\r\nHost: app.test\r\n\r\n', status: 400 },
  { name: 'oversized headers', payload: `GET / HTTP/1.1\r\nHost: app.test\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, status: 431 },
];

describe('malformed requests are rejected, never forwarded', () => {
  let backend: Backend;
  let proxy: TestProxy;

  before(async () => {
    backend = await startBackend();
    proxy = await startProxy({ routes: [{ host: 'app.test', target: backend.url }] });
  });

  after(async () => {
    await proxy.close();
    await backend.close();
  });

  for (const c of CASES) {
    test(c.name, async () => {
      const before = backend.seen.length;
      const res = await rawExchange(proxy.port, c.payload + FOLLOW_UP, { waitMs: 3_000 });
      assert.equal(res.status, c.status, res.text.slice(0, 300));
      assert.equal(res.closed, true, 'the connection is closed after the error');
      assert.match(res.text, /\r\nConnection: close\r\n/i);
      if (c.reason) assert.match(res.text, c.reason);
      assert.equal((res.text.match(/^HTTP\/1\.1 /gm) ?? []).length, 1, 'the follow-up request is not answered');
      assert.deepEqual(backend.seen.slice(before), [], 'the backend saw nothing');
    });
  }

  test('a well-formed request on the same proxy still works, and absolute-form targets use their authority', async () => {
    const res = await rawExchange(proxy.port, 'GET http://app.test/abs?x=1 HTTP/1.1\r\nHost: other.test\r\nConnection: close\r\n\r\n');
    assert.equal(res.status, 200);
    const seen = backend.seen[backend.seen.length - 1]!;
    assert.equal(seen.url, '/abs?x=1');
    assert.equal(header(seen.headers, 'host'), 'app.test');
  });

  test('JSON errors for clients that ask for JSON (engine-level 400)', async () => {
    const res = await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: app.test\r\nHost: x.test\r\nAccept: application/json\r\n\r\n');
    assert.equal(res.status, 400);
    const body = JSON.parse(res.text.slice(res.text.indexOf('\r\n\r\n') + 4));
    assert.equal(body.error.code, 'BAD_REQUEST');
  });
});
