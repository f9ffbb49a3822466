import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { BandwidthPacer, compileNetworkConditions } from '../../main/engine/features/throttle';

test('network conditions compile to undefined when unused', () => {
  assert.equal(compileNetworkConditions(undefined, undefined), undefined);
  assert.equal(compileNetworkConditions('0ms', undefined), undefined);
  assert.deepEqual(compileNetworkConditions('200ms', undefined), { latencyMs: 200, bytesPerSecond: 0 });
  assert.deepEqual(compileNetworkConditions(undefined, 1000), { latencyMs: 0, bytesPerSecond: 1000 });
});

test('the pacer holds back the time the bytes sent so far should have taken', () => {
  const p = new BandwidthPacer(1000, 0);
  assert.equal(p.delayAfter(500, 0), 500);
  assert.equal(p.delayAfter(500, 500), 500);
  assert.equal(p.delayAfter(500, 3000), 0, 'behind schedule: no wait');
});
