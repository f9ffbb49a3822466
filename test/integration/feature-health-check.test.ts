import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startBackend, type Backend } from '../support/backends';
import { startProxy } from '../support/proxy-harness';
import { waitUntil } from '../support/wait-until';

/** A backend whose /health answers `state.health`; everything else 200 with its name. */
async function healthBackend(name: string): Promise<Backend & { state: { health: number } }> {
  const state = { health: 200 };
  const b = await startBackend(
    (req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/health') {
          res.writeHead(state.health);
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(name);
      });
    },
    { name },
  );
  return Object.assign(b, { state });
}

test('active health checks take a failing target out of rotation and put it back when it passes', async (t) => {
  const a = await healthBackend('a');
  const b = await healthBackend('b');
  t.after(() => Promise.all([a.close(), b.close()]));
  const proxy = await startProxy({
    routes: [{ host: 'app.test', targets: [a.url, b.url], healthCheck: { path: '/health', interval: '50ms', expectStatus: [200, 204] } }],
  });
  t.after(() => proxy.close());
  const checks = (x: Backend) => x.seen.filter((s) => s.url === '/health').length;
  const status = () => proxy.engine.routeStatus()[0]!;

  await waitUntil(() => checks(a) > 0 && checks(b) > 0 && status().targets.every((x) => x.check?.ok === true), 'the first passing checks');
  assert.equal(status().healthCheck, '/health');
  assert.equal(header(a, 'user-agent'), 'gatehouse-health-check');

  a.state.health = 503;
  await waitUntil(() => status().targets[0]!.up === false, 'a to be taken out of rotation');
  const down = status().targets[0]!;
  assert.equal(down.check?.ok, false);
  assert.equal(down.check?.lastStatus, 503);
  assert.match(down.lastError ?? '', /health check \/health answered 503/);
  assert.equal(status().allDown, undefined);
  const before = a.seen.filter((s) => s.url === '/x').length;
  for (let i = 0; i < 6; i++) assert.equal((await proxy.text('app.test', '/x')).body, 'b');
  assert.equal(a.seen.filter((s) => s.url === '/x').length, before, 'no request reached the failing target');

  b.state.health = 500;
  await waitUntil(() => status().allDown, 'every target down');

  a.state.health = 204;
  b.state.health = 200;
  await waitUntil(() => status().targets.every((x) => x.up), 'both back in rotation');
  const names = new Set<string>();
  for (let i = 0; i < 6; i++) names.add((await proxy.text('app.test', '/x')).body);
  assert.deepEqual([...names].sort(), ['a', 'b']);
  assert.ok(proxy.logger.lines.some((l) => /out of rotation/.test(l)));
  assert.ok(proxy.logger.lines.some((l) => /back in rotation/.test(l)));
});

test('health checks stop on applyConfig without them (targets back in rotation) and on stop: no more checks', async (t) => {
  const a = await healthBackend('a');
  t.after(() => a.close());
  a.state.health = 500;
  const proxy = await startProxy({ routes: [{ host: 'app.test', target: a.url, healthCheck: { path: '/health', interval: 50 } }] });
  let closed = false;
  t.after(() => (closed ? undefined : proxy.close()));
  await waitUntil(() => proxy.engine.routeStatus()[0]!.targets[0]!.up === false, 'the failing check');
  proxy.engine.applyConfig({ routes: [{ host: 'app.test', target: a.url }] });
  const st = proxy.engine.routeStatus()[0]!;
  assert.equal(st.targets[0]!.up, true, 'the check no longer holds the target down');
  assert.equal(st.targets[0]!.check, undefined);
  assert.equal((await proxy.text('app.test', '/x')).body, 'a');
  const after = a.seen.filter((s) => s.url === '/health').length;
  // Re-enable with a passing check, then stop the engine: the timers must be gone.
  a.state.health = 200;
  proxy.engine.applyConfig({ routes: [{ host: 'app.test', target: a.url, healthCheck: { path: '/health', interval: 50 } }] });
  await waitUntil(() => a.seen.filter((s) => s.url === '/health').length > after, 'checks to resume');
  await proxy.close();
  closed = true;
  const atStop = a.seen.filter((s) => s.url === '/health').length;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(a.seen.filter((s) => s.url === '/health').length, atStop, 'no check after stop()');
});

function header(b: Backend, name: string): string | undefined {
  const s = b.seen.find((x) => x.url === '/health');
  return s?.headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

test('a passing health check ends a refused request\'s down period: back in rotation and reported up without a request', async (t) => {
  const first = await healthBackend('a');
  const port = Number(new URL(first.url).port);
  let again: Backend | undefined;
  t.after(async () => {
    await first.close().catch(() => {});
    await again?.close();
  });
  const proxy = await startProxy({ routes: [{ host: 'app.test', target: first.url, healthCheck: { path: '/health', interval: '50ms' } }] });
  t.after(() => proxy.close());
  const target = () => proxy.engine.routeStatus()[0]!.targets[0]!;
  await waitUntil(() => target().check?.ok === true, 'the first passing check');
  await first.close();
  assert.equal((await proxy.text('app.test', '/x', { accept: 'application/json' })).status, 502);
  assert.equal(target().failing, true, 'the refused request marks it failing');
  again = await startBackend(undefined, { name: 'a', port });
  await waitUntil(() => target().check?.ok === true && target().up, 'a passing check after the restart');
  assert.equal(target().failing, false);
});
