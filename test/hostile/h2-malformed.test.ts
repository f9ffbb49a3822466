import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBackend, type Backend } from '../support/backends';
import { GOAWAY, HEADERS, RST_STREAM, frame, headerBlock, rawH2 } from '../support/h2-raw';
import { startHttpsProxy, type TestHttpsProxy } from '../support/https-proxy';
import { waitFor } from '../support/wait-for';

/**
 * Malformed HTTP/2 against the HTTPS listener, as raw frames (Node's client
 * refuses to build them): each stream is reset or the session is closed with a
 * protocol error, the backend sees nothing, and the listener keeps serving.
 * A rapid-reset flood is bounded by Node's limits.
 */
const GOOD: Array<[string, string]> = [[':method', 'GET'], [':scheme', 'https'], [':authority', 'app.test'], [':path', '/h2']];

const CASES: Array<[string, Array<[string, string]>]> = [
  ['unknown pseudo-header', [...GOOD, [':evil', 'x']]],
  ['missing :path', GOOD.filter(([n]) => n !== ':path')],
  ['missing :method', GOOD.filter(([n]) => n !== ':method')],
  ['duplicate :method', [...GOOD, [':method', 'POST']]],
  ['pseudo-header after a regular one', [[':method', 'GET'], [':scheme', 'https'], ['x-a', 'b'], [':authority', 'app.test'], [':path', '/h2']]],
  ['connection-specific: connection', [...GOOD, ['connection', 'keep-alive']]],
  ['connection-specific: transfer-encoding', [...GOOD, ['transfer-encoding', 'chunked']]],
  ['connection-specific: keep-alive', [...GOOD, ['keep-alive', 'timeout=5']]],
  ['connection-specific: upgrade', [...GOOD, ['upgrade', 'websocket']]],
  ['te other than trailers', [...GOOD, ['te', 'gzip']]],
  ['upper-case header name', [...GOOD, ['X-Upper', 'v']]],
  ['empty :path', [[':method', 'GET'], [':scheme', 'https'], [':authority', 'app.test'], [':path', '']]],
];

describe('malformed HTTP/2', () => {
  let backend: Backend;
  let proxy: TestHttpsProxy;

  before(async () => {
    backend = await startBackend(undefined, { name: 'h2' });
    proxy = await startHttpsProxy({ routes: [{ host: 'app.test', target: backend.url }] });
  });
  after(async () => {
    await proxy.close();
    await backend.close();
  });

  async function h2Get(path: string): Promise<number> {
    const session = http2.connect(`https://127.0.0.1:${proxy.httpsPort}`, { ca: proxy.caPem, servername: 'app.test' });
    session.on('error', () => {});
    try {
      return await new Promise<number>((resolve, reject) => {
        const req = session.request({ ':path': path, ':authority': 'app.test' });
        req.on('response', (h) => resolve(Number(h[':status'])));
        req.on('error', reject);
        req.resume();
        req.end();
      });
    } finally {
      session.close();
    }
  }

  for (const [name, fields] of CASES) {
    test(`${name}: stream reset or session closed, nothing forwarded`, async () => {
      const from = backend.seen.length;
      const c = await rawH2(proxy.httpsPort, 'app.test', proxy.caPem);
      try {
        c.send(frame(HEADERS, 0x5, 1, headerBlock(fields)));
        await waitFor(() => c.closed() || c.frames.some((f) => (f.type === RST_STREAM && f.streamId === 1) || f.type === GOAWAY || (f.type === HEADERS && f.streamId === 1)), 'an answer on stream 1', 5_000);
        const rst = c.frames.find((f) => f.type === RST_STREAM && f.streamId === 1);
        const goaway = c.frames.find((f) => f.type === GOAWAY);
        const answered = c.frames.find((f) => f.type === HEADERS && f.streamId === 1);
        assert.ok(rst || goaway || c.closed(), `refused at the protocol level, got frames ${c.frames.map((f) => f.type).join(',')}${answered ? ' (a response!)' : ''}`);
        if (rst) assert.equal(rst.payload.readUInt32BE(0), 1, 'RST_STREAM PROTOCOL_ERROR');
      } finally {
        c.close();
      }
      await sleep(30);
      assert.deepEqual(backend.seen.slice(from).map((s) => s.url), [], 'the backend saw nothing');
    });
  }

  // nghttp2 drops a field whose value holds CR, LF or NUL (instead of resetting the stream, as RFC 9113 §8.2.1 asks);
  // what matters for the proxy: the field never reaches the backend, so nothing can be injected into HTTP/1.1.
  for (const [name, value] of [['CR LF', 'a\r\nx-injected: 1'], ['NUL', 'a\u0000b'], ['bare LF', 'a\nx-injected: 1']] as const) {
    test(`${name} in a header value: refused, or the field is dropped and nothing is injected upstream`, async () => {
      const from = backend.seen.length;
      const c = await rawH2(proxy.httpsPort, 'app.test', proxy.caPem);
      try {
        c.send(frame(HEADERS, 0x5, 1, headerBlock([...GOOD, ['x-a', value]])));
        await waitFor(() => c.closed() || c.frames.some((f) => (f.type === RST_STREAM || f.type === HEADERS) && f.streamId === 1) || c.frames.some((f) => f.type === GOAWAY), 'an answer', 5_000);
      } finally {
        c.close();
      }
      await sleep(30);
      for (const s of backend.seen.slice(from)) {
        assert.deepEqual(s.headers.filter(([n]) => /^(x-a|x-injected)$/i.test(n)), [], 'no trace of the bad field upstream');
      }
    });
  }

  test('rapid reset flood: bounded by Node (the session is closed or the streams are refused), others still served', async () => {
    const from = backend.seen.length;
    const c = await rawH2(proxy.httpsPort, 'app.test', proxy.caPem);
    try {
      const block = headerBlock(GOOD);
      const burst: Buffer[] = [];
      for (let id = 1; id < 2 * 5000; id += 2) {
        burst.push(frame(HEADERS, 0x5, id, block), frame(RST_STREAM, 0, id, Buffer.from([0, 0, 0, 8])));
      }
      c.send(Buffer.concat(burst));
      await waitFor(() => c.closed() || c.frames.some((f) => f.type === GOAWAY), 'the flooding session is ended', 10_000).catch(() => undefined);
    } finally {
      c.close();
    }
    const forwarded = backend.seen.length - from;
    assert.ok(forwarded < 5000, `not every reset stream was forwarded (${forwarded})`);
    assert.equal(await h2Get('/after-flood'), 200);
  });

  test('the listener still serves a well-formed h2 request', async () => {
    assert.equal(await h2Get('/ok'), 200);
  });
});
