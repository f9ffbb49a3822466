import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compileHealthCheck, statusAccepted } from '../../main/engine/features/health-checker';
import { UpstreamHealth } from '../../main/engine/balancer';

test('health check config: defaults, durations, expected statuses', () => {
  const d = compileHealthCheck({ path: '/health' })!;
  assert.deepEqual({ ...d, expect: [...d.expect] }, { path: '/health', intervalMs: 10_000, timeoutMs: 2_000, expect: [] });
  assert.equal(compileHealthCheck({ path: '/h', interval: '5s' })!.intervalMs, 5_000);
  assert.ok(statusAccepted(d, 200) && statusAccepted(d, 302) && !statusAccepted(d, 404) && !statusAccepted(d, 500));
  const only = compileHealthCheck({ path: '/h', expectStatus: 204 })!;
  assert.ok(statusAccepted(only, 204) && !statusAccepted(only, 200));
  assert.equal(compileHealthCheck(undefined), undefined);
});

test('a failing active check keeps a target down regardless of passive recovery', () => {
  const h = new UpstreamHealth();
  h.checkFailing = true;
  h.markUp();
  assert.equal(h.isUp(Date.now()), false);
  h.checkFailing = false;
  assert.equal(h.isUp(Date.now()), true);
});
