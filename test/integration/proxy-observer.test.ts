import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket from 'ws';
import type { ExchangeObserver, ExchangeStart, ExchangeTap, TapHeaders } from '../../main/engine/exchange-observer';
import type { RawHeaders } from '../../shared/http-types';
import { parseHeadBlock } from '../../shared/raw-headers';
import { deadPort, startBackend, startWsBackend, type Backend, type WsBackend } from '../support/backends';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { waitFor } from '../support/wait-for';

interface Recorded {
  start: ExchangeStart;
  calls: string[];
  targets: string[];
  forwarded?: { method: string; path: string; headers: RawHeaders };
  reused: boolean[];
  upstream?: { status: number; headers: RawHeaders };
  client?: { status: number; headers: RawHeaders };
  requestBytes: number;
  responseBytes: number;
  ws: Array<{ direction: string; opcode: number; text: string }>;
  finished: Array<{ code: string; message: string } | undefined>;
}

/** The seam may hand over a serialised head (the wire-exact one) or pairs. */
function asPairs(headers: TapHeaders): RawHeaders {
  return typeof headers === 'string' ? parseHeadBlock(headers) : headers;
}

function recordingObserver(): ExchangeObserver & { exchanges: Recorded[] } {
  const exchanges: Recorded[] = [];
  return {
    exchanges,
    begin(start) {
      const r: Recorded = { start, calls: [], targets: [], reused: [], requestBytes: 0, responseBytes: 0, ws: [], finished: [] };
      exchanges.push(r);
      const tap: ExchangeTap = {
        target: (url) => (r.calls.push('target'), r.targets.push(url)),
        forwarded: (method, path, headers) => (r.calls.push('forwarded'), (r.forwarded = { method, path, headers: asPairs(headers) })),
        upstreamConnected: (reused) => (r.calls.push('upstreamConnected'), r.reused.push(reused)),
        upstreamResponse: (status, headers) => (r.calls.push('upstreamResponse'), (r.upstream = { status, headers })),
        clientResponse: (status, headers) => (r.calls.push('clientResponse'), (r.client = { status, headers: asPairs(headers) })),
        requestBody: (chunk) => (r.requestBytes += chunk.length),
        responseBody: (chunk) => (r.responseBytes += chunk.length),
        wsMessage: (direction, opcode, payload) => r.ws.push({ direction, opcode, text: Buffer.from(payload).toString() }),
        finish: (error) => (r.calls.push('finish'), r.finished.push(error)),
      };
      return tap;
    },
  };
}

async function settled(r: () => Recorded | undefined): Promise<Recorded> {
  await waitFor(() => (r()?.finished.length ?? 0) > 0, 'exchange finished');
  return r()!;
}

describe('the recorder seam (ExchangeObserver)', () => {
  let backend: Backend;
  let wsb: WsBackend;
  let proxy: TestProxy;
  let observer: ReturnType<typeof recordingObserver>;
  let dead: number;

  before(async () => {
    backend = await startBackend();
    wsb = await startWsBackend();
    dead = await deadPort();
    observer = recordingObserver();
    proxy = await startProxy(
      {
        routes: [
          { host: 'app.test', target: backend.url },
          { host: 'secret.test', target: backend.url, record: false },
          { host: 'down.test', targets: [`http://127.0.0.1:${dead}`, backend.url] },
          { host: 'dead.test', target: `http://127.0.0.1:${dead}` },
          { host: 'ws.test', target: wsb.url },
        ],
      },
      { observer },
    );
  });

  after(async () => {
    await proxy.close();
    await backend.close();
    await wsb.close();
  });

  test('a forwarded exchange: start, four header sets, bodies, reuse, finish once', async () => {
    const n = observer.exchanges.length;
    for (let i = 0; i < 2; i++) {
      const r = await proxy.request('app.test', `/rec?i=${i}`, { method: 'POST', body: 'x'.repeat(1000), headers: { 'X-Case': 'Kept' } });
      await r.body.text();
    }
    const first = await settled(() => observer.exchanges[n]);
    const second = await settled(() => observer.exchanges[n + 1]);
    assert.equal(first.start.method, 'POST');
    assert.equal(first.start.url, '/rec?i=0');
    assert.equal(first.start.host, 'app.test');
    assert.equal(first.start.routeId, 'app.test');
    assert.equal(first.start.scheme, 'http');
    assert.equal(first.start.httpVersion, '1.1');
    assert.ok(first.start.requestHeaders.some(([k, v]) => k === 'X-Case' && v === 'Kept'), 'client headers raw, case kept');
    assert.deepEqual(first.calls, ['target', 'forwarded', 'upstreamConnected', 'upstreamResponse', 'clientResponse', 'finish']);
    assert.deepEqual(first.targets, [backend.url]);
    assert.equal(first.forwarded!.path, '/rec?i=0');
    assert.ok(first.forwarded!.headers.some(([k]) => k === 'X-Forwarded-For'));
    assert.equal(first.upstream!.status, 200);
    assert.equal(first.client!.status, 200);
    assert.equal(first.requestBytes, 1000);
    assert.ok(first.responseBytes > 100);
    assert.deepEqual(first.finished, [undefined]);
    assert.deepEqual([first.reused, second.reused], [[false], [true]], 'the second request reused the keep-alive connection');
  });

  test('failover shows both targets; an error page is the client response with a coded finish', async () => {
    const n = observer.exchanges.length;
    await (await proxy.request('down.test', '/')).body.dump();
    const fo = await settled(() => observer.exchanges[n]);
    assert.deepEqual(fo.targets, [`http://127.0.0.1:${dead}`, backend.url]);
    assert.deepEqual(fo.finished, [undefined]);

    await (await proxy.request('dead.test', '/')).body.dump();
    const failed = await settled(() => observer.exchanges[n + 1]);
    assert.equal(failed.client!.status, 502);
    assert.equal(failed.upstream, undefined);
    assert.equal(failed.finished[0]!.code, 'UPSTREAM_REFUSED');
    assert.equal(failed.finished.length, 1);

    await (await proxy.request('nowhere.test', '/')).body.dump();
    const none = await settled(() => observer.exchanges[n + 2]);
    assert.equal(none.start.routeId, undefined);
    assert.equal(none.client!.status, 404);
    assert.equal(none.finished[0]!.code, 'NO_ROUTE');
  });

  test('routes with record: false are not observed', async () => {
    const n = observer.exchanges.length;
    await (await proxy.request('secret.test', '/')).body.dump();
    await (await proxy.request('app.test', '/after')).body.dump();
    await settled(() => observer.exchanges[n]);
    assert.equal(observer.exchanges.length, n + 1);
    assert.equal(observer.exchanges[n]!.start.url, '/after');
  });

  test('WebSocket messages both ways, and finish when the tunnel closes', async () => {
    const n = observer.exchanges.length;
    const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/hmr`, 'vite-hmr', { headers: { host: 'ws.test' } });
    const greeting = once(ws, 'message');
    await once(ws, 'open');
    await greeting;
    const reply = once(ws, 'message');
    ws.send('{"type":"ping"}');
    await reply;
    ws.close(1000, 'bye');
    await once(ws, 'close');
    const x = await settled(() => observer.exchanges[n]);
    assert.equal(x.start.websocket, true);
    assert.equal(x.client!.status, 101);
    assert.deepEqual(
      x.ws.filter((m) => m.opcode === 1),
      [
        { direction: 'upstream-to-client', opcode: 1, text: '{"type":"connected"}' },
        { direction: 'client-to-upstream', opcode: 1, text: '{"type":"ping"}' },
        { direction: 'upstream-to-client', opcode: 1, text: '{"type":"ping"}' },
      ],
    );
    assert.ok(x.ws.some((m) => m.direction === 'client-to-upstream' && m.opcode === 8), 'close frame seen');
  });

  test('an observer that throws never breaks the forward path', async () => {
    const bad: ExchangeObserver = {
      begin: () => ({
        target() {
          throw new Error('boom');
        },
        forwarded() {
          throw new Error('boom');
        },
        upstreamConnected() {},
        upstreamResponse() {
          throw new Error('boom');
        },
        clientResponse() {},
        requestBody() {},
        responseBody() {
          throw new Error('boom');
        },
        wsMessage() {},
        finish() {
          throw new Error('boom');
        },
      }),
    };
    proxy.engine.setObserver(bad);
    try {
      const r = await proxy.request('app.test', '/still-works');
      assert.equal(r.statusCode, 200);
      assert.match(await r.body.text(), /still-works/);
      proxy.engine.setObserver({ begin: () => { throw new Error('begin boom'); } });
      const r2 = await proxy.request('app.test', '/still-works-2');
      assert.equal(r2.statusCode, 200);
      await r2.body.dump();
    } finally {
      proxy.engine.setObserver(observer);
    }
    assert.match(proxy.logger.lines.join('\n'), /recorder hook failed \(ignored\): boom/);
  });
});
