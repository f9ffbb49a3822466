import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Engine } from '../../main/engine/engine';
import { memoryLogger } from '../../main/engine/logger';
import { deadPort, header, headerAll, startBackend, type Backend } from '../support/backends';
import { waitFor } from '../support/wait-for';

/**
 * The HTTP/2 compat path, as main/tls uses it: an h2c server (no TLS — cheap and
 * real) hands its requests to engine.handleRequest.
 */
describe('HTTP/2 requests through handleRequest', () => {
  let backend: Backend;
  let trailers: Backend;
  let hold: Backend;
  let engine: Engine;
  let h2server: http2.Http2Server;
  let session: http2.ClientHttp2Session;
  let dead: number;

  before(async () => {
    backend = await startBackend(undefined, { name: 'h2-backend', keepBodies: true });
    trailers = await startBackend((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/plain', trailer: 'grpc-status', connection: 'keep-alive' });
        res.write('body');
        res.addTrailers({ 'grpc-status': '0' });
        res.end();
      });
    });
    hold = await startBackend(() => {});
    dead = await deadPort();
    engine = await Engine.start({
      config: {
        routes: [
          { host: 'app.test', target: backend.url },
          { host: 'trailers.test', target: trailers.url },
          { host: 'hold.test', target: hold.url },
          { host: 'down.test', target: `http://127.0.0.1:${dead}` },
        ],
      },
      httpPort: 0,
      listen: ['127.0.0.1'],
      logger: memoryLogger(),
    });
    h2server = http2.createServer((req, res) => engine.handleRequest(req, res, { scheme: 'https', tls: { alpn: 'h2' } }));
    await new Promise<void>((resolve) => h2server.listen(0, '127.0.0.1', resolve));
    session = http2.connect(`http://127.0.0.1:${(h2server.address() as AddressInfo).port}`);
  });

  after(async () => {
    session.close();
    await new Promise((resolve) => h2server.close(resolve));
    await engine.stop(100);
    await Promise.all([backend.close(), trailers.close(), hold.close()]);
  });

  function h2(headers: http2.OutgoingHttpHeaders, body?: string): Promise<{ headers: http2.IncomingHttpHeaders; body: string; trailers: http2.IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const req = session.request(headers, { endStream: body === undefined });
      let out = '';
      let resHeaders: http2.IncomingHttpHeaders = {};
      let resTrailers: http2.IncomingHttpHeaders = {};
      req.on('response', (h) => (resHeaders = h));
      req.on('trailers', (t) => (resTrailers = t));
      req.setEncoding('utf8');
      req.on('data', (d) => (out += d));
      req.on('end', () => resolve({ headers: resHeaders, body: out, trailers: resTrailers }));
      req.on('error', reject);
      if (body !== undefined) req.end(body);
    });
  }

  test('pseudo-headers become Host and path; cookies are joined; Via says 2; X-Forwarded-Proto https', async () => {
    const r = await h2({ ':method': 'POST', ':path': '/submit?x=1', ':authority': 'app.test', cookie: ['a=1', 'b=2'], 'content-type': 'text/plain' }, 'hello over h2');
    assert.equal(r.headers[':status'], 200);
    const seen = backend.seen[backend.seen.length - 1]!;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/submit?x=1');
    assert.equal(seen.body?.toString(), 'hello over h2');
    assert.ok(!seen.headers.some(([n]) => n.startsWith(':')), 'no pseudo-headers upstream');
    assert.equal(header(seen.headers, 'host'), 'app.test');
    assert.deepEqual(headerAll(seen.headers, 'cookie'), ['a=1; b=2']);
    assert.equal(header(seen.headers, 'via'), '2 gatehouse');
    assert.equal(header(seen.headers, 'x-forwarded-proto'), 'https');
    assert.equal(header(seen.headers, 'forwarded'), 'for=127.0.0.1;host=app.test;proto=https');
    assert.equal(seen.httpVersion, '1.1');
  });

  test('a GET without a body sends no body upstream', async () => {
    const r = await h2({ ':path': '/get', ':authority': 'app.test' });
    assert.equal(JSON.parse(r.body).bodyBytes, 0);
    const seen = backend.seen[backend.seen.length - 1]!;
    assert.equal(header(seen.headers, 'transfer-encoding'), undefined);
  });

  test('response trailers and connection-specific response headers are handled for h2', async () => {
    const r = await h2({ ':path': '/', ':authority': 'trailers.test' });
    assert.equal(r.body, 'body');
    assert.equal(r.trailers['grpc-status'], '0');
    assert.equal(r.headers.connection, undefined);
  });

  test('error pages over h2', async () => {
    const r = await h2({ ':path': '/', ':authority': 'down.test', accept: 'application/json' });
    assert.equal(r.headers[':status'], 502);
    assert.equal(JSON.parse(r.body).error.code, 'UPSTREAM_REFUSED');
    const nf = await h2({ ':path': '/', ':authority': 'nowhere.test' });
    assert.equal(nf.headers[':status'], 404);
  });

  test('a reset h2 stream aborts the upstream request', async () => {
    const before = hold.seen.length;
    const req = session.request({ ':path': '/held', ':authority': 'hold.test' });
    req.on('error', () => {});
    await waitFor(() => hold.seen.length === before + 1, 'request reaches the backend');
    req.close(http2.constants.NGHTTP2_CANCEL);
    await waitFor(() => engine.inflightRequests === 0, 'exchange over');
    // The upstream request is aborted (its connection closed). undici then opens one idle
    // keep-alive connection in its place, which the pool reuses or closes after keepAliveTimeout.
    await waitFor(() => hold.seen[before]!.closedEarly, 'the upstream request was abandoned');
  });
});
