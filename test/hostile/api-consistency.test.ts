import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { request } from 'undici';
import { WebSocket } from 'ws';
import { startBackend, type Backend } from '../support/backends';
import { startTestInstance, type TestInstance } from '../support/instance-harness';

/** A backend and an instance routing app.test to it, for one describe block. */
function instanceRoutingAppTest(): { backend(): Backend; gh(): TestInstance } {
  let backend: Backend;
  let gh: TestInstance;
  before(async () => {
    backend = await startBackend();
    gh = await startTestInstance({ routes: [{ host: 'app.test', target: backend.url, redirectToHttps: false }] });
  });
  after(async () => {
    await gh.close();
    await backend.close();
  });
  return { backend: () => backend, gh: () => gh };
}

/**
 * Found by the soak test (fixed in 42730e2): a route change made through the control API is in
 * effect when the call returns (a client that toggles a route off and then
 * requests it must not be served by it).
 */
describe('control API route changes take effect before the call returns', () => {
  const h = instanceRoutingAppTest();

  const status = async () => {
    const r = await request(`http://127.0.0.1:${h.gh().instance.engine.httpPort}/`, { headers: { host: 'app.test' } });
    await r.body.text();
    return r.statusCode;
  };

  test(
    'routes.toggle off, then an immediate request is not forwarded',
    async () => {
      assert.equal(await status(), 200);
      for (let i = 0; i < 5; i++) {
        const off = await h.gh().call('routes.toggle', { id: 'app.test', enabled: false });
        assert.equal(off.status, 200);
        assert.equal(await status(), 404, 'disabled as soon as the call returned');
        const on = await h.gh().call('routes.toggle', { id: 'app.test', enabled: true });
        assert.equal(on.status, 200);
        assert.equal(await status(), 200, 'enabled as soon as the call returned');
      }
    },
  );
});

/**
 * Seen once in CI (the dashboard test "a broken hand edit … keeps the routes"): the
 * routes.remove handler announced the routes a second time, read from the file a moment
 * after the edit; a hand edit saved in between was then taken off the dashboard by that
 * late, older copy. Each API edit is announced once, by the instance that applied it.
 */
describe('an API edit announces its routes once; a hand edit right after it is not undone', () => {
  const h = instanceRoutingAppTest();

  test('routes.add, routes.toggle and routes.remove each send one routes.changed; the last one seen has the hand edit', async () => {
    const seen: Array<Array<{ id: string }>> = [];
    const ws = new WebSocket(`${h.gh().controlUrl.replace('http:', 'ws:')}/api/events`, { headers: { authorization: `Bearer ${h.gh().token}` } });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { event: string; payload: Array<{ id: string }> };
      if (msg.event === 'routes.changed') seen.push(msg.payload);
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const settle = () => new Promise((r) => setTimeout(r, 400));
    try {
      for (const [method, params] of [
        ['routes.add', { route: { host: 'api.test', target: h.backend().url } }],
        ['routes.toggle', { id: 'api.test', enabled: false }],
        ['routes.remove', { id: 'api.test' }],
      ] as const) {
        const before = seen.length;
        assert.equal((await h.gh().call(method, params)).status, 200, method);
        await settle();
        assert.equal(seen.length - before, 1, `${method}: one routes.changed`);
      }
      // An API edit, and a hand edit saved as soon as it returns.
      assert.equal((await h.gh().call('routes.add', { route: { host: 'v2.test', target: h.backend().url } })).status, 200);
      const config = JSON.parse(fs.readFileSync(h.gh().configPath, 'utf8')) as { routes: unknown[] };
      config.routes.push({ host: 'hand.test', target: h.backend().url });
      fs.writeFileSync(h.gh().configPath, JSON.stringify(config, null, 2));
      const deadline = Date.now() + 10_000;
      while (!seen.at(-1)?.some((r) => r.id === 'hand.test') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      await settle();
      assert.deepEqual(
        seen.at(-1)!.map((r) => r.id),
        ['app.test', 'v2.test', 'hand.test'],
        'the last announcement is the file as it is now',
      );
    } finally {
      ws.close();
    }
  });
});
