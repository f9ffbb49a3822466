import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { request } from 'undici';
import { startBackend, type Backend } from '../support/backends';
import { startTestInstance, type TestInstance } from '../support/instance-harness';

/**
 * Found by the soak test (fixed in 42730e2): a route change made through the control API is in
 * effect when the call returns (a client that toggles a route off and then
 * requests it must not be served by it).
 */
describe('control API route changes take effect before the call returns', () => {
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

  const status = async () => {
    const r = await request(`http://127.0.0.1:${gh.instance.engine.httpPort}/`, { headers: { host: 'app.test' } });
    await r.body.text();
    return r.statusCode;
  };

  test(
    'routes.toggle off, then an immediate request is not forwarded',
    async () => {
      assert.equal(await status(), 200);
      for (let i = 0; i < 5; i++) {
        const off = await gh.call('routes.toggle', { id: 'app.test', enabled: false });
        assert.equal(off.status, 200);
        assert.equal(await status(), 404, 'disabled as soon as the call returned');
        const on = await gh.call('routes.toggle', { id: 'app.test', enabled: true });
        assert.equal(on.status, 200);
        assert.equal(await status(), 200, 'enabled as soon as the call returned');
      }
    },
  );
});
