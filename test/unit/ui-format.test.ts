import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatAddressPort } from '../../renderer/src/model/format';

test('addresses with a port: IPv6 in brackets, as in a URL', () => {
  assert.equal(formatAddressPort('::1', 40140), '[::1]:40140');
  assert.equal(formatAddressPort('fe80::1%eth0', 80), '[fe80::1%eth0]:80');
  assert.equal(formatAddressPort('::ffff:127.0.0.1', 5000), '[::ffff:127.0.0.1]:5000');
  assert.equal(formatAddressPort('127.0.0.1', 5000), '127.0.0.1:5000');
  assert.equal(formatAddressPort('[::1]', 1), '[::1]:1', 'already bracketed');
});
