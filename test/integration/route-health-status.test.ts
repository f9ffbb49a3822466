import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { request } from 'undici';
import { DOWN_FOR_MS } from '../../main/engine/balancer';
import { deadPort, startBackend } from '../support/backends';
import { startTestInstance } from '../support/instance-harness';

/**
 * routes.status (the dashboard's health dots): "up" needs evidence. A target nobody has sent a
 * request to, without a health check, is "unknown": a dead one used to show a green "up" dot
 * until a request failed, while doctor already said ECONNREFUSED.
 */
test('a target is "unknown" until it answers or fails, then "up" or "down"', async (t) => {
  const backend = await startBackend(undefined, { name: 'live' });
  t.after(() => backend.close());
  const dead = await deadPort();
  const gh = await startTestInstance({
    routes: [
      { host: 'live.test', target: backend.url, https: false },
      { host: 'dead.test', target: `http://127.0.0.1:${dead}`, https: false },
    ],
  });
  t.after(() => gh.close());
  const health = async () => {
    const r = await gh.call('routes.status');
    assert.equal(r.status, 200);
    return Object.fromEntries((r.body.result as Array<{ id: string; targets: Array<{ health: string }> }>).map((s) => [s.id, s.targets[0]!.health]));
  };
  assert.deepEqual(await health(), { 'live.test': 'unknown', 'dead.test': 'unknown' });

  const port = gh.instance.info().httpPort!;
  const live = await request(`http://127.0.0.1:${port}/`, { headers: { host: 'live.test' } });
  assert.equal(live.statusCode, 200);
  await live.body.dump();
  const down = await request(`http://127.0.0.1:${port}/`, { headers: { host: 'dead.test' } });
  assert.equal(down.statusCode, 502);
  await down.body.dump();
  assert.deepEqual(await health(), { 'live.test': 'up', 'dead.test': 'down' });
});

test('a dev server that stops stays "down" after the balancer starts trying it again, until it answers', async (t) => {
  const first = await startBackend(undefined, { name: 'dev' });
  const port = Number(new URL(first.url).port);
  let again: Awaited<ReturnType<typeof startBackend>> | undefined;
  t.after(async () => {
    await first.close().catch(() => {});
    await again?.close();
  });
  const gh = await startTestInstance({ routes: [{ host: 'dev.test', target: first.url, https: false }] });
  t.after(() => gh.close());
  const health = async () => {
    const r = await gh.call('routes.status');
    return (r.body.result as Array<{ targets: Array<{ health: string }> }>)[0]!.targets[0]!.health;
  };
  const get = async () => {
    const r = await request(`http://127.0.0.1:${gh.instance.info().httpPort!}/`, { headers: { host: 'dev.test' } });
    await r.body.dump();
    return r.statusCode;
  };
  assert.equal(await get(), 200);
  assert.equal(await health(), 'up');

  await first.close(); // the user stops `npm run dev`
  assert.equal(await get(), 502);
  assert.equal(await health(), 'down');
  // The passive down period (DOWN_FOR_MS) runs out: the balancer may try the target again, but
  // nothing has answered since the failure, so it is still reported down, not green again.
  await new Promise((r) => setTimeout(r, DOWN_FOR_MS + 300));
  assert.equal(await health(), 'down');

  again = await startBackend(undefined, { name: 'dev', port }); // and starts it again
  assert.equal(await get(), 200);
  assert.equal(await health(), 'up');
});
