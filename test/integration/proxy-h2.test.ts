import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Engine } from '../../main/engine/engine';
import { handleStreamsDirectly } from '../../main/engine/h2-stream';
import { Recorder } from '../../main/recorder/recorder';
import { memoryLogger } from '../../main/engine/logger';
import { deadPort, header, headerAll, startBackend, type Backend } from '../support/backends';
import { waitFor } from '../support/wait-for';

/**
 * HTTP/2 requests through engine.handleRequest, on an h2c server (no TLS — cheap and real),
 * both ways main/tls hands them over: straight from the 'stream' event as H2Request/H2Response
 * (every request but CONNECT and Expect), and through node:http2's compat objects (those two).
 */
for (const mode of ['streams', 'compat'] as const)
describe(`HTTP/2 requests through handleRequest (${mode})`, () => {
  let backend: Backend;
  let trailers: Backend;
  let hold: Backend;
  let special: Backend;
  let engine: Engine;
  let recorder: Recorder;
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
    special = await startBackend((req, res) => {
      if (req.url === '/hints') {
        res.writeEarlyHints({ link: '</app.css>; rel=preload; as=style' });
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5' });
        res.end('hints');
      } else if (req.url === '/empty') {
        res.writeHead(204, { 'x-empty': 'yes' });
        res.end();
      } else if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('one,');
        setTimeout(() => res.end('two'), 10);
      } else {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '11' });
        res.end(req.method === 'HEAD' ? undefined : 'fixed-body!');
      }
    });
    dead = await deadPort();
    recorder = new Recorder();
    engine = await Engine.start({
      config: {
        routes: [
          { host: 'app.test', target: backend.url },
          { host: 'trailers.test', target: trailers.url },
          { host: 'hold.test', target: hold.url },
          { host: 'down.test', target: `http://127.0.0.1:${dead}` },
          { host: 'special.test', target: special.url },
        ],
      },
      httpPort: 0,
      listen: ['127.0.0.1'],
      logger: memoryLogger(),
      observer: recorder,
    });
    const ctx = { scheme: 'https', tls: { alpn: 'h2' } } as const;
    h2server = http2.createServer((req, res) => engine.handleRequest(req, res, ctx));
    if (mode === 'streams') handleStreamsDirectly(h2server, (req, res) => engine.handleRequest(req, res, ctx));
    await new Promise<void>((resolve) => h2server.listen(0, '127.0.0.1', resolve));
    session = http2.connect(`http://127.0.0.1:${(h2server.address() as AddressInfo).port}`);
  });

  after(async () => {
    session.close();
    await new Promise((resolve) => h2server.close(resolve));
    await engine.stop(100);
    recorder.close();
    await Promise.all([backend.close(), trailers.close(), hold.close(), special.close()]);
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

  test('a fixed-length response arrives whole, with its Content-Length, and is recorded', async () => {
    const r = await h2({ ':path': '/fixed', ':authority': 'special.test' });
    assert.equal(r.headers[':status'], 200);
    assert.equal(r.headers['content-length'], '11');
    assert.equal(r.body, 'fixed-body!');
    assert.deepEqual(r.trailers, {});
    await waitFor(() => recorder.list({}).items.some((e) => e.url === '/fixed' && e.state === 'complete'), 'exchange recorded');
    const id = recorder.list({}).items.find((e) => e.url === '/fixed')!.id;
    const ex = recorder.get(id)!;
    assert.equal(ex.httpVersion, '2');
    assert.equal(ex.status, 200);
    assert.ok(ex.headers.clientRequest.some(([n, v]) => n === ':authority' && v === 'special.test'), 'client headers as sent, pseudo-headers included');
    assert.ok(ex.headers.clientResponse?.some(([n, v]) => n === 'content-length' && v === '11'), 'the head the client got');
    // Exactly the head the client received, in its order, pseudo-headers left out.
    const received = Object.entries(r.headers)
      .filter(([n]) => !n.startsWith(':'))
      .map(([n, v]) => [n, String(v)]);
    assert.deepEqual(ex.headers.clientResponse, received);
    assert.equal(ex.responseSize, 11);
  });

  test('a response without Content-Length (chunked upstream) arrives whole', async () => {
    const r = await h2({ ':path': '/chunked', ':authority': 'special.test' });
    assert.equal(r.headers[':status'], 200);
    assert.equal(r.body, 'one,two');
  });

  test('HEAD gets the head only, 204 no body', async () => {
    const head = await h2({ ':method': 'HEAD', ':path': '/fixed', ':authority': 'special.test' });
    assert.equal(head.headers[':status'], 200);
    assert.equal(head.headers['content-length'], '11');
    assert.equal(head.body, '');
    const empty = await h2({ ':path': '/empty', ':authority': 'special.test' });
    assert.equal(empty.headers[':status'], 204);
    assert.equal(empty.headers['x-empty'], 'yes');
    assert.equal(empty.body, '');
  });

  test('103 Early Hints reach the client before the response', async () => {
    const hints: http2.IncomingHttpHeaders[] = [];
    const r = await new Promise<{ status: unknown; body: string }>((resolve, reject) => {
      const req = session.request({ ':path': '/hints', ':authority': 'special.test' });
      req.on('headers', (h) => hints.push(h));
      let status: unknown;
      let body = '';
      req.on('response', (h) => (status = h[':status']));
      req.setEncoding('utf8');
      req.on('data', (d) => (body += d));
      req.on('end', () => resolve({ status, body }));
      req.on('error', reject);
    });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'hints');
    assert.equal(hints.length, 1);
    assert.equal(hints[0]![':status'], 103);
    assert.equal(hints[0]!.link, '</app.css>; rel=preload; as=style');
  });

  test('Expect: 100-continue gets 100 and the body reaches the backend', async () => {
    const r = await new Promise<{ status: unknown; continued: boolean }>((resolve, reject) => {
      const req = session.request({ ':method': 'POST', ':path': '/expect', ':authority': 'app.test', expect: '100-continue' });
      let continued = false;
      req.on('continue', () => {
        continued = true;
        req.end('after continue');
      });
      let status: unknown;
      req.on('response', (h) => (status = h[':status']));
      req.resume();
      req.on('end', () => resolve({ status, continued }));
      req.on('error', reject);
    });
    assert.equal(r.status, 200);
    assert.ok(r.continued, 'the client was told to continue');
    const seen = backend.seen[backend.seen.length - 1]!;
    assert.equal(seen.url, '/expect');
    assert.equal(seen.body?.toString(), 'after continue');
  });

  test('many concurrent streams on one connection all complete', async () => {
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => h2({ ':path': `/many/${i}`, ':authority': 'special.test' })));
    assert.ok(results.every((r) => Number(r.headers[':status']) === 200 && r.body === 'fixed-body!'));
    await waitFor(() => engine.inflightRequests === 0, 'all exchanges over');
  });

  test('a 1 MB upload to a dead upstream gets its 502, and the stream closes though the body was not read', async () => {
    const r = await new Promise<{ status: unknown; body: string; rstCode: number | undefined }>((resolve, reject) => {
      const req = session.request({ ':method': 'POST', ':path': '/upload', ':authority': 'down.test', accept: 'application/json' });
      let status: unknown;
      let body = '';
      const timer = setTimeout(() => reject(new Error('the stream never closed')), 10_000);
      req.on('response', (h) => (status = h[':status']));
      req.setEncoding('utf8');
      req.on('data', (d) => (body += d));
      req.on('error', () => {});
      req.on('close', () => {
        clearTimeout(timer);
        resolve({ status, body, rstCode: req.rstCode });
      });
      req.end(Buffer.alloc(1024 * 1024, 120));
    });
    assert.equal(r.status, 502);
    assert.equal(JSON.parse(r.body).error.code, 'UPSTREAM_REFUSED');
    assert.equal(r.rstCode, http2.constants.NGHTTP2_NO_ERROR, 'closed with NO_ERROR after the complete 502');
    await waitFor(() => engine.inflightRequests === 0, 'exchange over');
  });
});
