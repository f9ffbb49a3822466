import { afterEach, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHttpClient } from '../../renderer/src/client/http-client';
import { createIpcClient } from '../../renderer/src/client/ipc-client';
import { ApiCallError } from '../../renderer/src/client/ui-client';
import type { GatehouseBridge } from '../../shared/ipc-bridge';

/** A stand-in for the browser WebSocket: the test opens, feeds and closes it. */
class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  open() {
    this.onopen?.();
  }
  message(data: unknown) {
    this.onmessage?.({ data });
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}

const realFetch = globalThis.fetch;
const g = globalThis as unknown as { WebSocket: unknown };
const realWs = g.WebSocket;
afterEach(() => {
  globalThis.fetch = realFetch;
  g.WebSocket = realWs;
  FakeSocket.all = [];
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition not reached');
}

test('http client: POST /api/<method> with the token, results unwrapped, errors keep code and status', async () => {
  g.WebSocket = FakeSocket;
  const seen: Array<{ url: string; init: RequestInit }> = [];
  globalThis.fetch = (async (url: URL, init: RequestInit) => {
    seen.push({ url: String(url), init });
    const body = JSON.parse(String(init.body));
    if (String(url).endsWith('/api/routes.remove')) {
      return new Response(JSON.stringify({ ok: false, error: { code: 'not-found', status: 404, message: `no route ${body.id}` } }), { status: 404 });
    }
    return new Response(JSON.stringify({ ok: true, result: [{ id: 'app.test' }] }));
  }) as typeof fetch;
  const client = createHttpClient({ origin: 'http://127.0.0.1:7000', token: 'tok' });
  try {
    assert.deepEqual(await client.call('routes.list', {}), [{ id: 'app.test' }]);
    assert.equal(seen[0]!.url, 'http://127.0.0.1:7000/api/routes.list');
    assert.equal(seen[0]!.init.method, 'POST');
    assert.equal((seen[0]!.init.headers as Record<string, string>).authorization, 'Bearer tok');
    await assert.rejects(client.call('routes.remove', { id: 'x.test' }), (err: unknown) => {
      assert.ok(err instanceof ApiCallError);
      assert.equal(err.code, 'not-found');
      assert.equal(err.status, 404);
      assert.equal(err.message, 'no route x.test');
      return true;
    });
    await assert.rejects(client.call('no.such' as 'routes.list', {}), /No API method/);
    assert.equal(FakeSocket.all[0]!.url, 'ws://127.0.0.1:7000/api/events?token=tok');
  } finally {
    client.close();
  }
});

test('http client: events reach subscribers; a dropped socket reconnects and reports it', async () => {
  g.WebSocket = FakeSocket;
  const client = createHttpClient({ origin: 'https://127.0.0.1:7000', minRetryMs: 1, maxRetryMs: 4 });
  const states: boolean[] = [];
  const routes: unknown[] = [];
  client.onConnection((c) => states.push(c));
  const off = client.on('routes.changed', (p) => routes.push(p));
  try {
    const first = FakeSocket.all[0]!;
    assert.equal(first.url, 'wss://127.0.0.1:7000/api/events');
    first.open();
    first.message(JSON.stringify({ event: 'routes.changed', payload: [{ id: 'a' }] }));
    first.message(JSON.stringify({ event: 'recording.state', payload: {} }));
    first.message('not json');
    first.close();
    await until(() => FakeSocket.all.length === 2);
    const second = FakeSocket.all[1]!;
    second.open();
    second.message(JSON.stringify({ event: 'routes.changed', payload: [{ id: 'b' }] }));
    off();
    second.message(JSON.stringify({ event: 'routes.changed', payload: [{ id: 'c' }] }));
    assert.deepEqual(routes, [[{ id: 'a' }], [{ id: 'b' }]]);
    assert.deepEqual(states, [false, true, false, true]);
  } finally {
    client.close();
  }
  const count = FakeSocket.all.length;
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(FakeSocket.all.length, count, 'no reconnect after close()');
});

test('ipc client: unwraps the bridge ApiResult the same way', async () => {
  const bridge: GatehouseBridge = {
    call: (async (method: string) =>
      method === 'routes.list' ? { ok: true, result: [] } : { ok: false, error: { code: 'forbidden', status: 403, message: 'no' } }) as GatehouseBridge['call'],
    subscribe: () => () => {},
  };
  const client = createIpcClient(bridge);
  assert.deepEqual(await client.call('routes.list', {}), []);
  await assert.rejects(client.call('ca.trust', {}), (e: unknown) => e instanceof ApiCallError && e.code === 'forbidden' && e.status === 403);
  const states: boolean[] = [];
  client.onConnection((c) => states.push(c));
  assert.deepEqual(states, [true]);
});
