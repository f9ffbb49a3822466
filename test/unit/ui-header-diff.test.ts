import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { diffHeaders, isProxyHeader, summarizeDiff } from '../../renderer/src/model/header-diff';
import type { RawHeaders } from '../../shared/http-types';

test('marks added, changed, removed and unchanged lines, keeping case and order', () => {
  const client: RawHeaders = [
    ['Host', 'app.test'],
    ['User-Agent', 'curl/8'],
    ['X-Forwarded-For', '6.6.6.6'],
    ['Connection', 'keep-alive'],
  ];
  const upstream: RawHeaders = [
    ['Host', 'app.test'],
    ['User-Agent', 'curl/8'],
    ['x-forwarded-for', '6.6.6.6, 127.0.0.1'],
    ['x-forwarded-proto', 'http'],
    ['via', '1.1 gatehouse'],
  ];
  const rows = diffHeaders(client, upstream);
  assert.deepEqual(
    rows.map((r) => [r.key, r.change, r.notable]),
    [
      ['host', 'same', true],
      ['user-agent', 'same', false],
      ['x-forwarded-for', 'changed', true],
      ['connection', 'removed', false],
      ['x-forwarded-proto', 'added', true],
      ['via', 'added', true],
    ],
  );
  const xff = rows[2]!;
  assert.equal(xff.leftName, 'X-Forwarded-For');
  assert.equal(xff.rightName, 'x-forwarded-for');
  assert.equal(xff.leftValue, '6.6.6.6');
  assert.equal(xff.rightValue, '6.6.6.6, 127.0.0.1');
  assert.equal(rows[3]!.rightValue, undefined);
  assert.equal(rows[4]!.leftValue, undefined);
  assert.deepEqual(summarizeDiff(rows), { added: 2, changed: 1, removed: 1 });
});

test('pairs repeated headers by position', () => {
  const rows = diffHeaders(
    [
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ],
    [['set-cookie', 'a=1']],
  );
  assert.deepEqual(
    rows.map((r) => [r.change, r.leftValue, r.rightValue]),
    [
      ['same', 'a=1', 'a=1'],
      ['removed', 'b=2', undefined],
    ],
  );
});

test('does not mutate its inputs and handles empty lists', () => {
  const left: RawHeaders = [['A', '1']];
  const frozen = JSON.stringify(left);
  assert.deepEqual(diffHeaders([], []), []);
  assert.equal(diffHeaders(left, [])[0]!.change, 'removed');
  assert.equal(diffHeaders([], left)[0]!.change, 'added');
  assert.equal(JSON.stringify(left), frozen);
});

test('knows which headers a proxy touches', () => {
  for (const h of ['Host', 'X-Forwarded-Host', 'Forwarded', 'Via', ':authority']) assert.ok(isProxyHeader(h), h);
  for (const h of ['Accept', 'Cookie', 'X-Forwarded']) assert.ok(!isProxyHeader(h), h);
});
