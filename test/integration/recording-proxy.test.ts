import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startBackend, startWsBackend, type Backend, type WsBackend } from '../support/backends';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { rawExchange } from '../support/raw-http';
import { waitUntil } from '../support/wait-until';
import { Recorder } from '../../main/recorder/recorder';
import type { Exchange } from '../../shared/exchange-types';
import type { RawHeaders } from '../../shared/http-types';

/** Header pairs of a raw HTTP/1.1 response head, as the client received them. */
function responseHeaders(text: string): RawHeaders {
  const head = text.split('\r\n\r\n')[0]!.split('\r\n').slice(1);
  return head.map((line) => {
    const i = line.indexOf(':');
    return [line.slice(0, i), line.slice(i + 1).trim()];
  });
}

function responseBody(text: string): string {
  return text.slice(text.indexOf('\r\n\r\n') + 4);
}

describe('recording real traffic through the engine', () => {
  let backend: Backend;
  let wsBackend: WsBackend;
  let proxy: TestProxy;
  let recorder: Recorder;

  before(async () => {
    backend = await startBackend(
      (req, res) => {
        req.resume();
        req.on('end', () => {
          res.sendDate = false;
          res.writeHead(201, [
            ['X-Up', 'from-backend'],
            ['Content-Type', 'text/plain'],
            ['Content-Length', '11'],
          ]);
          res.end('backend-hi!');
        });
      },
      { name: 'app', keepBodies: true },
    );
    wsBackend = await startWsBackend();
    recorder = new Recorder({ batchMs: 10, recording: { bodyCap: 64 } });
    proxy = await startProxy(
      {
        routes: [
          { host: 'app.test', target: backend.url },
          { host: 'ws.test', target: wsBackend.url },
          { host: 'quiet.test', target: backend.url, record: false },
        ],
      },
      { observer: recorder },
    );
    recorder.setRoutes([{ host: 'quiet.test', target: backend.url, record: false }]);
  });

  after(async () => {
    await proxy.close();
    await Promise.all([backend.close(), wsBackend.close()]);
    recorder.close();
  });

  async function finished(predicate: (x: Exchange) => boolean): Promise<Exchange> {
    return waitUntil(() => recorder.all().find((x) => x.state !== 'pending' && predicate(x)), 'the exchange to finish');
  }

  test('the four header sets are exact: the spoofed X-Forwarded-For and its replacement are both visible', async () => {
    const request = [
      'POST /submit?x=1 HTTP/1.1',
      'Host: app.test',
      'X-Forwarded-For: 6.6.6.6',
      'X-Mixed-CASE: Value',
      'Content-Type: text/plain',
      'Content-Length: 5',
      'Connection: close',
      '',
      'hello',
    ].join('\r\n');
    const res = await rawExchange(proxy.port, request);
    assert.equal(res.status, 201);
    const x = await finished((e) => e.url === '/submit?x=1');

    assert.deepEqual(x.headers.clientRequest, [
      ['Host', 'app.test'],
      ['X-Forwarded-For', '6.6.6.6'],
      ['X-Mixed-CASE', 'Value'],
      ['Content-Type', 'text/plain'],
      ['Content-Length', '5'],
      ['Connection', 'close'],
    ]);
    const seen = backend.seen.at(-1)!;
    const xff = (h: RawHeaders) => h.filter(([k]) => k.toLowerCase() === 'x-forwarded-for').map(([, v]) => v);
    assert.deepEqual(xff(seen.headers), ['127.0.0.1'], 'the backend got the replacement, not the spoofed value');
    assert.deepEqual(xff(x.headers.forwardedRequest!), ['127.0.0.1'], 'the record shows the replacement');
    assert.deepEqual(xff(x.headers.clientRequest), ['6.6.6.6'], 'and the spoofed value the client sent');
    // Every header the backend received is in the forwarded set (case-insensitive, framing aside).
    const norm = (h: RawHeaders) => h.map(([k, v]) => `${k.toLowerCase()}: ${v}`).filter((l) => !/^(connection|content-length|transfer-encoding):/.test(l)).sort();
    assert.deepEqual(norm(x.headers.forwardedRequest!), norm(seen.headers));

    // What the backend sends, seen by a client talking to it directly with the same request.
    // (undici keeps upstream connections alive, so ask the same way; the backend then does not close: stop reading after a moment.)
    const direct = await rawExchange(backend.port, request.replace('Connection: close', 'Connection: keep-alive'), { waitMs: 500 });
    assert.deepEqual(x.headers.upstreamResponse, responseHeaders(direct.text));
    // Every header in the record's client-response set reached the client, in order.
    const got = responseHeaders(res.text);
    const positions = x.headers.clientResponse!.map(([k, v]) => got.findIndex(([gk, gv]) => gk === k && gv === v));
    assert.ok(positions.every((p) => p >= 0), `${JSON.stringify(x.headers.clientResponse)} vs ${JSON.stringify(got)}`);
    assert.deepEqual([...positions].sort((a, b) => a - b), positions);

    assert.equal(Buffer.from(x.requestBody.captured, 'base64').toString(), 'hello');
    assert.equal(Buffer.from(x.responseBody.captured, 'base64').toString(), responseBody(res.text));
    assert.equal(x.status, 201);
    assert.equal(x.upstreamStatus, 201);
    assert.equal(x.target, backend.url);
    assert.equal(x.routeId, 'app.test');
    assert.equal(x.forwardedPath, '/submit?x=1');
    assert.equal(x.clientAddress, '127.0.0.1');
    assert.ok(x.clientPort > 0);

    const t = x.timings;
    assert.ok(t.upstreamConnected !== undefined && t.responseHeaders !== undefined && t.responseEnd !== undefined, JSON.stringify(t));
    assert.ok(t.received <= t.upstreamConnected!, 'received <= connected');
    assert.ok(t.upstreamConnected! <= t.responseHeaders!, 'connected <= response headers');
    assert.ok(t.responseHeaders! <= t.responseEnd!, 'response headers <= end');
  });

  test(
    'the forwarded header set is byte-exact (case, order, and the framing headers undici adds)',
    async () => {
      const res = await rawExchange(proxy.port, 'GET /exact HTTP/1.1\r\nHost: app.test\r\nX-Case: A\r\nConnection: close\r\n\r\n');
      assert.equal(res.status, 201);
      const x = await finished((e) => e.url === '/exact');
      assert.deepEqual(x.headers.forwardedRequest, backend.seen.at(-1)!.headers);
    },
  );

  test(
    'the client-response header set is byte-exact (including what Node adds: Date, Connection)',
    async () => {
      const res = await rawExchange(proxy.port, 'GET /exact2 HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n');
      const x = await finished((e) => e.url === '/exact2');
      assert.deepEqual(x.headers.clientResponse, responseHeaders(res.text));
    },
  );

  test('bodies beyond the cap are truncated in the record, never on the wire', async () => {
    const body = Buffer.alloc(200_000, 0x61);
    const r = await proxy.request('app.test', '/big', { method: 'PUT', body });
    await r.body.text();
    const x = await finished((e) => e.url === '/big');
    assert.equal(backend.seen.at(-1)!.body!.length, body.length, 'the backend got the whole body');
    assert.equal(x.requestBody.size, body.length);
    assert.equal(x.requestBody.truncated, true);
    assert.equal(Buffer.from(x.requestBody.captured, 'base64').length, 64);
  });

  test('an excluded route is not recorded', async () => {
    const before = recorder.state().count;
    const r = await proxy.request('quiet.test', '/secret');
    await r.body.text();
    assert.equal(r.statusCode, 201);
    assert.equal(recorder.state().count, before);
  });

  test('a WebSocket exchange lists its messages', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/socket`, { headers: { host: 'ws.test' } });
    const received: string[] = [];
    const gotThree = new Promise<void>((resolve) =>
      ws.on('message', (d, isBinary) => {
        received.push(isBinary ? `bin:${(d as Buffer).toString('hex')}` : String(d));
        if (received.length === 3) resolve();
      }),
    );
    await new Promise<void>((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    ws.send('hello over ws');
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await gotThree;
    ws.close(1000, 'done');
    await new Promise((r) => ws.on('close', r));
    const x = await finished((e) => e.websocket && e.url === '/socket');
    assert.equal(x.status, 101);
    const msgs = x.wsMessages!.filter((m) => m.opcode === 1 || m.opcode === 2);
    const view = msgs.map((m) => `${m.direction}:${m.opcode}:${Buffer.from(m.data, 'base64').toString(m.opcode === 2 ? 'hex' : 'utf8')}`);
    assert.ok(view.includes('upstream-to-client:1:{"type":"connected"}'), view.join('\n'));
    assert.ok(view.includes('client-to-upstream:1:hello over ws'), view.join('\n'));
    assert.ok(view.includes('upstream-to-client:1:hello over ws'), view.join('\n'));
    assert.ok(view.includes('client-to-upstream:2:010203'), view.join('\n'));
    assert.ok(view.includes('upstream-to-client:2:010203'), view.join('\n'));
    for (const m of x.wsMessages!) assert.ok(m.time >= x.startedAt && m.size >= 0);
    assert.equal(received[0], '{"type":"connected"}');
  });
});
