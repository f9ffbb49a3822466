import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { hostIsServerName, misdirectedRequest } from '../../main/engine/misdirected';

test('hostIsServerName: case, port and one trailing dot are ignored; anything else differs', () => {
  assert.ok(hostIsServerName('app.test', 'app.test'));
  assert.ok(hostIsServerName('App.TEST:8443', 'app.test'));
  assert.ok(hostIsServerName('app.test.:443', 'APP.test.'));
  assert.ok(!hostIsServerName('api.app.test', 'app.test'));
  assert.ok(!hostIsServerName('app.test', 'api.app.test'));
  assert.ok(!hostIsServerName('app.tesu', 'app.test'));
  assert.ok(!hostIsServerName('[::1]:8443', 'app.test'));
  assert.ok(!hostIsServerName('127.0.0.1', 'app.test'));
});

test('misdirectedRequest: 421 for another host or a route without HTTPS; nothing without SNI or host', () => {
  const https = { id: 'app.test', https: true };
  const plain = { id: 'plain.test', https: false };
  assert.equal(misdirectedRequest('app.test:8443', 'app.test', https), undefined);
  assert.equal(misdirectedRequest('other.test', undefined, https), undefined, 'no SNI: nothing to compare');
  assert.equal(misdirectedRequest('', 'app.test', undefined), undefined, 'no host: left to the 404');
  assert.equal(misdirectedRequest('other.test', 'app.test', undefined)?.status, 421);
  assert.equal(misdirectedRequest('plain.test', 'plain.test', plain)?.code, 'MISDIRECTED_REQUEST');
  assert.equal(misdirectedRequest('plain.test', undefined, plain)?.status, 421);
});
