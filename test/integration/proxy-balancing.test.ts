import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { deadPort, startBackend, type Backend } from '../support/backends';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { rawExchange } from '../support/raw-http';
import { waitFor } from '../support/wait-for';

async function names(proxy: TestProxy, host: string, n: number, headers: Record<string, string> = {}): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await proxy.request(host, '/', { headers });
    out.push(String(r.headers['x-backend']));
    await r.body.dump();
  }
  return out;
}

describe('load balancing', () => {
  let a: Backend;
  let b: Backend;
  let c: Backend;
  let slow: Backend;
  let proxy: TestProxy;
  const held: http.ServerResponse[] = [];

  before(async () => {
    a = await startBackend(undefined, { name: 'a' });
    b = await startBackend(undefined, { name: 'b' });
    c = await startBackend(undefined, { name: 'c' });
    // Holds every request until released: occupies one connection for least-connections.
    slow = await startBackend(
      (_req, res) => {
        held.push(res);
      },
      { name: 'slow' },
    );
    proxy = await startProxy({
      routes: [
        { host: 'rr.test', targets: [a.url, b.url, c.url] },
        { host: 'w.test', targets: [{ url: a.url, weight: 3 }, { url: b.url, weight: 1 }], balance: 'weighted' },
        { host: 'ip.test', targets: [a.url, b.url, c.url], balance: 'ip-hash' },
        { host: 'lc.test', targets: [slow.url, a.url], balance: 'least-connections' },
      ],
      trustedProxies: [],
    });
  });

  after(async () => {
    for (const r of held) r.end();
    await proxy.close();
    await Promise.all([a.close(), b.close(), c.close(), slow.close()]);
  });

  test('round-robin (default) rotates through every target', async () => {
    const seq = await names(proxy, 'rr.test', 6);
    assert.deepEqual(seq.slice(0, 3).sort(), ['a', 'b', 'c']);
    assert.deepEqual(seq.slice(3), seq.slice(0, 3));
  });

  test('weighted 3:1 sends three of every four requests to the heavy target', async () => {
    const seq = await names(proxy, 'w.test', 8);
    assert.equal(seq.filter((n) => n === 'a').length, 6);
    assert.equal(seq.filter((n) => n === 'b').length, 2);
  });

  test('ip-hash keeps one client on one target', async () => {
    const seq = await names(proxy, 'ip.test', 5);
    assert.equal(new Set(seq).size, 1);
  });

  test('least-connections avoids the target that is busy', async () => {
    // Park one request on the slow target (ties rotate, so it takes at most two tries).
    let pending = proxy.request('lc.test', '/');
    let answered = false;
    void pending.then(() => (answered = true));
    await waitFor(() => held.length === 1 || answered, 'first request placed');
    if (held.length === 0) {
      assert.equal((await pending).headers['x-backend'], 'a');
      await (await pending).body.dump();
      pending = proxy.request('lc.test', '/');
      await waitFor(() => held.length === 1, 'second request parked on the slow target');
    }
    const seq = await names(proxy, 'lc.test', 4);
    assert.deepEqual(seq, ['a', 'a', 'a', 'a']);
    held[0]!.end('done');
    const r = await pending;
    assert.equal(await r.body.text(), 'done', 'the parked request completes from the slow target');
  });
});

describe('failover', () => {
  test('a refused target is marked down and the next one serves; all down → 502 naming them', async () => {
    const live = await startBackend(undefined, { name: 'live' });
    const dead = await deadPort();
    const dead2 = await deadPort();
    const proxy = await startProxy({
      routes: [
        { host: 'fo.test', targets: [`http://127.0.0.1:${dead}`, live.url] },
        { host: 'down.test', targets: [`http://127.0.0.1:${dead}`, `http://127.0.0.1:${dead2}`] },
      ],
    });
    try {
      // GET, POST with a body (not consumed on a refused connect) and chunked POST all fail over.
      assert.deepEqual(await names(proxy, 'fo.test', 4), ['live', 'live', 'live', 'live']);
      const post = await proxy.request('fo.test', '/upload', { method: 'POST', body: 'x'.repeat(100_000) });
      const posted = JSON.parse(await post.body.text());
      assert.deepEqual([posted.name, posted.bodyBytes], ['live', 100_000]);
      const status = proxy.engine.routeStatus().find((r) => r.routeId === 'fo.test')!;
      assert.equal(status.targets[0]!.up, false);
      assert.match(status.targets[0]!.lastError ?? '', /nothing is listening/);
      assert.equal(status.targets[1]!.up, true);

      const r = await proxy.request('down.test', '/', { headers: { accept: 'application/json' } });
      const body = JSON.parse(await r.body.text());
      assert.equal(r.statusCode, 502);
      assert.equal(body.error.code, 'ALL_TARGETS_DOWN');
      assert.match(body.error.message, new RegExp(`nothing is listening on 127\\.0\\.0\\.1:${dead}, 127\\.0\\.0\\.1:${dead2}`));
    } finally {
      await proxy.close();
      await live.close();
    }
  });

  test('a non-idempotent request whose body was already sent is not retried on another target', async () => {
    // The first target reads part of the body, then resets: retrying could run the POST twice.
    let hits = 0;
    const resetter = await startBackend((req) => {
      hits++;
      req.once('data', () => req.socket.destroy());
    });
    const other = await startBackend(undefined, { name: 'other' });
    const proxy = await startProxy({ routes: [{ host: 'np.test', targets: [resetter.url, other.url] }] });
    try {
      const res = await rawExchange(
        proxy.port,
        `POST / HTTP/1.1\r\nHost: np.test\r\nContent-Length: 200000\r\nConnection: close\r\n\r\n${'y'.repeat(200_000)}`,
        { waitMs: 5_000 },
      );
      assert.equal(res.status, 502);
      assert.match(res.text, /UPSTREAM_RESET|closed the connection/);
      assert.equal(hits, 1);
      assert.equal(other.seen.length, 0, 'the POST was not replayed elsewhere');
    } finally {
      await proxy.close();
      await resetter.close();
      await other.close();
    }
  });

  test('a single target that comes back is used again without waiting for the down period', async () => {
    const port = await deadPort();
    const proxy = await startProxy({ routes: [{ host: 'one.test', target: `http://127.0.0.1:${port}` }] });
    try {
      const r1 = await proxy.text('one.test', '/');
      assert.equal(r1.status, 502);
      assert.match(r1.body, new RegExp(`nothing is listening on 127\\.0\\.0\\.1:${port} — is your dev server running\\?`));
      const back = http.createServer((_q, s) => s.end('back'));
      await new Promise<void>((resolve) => back.listen(port, '127.0.0.1', resolve));
      try {
        const r2 = await proxy.text('one.test', '/');
        assert.deepEqual([r2.status, r2.body], [200, 'back']);
      } finally {
        back.closeAllConnections();
        await new Promise((resolve) => back.close(resolve));
      }
    } finally {
      await proxy.close();
    }
  });
});
