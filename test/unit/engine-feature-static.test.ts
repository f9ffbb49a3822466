import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { contentTypeFor } from '../../main/engine/features/content-types';
import { etagFor, parseRange, safeSegments } from '../../main/engine/features/static-files';
import { compileRoute } from '../../main/engine/route-table';

test('safeSegments decodes once and refuses dot segments, encoded separators, NUL and bad escapes', () => {
  assert.deepEqual(safeSegments('/a/b%20c//d/'), ['a', 'b c', 'd']);
  for (const bad of ['/..', '/a/../b', '/%2e%2e/x', '/%2E%2e', '/.', '/a%2fb', '/a%5cb', '/a\\b', '/%00', '/%zz']) {
    assert.equal(safeSegments(bad), null, bad);
  }
  assert.deepEqual(safeSegments('/%252e%252e'), ['%2e%2e'], 'decoded once only: a literal file name');
});

test('parseRange: single ranges, suffix, open end, clamping, unsatisfiable, ignored forms', () => {
  assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
  assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-500', 100), { start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=50-500', 100), { start: 50, end: 99 });
  assert.equal(parseRange('bytes=100-', 100), 'unsatisfiable');
  assert.equal(parseRange('bytes=9-3', 100), 'unsatisfiable');
  assert.equal(parseRange('bytes=-0', 100), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-1,5-6', 100), 'none');
  assert.equal(parseRange('items=0-1', 100), 'none');
  assert.equal(parseRange(undefined, 100), 'none');
});

test('content types and weak ETags', () => {
  assert.equal(contentTypeFor('/x/APP.JS'), 'text/javascript; charset=utf-8');
  assert.equal(contentTypeFor('a.wasm'), 'application/wasm');
  assert.equal(contentTypeFor('Makefile'), 'application/octet-stream');
  assert.equal(etagFor({ size: 255, mtimeMs: 4096.7 }), 'W/"ff-1000"');
});

test('a file: target compiles to a static root resolved against the base directory, with no upstream targets', () => {
  const r = compileRoute({ host: 'static.test', target: 'file:./dist', spa: true }, '/srv/site');
  assert.equal(r.staticRoot, '/srv/site/dist');
  assert.equal(r.spa, true);
  assert.deepEqual(r.targets, []);
  assert.equal(compileRoute({ host: 's.test', target: 'file:///var/www' }).staticRoot, '/var/www');
  assert.equal(compileRoute({ host: 'a.test', target: 'http://127.0.0.1:1' }).staticRoot, undefined);
});
