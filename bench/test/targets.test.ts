import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { frameTarget } from '../targets';

test('frame times are judged at 5k exchanges/s: proxied when the proxy got there, else imported, with the proxied figure beside it', () => {
  const proxiedShort = frameTarget(16.8, 2021, 17.1, 4987);
  assert.equal(proxiedShort.status, 'met');
  assert.match(proxiedShort.figure, /^17\.1 ms at 4987 exchanges\/s imported \(har\.import\); proxied: 16\.8 ms at 2021 exchanges\/s \(below 5k\/s: not conclusive\)$/);

  assert.equal(frameTarget(16.8, 2021, 25, 5003).status, 'not met');
  assert.deepEqual(frameTarget(18, 4990, 30, 5000), { text: 'Renderer: frame time p95 ≤ 20 ms while 5k exchanges/s arrive', figure: '18.0 ms at 4990 exchanges/s', status: 'met' });
  assert.equal(frameTarget(16.8, 2021, 16.9, 3000).status, 'not measured', 'neither reached 5k/s');
  assert.equal(frameTarget(16.8, 2021, undefined, undefined).status, 'not measured');
});
