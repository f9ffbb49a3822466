import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startBackend } from '../support/backends';
import { startProxy } from '../support/proxy-harness';
import { waitFor } from '../support/wait-for';

describe('applyConfig', () => {
  test('an in-flight request finishes on the route it started with, even when the route is removed', async () => {
    const slow = await startBackend((req, res) => {
      req.resume();
      setTimeout(() => res.end('finished anyway'), 300);
    });
    const proxy = await startProxy({ routes: [{ host: 'app.test', target: slow.url }] });
    try {
      const pending = proxy.text('app.test', '/');
      await waitFor(() => slow.seen.length > 0, 'request reaches the backend');
      proxy.engine.applyConfig({ routes: [] });
      const r = await pending;
      assert.deepEqual([r.status, r.body], [200, 'finished anyway']);
      assert.equal((await proxy.text('app.test', '/')).status, 404, 'new requests see the new table');
    } finally {
      await proxy.close();
      await slow.close();
    }
  });

  test('pools of unchanged targets are kept (the keep-alive connection is reused)', async () => {
    const backend = await startBackend();
    const other = await startBackend();
    const proxy = await startProxy({ routes: [{ host: 'app.test', target: backend.url }] });
    try {
      assert.equal((await proxy.text('app.test', '/1')).status, 200);
      assert.equal(backend.connections, 1);
      proxy.engine.applyConfig({
        routes: [
          { host: 'app.test', target: backend.url },
          { host: 'new.test', target: other.url },
        ],
      });
      assert.equal((await proxy.text('app.test', '/2')).status, 200);
      assert.equal((await proxy.text('new.test', '/')).status, 200);
      assert.equal(backend.connections, 1, 'no new upstream connection after the reload');
    } finally {
      await proxy.close();
      await backend.close();
      await other.close();
    }
  });

  test('a config that cannot be compiled throws a coded error and changes nothing', async () => {
    const backend = await startBackend();
    const proxy = await startProxy({ routes: [{ host: 'app.test', target: backend.url }] });
    try {
      assert.throws(() => proxy.engine.applyConfig({ routes: [{ host: 'app.test', target: 'ftp://nope' }] }), { code: 'INVALID_TARGET' });
      assert.throws(() => proxy.engine.applyConfig({ routes: [], trustedProxies: ['not-an-ip'] }), { code: 'INVALID_TRUSTED_PROXY' });
      assert.equal((await proxy.text('app.test', '/')).status, 200);
      assert.deepEqual(
        proxy.engine.routeStatus().map((r) => r.routeId),
        ['app.test'],
      );
    } finally {
      await proxy.close();
      await backend.close();
    }
  });

  test('timeouts and route status follow the new config', async () => {
    const silent = await startBackend(() => {});
    const proxy = await startProxy({ routes: [{ host: 'slow.test', target: silent.url }] });
    try {
      proxy.engine.applyConfig({
        routes: [
          { host: 'slow.test', target: silent.url },
          { host: 'off.test', target: silent.url, enabled: false },
        ],
        timeouts: { upstreamHeaders: '200ms' },
      });
      const r = await proxy.text('slow.test', '/', { accept: 'application/json' });
      assert.equal(r.status, 504);
      assert.deepEqual(proxy.engine.routeStatus(), [
        { routeId: 'slow.test', enabled: true, targets: [{ url: silent.url, up: true, answered: false, failing: false }] },
        { routeId: 'off.test', enabled: false, targets: [{ url: silent.url, up: true, answered: false, failing: false }] },
      ]);
    } finally {
      await proxy.close();
      await silent.close();
    }
  });

  test('stop() lets an in-flight request finish within the grace period', async () => {
    const slow = await startBackend((req, res) => {
      req.resume();
      setTimeout(() => res.end('graceful'), 200);
    });
    const proxy = await startProxy({ routes: [{ host: 'app.test', target: slow.url }] });
    const pending = proxy.text('app.test', '/');
    await waitFor(() => slow.seen.length > 0, 'request reaches the backend');
    const stopped = proxy.engine.stop(5_000);
    const r = await pending;
    await stopped;
    await proxy.close();
    await slow.close();
    assert.deepEqual([r.status, r.body], [200, 'graceful']);
  });
});
