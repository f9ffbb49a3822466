import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { headBlockValue, parseHeadBlock } from '../../shared/raw-headers';
import { headersBytes, readHeaders, storeHeaders } from '../../main/recorder/recorded-exchange';

const HEAD =
  'GET /a?b=1 HTTP/1.1\r\nhost: app.test\r\nconnection: keep-alive\r\nX-Forwarded-For: 10.0.0.1, 127.0.0.1\r\n' +
  'Content-Type:  text/html; charset=utf-8 \r\nx-empty:\r\nnot a header line\r\nset-cookie: a=1\r\nset-cookie: b=2\r\n';

test('parseHeadBlock keeps order, case, repeats and empty values, skips the start line and junk', () => {
  assert.deepEqual(parseHeadBlock(HEAD), [
    ['host', 'app.test'],
    ['connection', 'keep-alive'],
    ['X-Forwarded-For', '10.0.0.1, 127.0.0.1'],
    ['Content-Type', 'text/html; charset=utf-8'],
    ['x-empty', ''],
    ['set-cookie', 'a=1'],
    ['set-cookie', 'b=2'],
  ]);
  // Node's response head ends with an empty line; undici's request head does not.
  assert.deepEqual(parseHeadBlock('HTTP/1.1 200 OK\r\nDate: x\r\n\r\n'), [['Date', 'x']]);
  assert.deepEqual(parseHeadBlock('HTTP/1.1 204 No Content'), []);
  assert.deepEqual(parseHeadBlock(''), []);
  // A value may itself contain colons.
  assert.deepEqual(parseHeadBlock('GET / HTTP/1.1\r\nReferer: http://a:1/x\r\n'), [['Referer', 'http://a:1/x']]);
});

test('headBlockValue finds the first value case-insensitively without matching prefixes', () => {
  assert.equal(headBlockValue(HEAD, 'content-type'), 'text/html; charset=utf-8');
  assert.equal(headBlockValue(HEAD, 'SET-COOKIE'), 'a=1');
  assert.equal(headBlockValue(HEAD, 'x-empty'), '');
  assert.equal(headBlockValue(HEAD, 'content'), undefined);
  assert.equal(headBlockValue(HEAD, 'x-forwarded'), undefined);
  assert.equal(headBlockValue(HEAD, 'GET /a?b=1 HTTP/1.1'.slice(0, 3)), undefined, 'the start line is not a header');
  assert.equal(headBlockValue(HEAD, 'missing'), undefined);
});

test('stored header sets read back as the pairs they were, whichever form they arrived in', () => {
  const pairs: [string, string][] = [
    ['Host', 'app.test'],
    ['Accept', '*/*'],
    ['accept', 'text/html'],
    ['X-Empty', ''],
    ['Referer', 'http://a:1/x?y=z'],
  ];
  const stored = storeHeaders(pairs);
  assert.equal(typeof stored, 'string', 'pairs a head can carry are kept as one string');
  assert.deepEqual(readHeaders(stored), pairs);
  assert.notEqual(readHeaders(stored), pairs, 'a fresh copy');
  assert.deepEqual(readHeaders(storeHeaders([])), []);
  assert.equal(storeHeaders(HEAD), HEAD, 'a serialised head is kept as the string it is');
  assert.deepEqual(readHeaders(HEAD), parseHeadBlock(HEAD));
  assert.ok(headersBytes(stored) > 'Hostapp.testAccept*/*accepttext/html'.length);
  assert.ok(headersBytes(HEAD) >= HEAD.length);
  assert.equal(headersBytes(undefined), 0);
});

test('pairs a head line cannot carry exactly (imported HAR files) are kept as they are', () => {
  for (const odd of [
    ['X-Padded', '  spaced  '],
    ['X-Multi', 'a\r\nInjected: yes'],
    ['Bad:Name', 'v'],
    ['', 'no name'],
    [' Lead', 'v'],
  ] as [string, string][]) {
    const pairs: [string, string][] = [['Host', 'app.test'], odd];
    const stored = storeHeaders(pairs);
    assert.ok(Array.isArray(stored), `${JSON.stringify(odd)} falls back to the flat form`);
    assert.deepEqual(readHeaders(stored), pairs, `${JSON.stringify(odd)} reads back exactly`);
  }
});

test('HTTP/2 pseudo-headers fit a head block: the name ends at the first colon after its first character', () => {
  const pairs: [string, string][] = [
    [':method', 'GET'],
    [':path', '/a?b=1:2'],
    [':scheme', 'https'],
    [':authority', 'app.test:8443'],
    ['user-agent', 'curl/8'],
  ];
  const stored = storeHeaders(pairs);
  assert.equal(typeof stored, 'string', 'an HTTP/2 request is held as one string, as an HTTP/1 one is');
  assert.deepEqual(readHeaders(stored), pairs);
  assert.equal(headBlockValue(stored as string, ':authority'), 'app.test:8443');
  assert.equal(headBlockValue(stored as string, ':path'), '/a?b=1:2');
  assert.equal(headBlockValue(stored as string, 'authority'), undefined, 'a pseudo-header is not the header without its colon');
  // Names a head line still cannot carry: a lone colon, a colon after the first character, a blank after the colon.
  for (const name of [':', '::x', ': x', ':a:b']) {
    const odd: [string, string][] = [['Host', 'app.test'], [name, 'v']];
    const kept = storeHeaders(odd);
    assert.ok(Array.isArray(kept), `${JSON.stringify(name)} falls back to the flat form`);
    assert.deepEqual(readHeaders(kept), odd);
  }
});
