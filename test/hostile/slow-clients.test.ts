import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBackend, type Backend } from '../support/backends';
import { openDescriptors, settleToBaseline } from '../support/open-handles';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { rawConnect } from '../support/raw-http';
import { waitFor } from '../support/wait-for';

/** Collects what a raw socket receives and whether it was closed. */
function watch(socket: net.Socket): { text: () => string; closed: () => boolean } {
  const chunks: Buffer[] = [];
  let closed = false;
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => {});
  socket.on('close', () => (closed = true));
  return { text: () => Buffer.concat(chunks).toString('latin1'), closed: () => closed };
}

/**
 * Slow and idle clients. With `requestHeaders: 1s`, a slowloris client that
 * dribbles header bytes is cut off (408) while others are served; 1,000 idle
 * connections (default timeouts) do not stop normal requests; descriptors return
 * to their baseline once they are gone.
 */
describe('slow and idle clients', () => {
  let backend: Backend;
  let strict: TestProxy;
  let relaxed: TestProxy;

  before(async () => {
    backend = await startBackend(undefined, { name: 'slow' });
    strict = await startProxy({ routes: [{ host: 'app.test', target: backend.url }], timeouts: { requestHeaders: '1s', keepAlive: '1s', clientBody: '1s' } });
    relaxed = await startProxy({ routes: [{ host: 'app.test', target: backend.url }] });
  });
  after(async () => {
    await strict.close();
    await relaxed.close();
    await backend.close();
  });

  test('slowloris headers: cut off after requestHeaders (408), never forwarded, others served meanwhile', async () => {
    const from = backend.seen.length;
    const sockets = await Promise.all(Array.from({ length: 20 }, () => rawConnect(strict.port)));
    const seen = sockets.map(watch);
    for (const s of sockets) s.write('GET /loris HTTP/1.1\r\nHost: app.test\r\n');
    const dribble = setInterval(() => {
      for (const s of sockets) if (!s.destroyed) s.write('X-a: b\r\n');
    }, 150);
    try {
      const ok = await strict.text('app.test', '/normal');
      assert.equal(ok.status, 200, 'a normal client is served during the attack');
      await waitFor(() => seen.every((w) => w.closed()), 'every slowloris connection is closed', 10_000);
    } finally {
      clearInterval(dribble);
      for (const s of sockets) s.destroy();
    }
    for (const w of seen) assert.match(w.text(), /^(HTTP\/1\.1 408 |$)/, 'a 408 or a plain close');
    assert.ok(seen.some((w) => w.text().startsWith('HTTP/1.1 408 ')), 'at least one got the 408');
    assert.deepEqual(backend.seen.slice(from).map((s) => s.url), ['/normal'], 'no slowloris request reached the backend');
  });

  test('a requestHeaders timeout shortened while the proxy runs is enforced about on time', async () => {
    // Started with the default (30 s); Node checks it on an interval fixed when the server starts.
    const p = await startProxy({ routes: [{ host: 'app.test', target: backend.url }] });
    try {
      p.engine.applyConfig({ routes: [{ host: 'app.test', target: backend.url }], timeouts: { requestHeaders: '1s' } });
      const s = await rawConnect(p.port);
      const w = watch(s);
      const started = Date.now();
      s.write('GET /late HTTP/1.1\r\nHost: app.test\r\n');
      try {
        // 1 s of timeout plus at most 1 s until Node looks; before, the check ran every 7.5 s.
        await waitFor(() => w.closed(), 'the slow client is cut off', 4_000);
      } finally {
        s.destroy();
      }
      assert.match(w.text(), /^(HTTP\/1\.1 408 |$)/);
      assert.ok(Date.now() - started >= 900, 'not before the timeout');
    } finally {
      await p.close();
    }
  });

  test('a connection that never sends a byte is closed after requestHeaders', async () => {
    const s = await rawConnect(strict.port);
    const w = watch(s);
    try {
      await waitFor(() => w.closed(), 'the idle connection is closed', 10_000);
    } finally {
      s.destroy();
    }
  });

  test(
    'a client that stalls mid-body is timed out (slow-body limit)',
    async () => {
      const s = await rawConnect(strict.port);
      const w = watch(s);
      try {
        s.write('POST /stall HTTP/1.1\r\nHost: app.test\r\nContent-Length: 100\r\n\r\nhalf');
        await waitFor(() => w.closed(), 'the stalled upload is cut off', 6_000);
        assert.ok(w.text().startsWith('HTTP/1.1 408 '), `a 408 before anything was relayed, got ${w.text().slice(0, 40)}`);
      } finally {
        s.destroy();
      }
    },
  );

  test('1,000 idle connections do not stop normal requests; descriptors return to baseline', async () => {
    const baseline = await settleToBaseline(openDescriptors(), 3_000);
    const idle: net.Socket[] = [];
    try {
      for (let i = 0; i < 1000; i += 100) {
        idle.push(...(await Promise.all(Array.from({ length: 100 }, () => rawConnect(relaxed.port)))));
      }
      for (const s of idle) s.on('error', () => {});
      // half of them mid-headers, half silent
      idle.forEach((s, i) => i % 2 === 0 && s.write('GET / HTTP/1.1\r\nHost: app.test\r\n'));
      await sleep(100);
      for (let i = 0; i < 20; i++) {
        const r = await relaxed.text('app.test', `/busy-${i}`);
        assert.equal(r.status, 200);
        assert.equal(JSON.parse(r.body).url, `/busy-${i}`);
      }
      assert.ok(idle.filter((s) => !s.destroyed).length >= 990, 'the idle connections were still open while requests were served');
    } finally {
      for (const s of idle) s.destroy();
    }
    const now = await settleToBaseline(baseline, 15_000);
    assert.ok(now.fds <= baseline.fds, `fds back to baseline ${baseline.fds}, now ${now.fds}`);
    assert.ok(now.sockets <= baseline.sockets, `sockets back to baseline ${baseline.sockets}, now ${now.sockets}`);
  });
});
