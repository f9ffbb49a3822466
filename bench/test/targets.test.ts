import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { frameTarget, withPinnedAb } from '../targets';

test('frame times are judged at 5k exchanges/s: proxied when the proxy got there, else imported, with the proxied figure beside it', () => {
  const proxiedShort = frameTarget(16.8, 2021, 17.1, 4987);
  assert.equal(proxiedShort.status, 'met');
  assert.match(proxiedShort.figure, /^17\.1 ms at 4987 exchanges\/s imported \(har\.import\); proxied: 16\.8 ms at 2021 exchanges\/s \(below 5k\/s: not conclusive\)$/);

  assert.equal(frameTarget(16.8, 2021, 25, 5003).status, 'not met');
  assert.deepEqual(frameTarget(18, 4990, 30, 5000), { text: 'Renderer: frame time p95 ≤ 20 ms while 5k exchanges/s arrive', figure: '18.0 ms at 4990 exchanges/s', status: 'met' });
  assert.equal(frameTarget(16.8, 2021, 16.9, 3000).status, 'not measured', 'neither reached 5k/s');
  assert.equal(frameTarget(16.8, 2021, undefined, undefined).status, 'not measured');
});

test('the recording target needs the throughput ratio and the pinned A/B to agree', () => {
  const ratioMet = { text: 'Recording costs ≤ 10% of throughput', figure: '1.01× recording off (7719 vs 7619)', status: 'met' as const };
  const both = withPinnedAb(ratioMet, 8.4, 6);
  assert.equal(both.status, 'met');
  assert.equal(both.figure, '1.01× recording off (7719 vs 7619); pinned A/B: CPU per request +8.40% (median of 6 window pairs)');
  assert.equal(withPinnedAb(ratioMet, 35.2, 6).status, 'not met', 'a noisy ratio alone does not meet it');
  assert.equal(withPinnedAb({ ...ratioMet, status: 'not met' }, 3, 6).status, 'not met');
  assert.equal(withPinnedAb({ ...ratioMet, status: 'not measured' }, 3, 6).status, 'met');
  assert.deepEqual(withPinnedAb(ratioMet, undefined, undefined), ratioMet, 'without the A/B the ratio decides');
});
