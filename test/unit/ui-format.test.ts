import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatAddressPort, formatDuration } from '../../renderer/src/model/format';

test('addresses with a port: IPv6 in brackets, as in a URL', () => {
  assert.equal(formatAddressPort('::1', 40140), '[::1]:40140');
  assert.equal(formatAddressPort('fe80::1%eth0', 80), '[fe80::1%eth0]:80');
  assert.equal(formatAddressPort('::ffff:127.0.0.1', 5000), '[::ffff:127.0.0.1]:5000');
  assert.equal(formatAddressPort('127.0.0.1', 5000), '127.0.0.1:5000');
  assert.equal(formatAddressPort('[::1]', 1), '[::1]:1', 'already bracketed');
});

test('durations: whole milliseconds from 1 ms, a zero is "0 ms", below 1 ms two decimals at most', () => {
  assert.equal(formatDuration(0), '0 ms');
  assert.equal(formatDuration(0.001), '< 0.01 ms');
  assert.equal(formatDuration(0.5), '0.5 ms');
  assert.equal(formatDuration(0.423), '0.42 ms');
  assert.equal(formatDuration(0.999), '1 ms');
  assert.equal(formatDuration(3.4), '3 ms');
  assert.equal(formatDuration(1250), '1.25 s');
  assert.equal(formatDuration(125_000), '2 m 5 s');
  assert.equal(formatDuration(undefined), '');
  assert.equal(formatDuration(-1), '');
});
