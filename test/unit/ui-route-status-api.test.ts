/** The API the routes view uses for the engine's route features: cache.purge and the health fields of routes.status. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createApiHandlers, type ConfigPort, type ControlDeps } from '../../main/control/api-handlers';
import { Recorder } from '../../main/recorder/recorder';

function handlers(over: Partial<ControlDeps>) {
  const recorder = new Recorder({ batchMs: 10 });
  const h = createApiHandlers({
    recorder,
    config: {} as ConfigPort,
    currentConfig: () => ({ routes: [] }),
    endpoints: () => ({}),
    info: () => ({ version: 'test', mode: 'headless', pid: process.pid }),
    ...over,
  });
  return { h, close: () => recorder.close() };
}

test('cache.purge calls the engine with the route id, and says not-available without one', async () => {
  const calls: Array<string | undefined> = [];
  const { h, close } = handlers({ purgeCache: (id) => (calls.push(id), id ? 2 : 5) });
  try {
    assert.deepEqual(await h['cache.purge']({ routeId: 'app.test' }), { purged: 2 });
    assert.deepEqual(await h['cache.purge']({}), { purged: 5 });
    assert.deepEqual(calls, ['app.test', undefined]);
    await assert.rejects(h['cache.purge']({ routeId: 7 as unknown as string }), { code: 'bad-request' });
  } finally {
    close();
  }
  const bare = handlers({});
  try {
    await assert.rejects(bare.h['cache.purge']({}), { code: 'not-available' });
  } finally {
    bare.close();
  }
});

test('routes.status passes allDown and the health check result through', async () => {
  const { h, close } = handlers({
    routeStatus: () => [
      { routeId: 'a.test', enabled: true, allDown: true, targets: [{ url: 'http://127.0.0.1:1', up: false, lastError: 'refused', check: { ok: false, lastCheckedAt: 10, lastError: 'ECONNREFUSED' } }] },
      { routeId: 'b.test', enabled: true, targets: [{ url: 'http://127.0.0.1:2', up: true, check: { ok: undefined } }] },
      { routeId: 'c.test', enabled: true, targets: [{ url: 'http://127.0.0.1:3', up: true, answered: true }, { url: 'http://127.0.0.1:4', up: true, check: { ok: true } }] },
      // Its down period is over (the balancer may try it again), but its last request failed.
      { routeId: 'd.test', enabled: true, targets: [{ url: 'http://127.0.0.1:5', up: true, answered: true, failing: true, lastError: 'refused' }] },
    ],
  });
  try {
    assert.deepEqual(await h['routes.status']({}), [
      { id: 'a.test', enabled: true, allDown: true, targets: [{ url: 'http://127.0.0.1:1', health: 'down', lastError: { code: 'upstream-error', message: 'refused' }, check: { ok: false, lastCheckedAt: 10, lastError: 'ECONNREFUSED' } }] },
      // Not marked down, but no answer and no finished check yet: no evidence either way.
      { id: 'b.test', enabled: true, targets: [{ url: 'http://127.0.0.1:2', health: 'unknown', check: {} }] },
      // An answer to a request, or a passing check, makes it "up".
      { id: 'c.test', enabled: true, targets: [{ url: 'http://127.0.0.1:3', health: 'up' }, { url: 'http://127.0.0.1:4', health: 'up', check: { ok: true } }] },
      { id: 'd.test', enabled: true, targets: [{ url: 'http://127.0.0.1:5', health: 'down', lastError: { code: 'upstream-error', message: 'refused' } }] },
    ]);
  } finally {
    close();
  }
});
