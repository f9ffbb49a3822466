import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Balancer, hashAddress, UpstreamHealth } from '../../main/engine/balancer';

function members(weights: number[]) {
  return weights.map((weight) => ({ health: new UpstreamHealth(), weight }));
}

function picks(b: Balancer, n: number, ip = '10.0.0.1'): number[] {
  return Array.from({ length: n }, () => b.pick(ip));
}

test('round-robin cycles through targets', () => {
  const b = new Balancer('round-robin', members([1, 1, 1]));
  assert.deepEqual(picks(b, 6), [0, 1, 2, 0, 1, 2]);
});

test('round-robin skips a down target and returns it once it is up again', () => {
  const m = members([1, 1, 1]);
  const b = new Balancer('round-robin', m);
  m[1]!.health.markDown('refused', 1_000, 5_000);
  const now = 2_000;
  assert.deepEqual(Array.from({ length: 4 }, () => b.pick('x', undefined, now)), [0, 2, 2, 0]);
  assert.equal(m[1]!.health.isUp(6_000), true);
});

test('failover order: untried up targets first, then down ones soonest-recovering first, then -1', () => {
  const m = members([1, 1, 1]);
  const b = new Balancer('round-robin', m);
  m[0]!.health.markDown('x', 0, 9_000);
  m[2]!.health.markDown('x', 0, 3_000);
  const tried = new Set<number>();
  const order: number[] = [];
  for (let i = b.pick('x', tried, 1); i >= 0; i = b.pick('x', tried, 1)) {
    order.push(i);
    tried.add(i);
  }
  assert.deepEqual(order, [1, 2, 0]);
});

test('a single target is always tried, even while marked down', () => {
  const m = members([1]);
  m[0]!.health.markDown('x', Date.now());
  const b = new Balancer('round-robin', m);
  assert.equal(b.pick('x'), 0);
  assert.equal(b.pick('x', new Set([0])), -1);
});

test('least-connections picks the target with fewest requests in flight', () => {
  const m = members([1, 1, 1]);
  m[0]!.health.active = 3;
  m[1]!.health.active = 1;
  m[2]!.health.active = 2;
  const b = new Balancer('least-connections', m);
  assert.equal(b.pick('x'), 1);
  m[1]!.health.active = 5;
  assert.equal(b.pick('x'), 2);
  // Ties rotate.
  for (const x of m) x.health.active = 0;
  assert.deepEqual(new Set(picks(b, 3)), new Set([0, 1, 2]));
});

test('ip-hash is sticky per client and moves on when its target is down', () => {
  const m = members([1, 1, 1, 1]);
  const b = new Balancer('ip-hash', m);
  const a = picks(b, 5, '192.168.1.10');
  assert.equal(new Set(a).size, 1);
  assert.equal(a[0], hashAddress('192.168.1.10') % 4);
  const spread = new Set(['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4', '5.5.5.5', '6.6.6.6', '7.7.7.7', '8.8.8.8'].map((ip) => b.pick(ip)));
  assert.ok(spread.size >= 2, 'different clients spread over targets');
  m[a[0]!]!.health.markDown('x', Date.now());
  const moved = b.pick('192.168.1.10');
  assert.notEqual(moved, a[0]);
  assert.equal(moved, (a[0]! + 1) % 4);
});

test('weighted is smooth: 5:1:1 interleaves instead of bursting', () => {
  const b = new Balancer('weighted', members([5, 1, 1]));
  const seq = picks(b, 7);
  assert.deepEqual(seq, [0, 0, 1, 0, 2, 0, 0]);
  const counts = [0, 0, 0];
  for (const i of picks(b, 700)) counts[i]!++;
  assert.deepEqual(counts, [500, 100, 100]);
});

test('weighted skips down targets', () => {
  const m = members([3, 1]);
  m[0]!.health.markDown('x', Date.now());
  const b = new Balancer('weighted', m);
  assert.deepEqual(picks(b, 3), [1, 1, 1]);
});
