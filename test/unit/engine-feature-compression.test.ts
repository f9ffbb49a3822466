import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { chooseEncoding, compressedHeaders, compressible, isCompressibleType, withVaryAcceptEncoding } from '../../main/engine/features/compression';

test('chooseEncoding follows the route preference among codings the client accepts with q > 0', () => {
  assert.equal(chooseEncoding('gzip, deflate, br', ['br', 'gzip']), 'br');
  assert.equal(chooseEncoding('gzip, br;q=0', ['br', 'gzip']), 'gzip');
  assert.equal(chooseEncoding('identity', ['br', 'gzip']), undefined);
  assert.equal(chooseEncoding('*', ['gzip']), 'gzip');
  assert.equal(chooseEncoding('*;q=0', ['gzip']), undefined);
  assert.equal(chooseEncoding('x-gzip', ['gzip']), 'gzip');
  assert.equal(chooseEncoding(undefined, ['gzip']), undefined);
  assert.equal(chooseEncoding('BR', ['gzip', 'br']), 'br');
});

test('compressible types', () => {
  for (const t of ['text/html; charset=utf-8', 'application/json', 'application/problem+json', 'image/svg+xml', 'text/event-stream']) assert.ok(isCompressibleType(t), t);
  for (const t of ['image/png', 'video/mp4', 'application/zip', 'font/woff2', 'application/octet-stream', undefined]) assert.ok(!isCompressibleType(t), String(t));
});

test('compressible: never for HEAD, 204/206/304, encoded, ranged, tiny or no-transform responses', () => {
  const html: [string, string] = ['Content-Type', 'text/html'];
  assert.ok(compressible('GET', 200, [html], 1024));
  assert.ok(!compressible('HEAD', 200, [html], 1024));
  for (const s of [204, 206, 304]) assert.ok(!compressible('GET', s, [html], 1024), String(s));
  assert.ok(!compressible('GET', 200, [html, ['Content-Encoding', 'gzip']], 1024));
  assert.ok(compressible('GET', 200, [html, ['Content-Encoding', 'identity']], 1024));
  assert.ok(!compressible('GET', 200, [html, ['Content-Length', '100']], 1024));
  assert.ok(compressible('GET', 200, [html, ['Content-Length', '1024']], 1024));
  assert.ok(!compressible('GET', 200, [html, ['Cache-Control', 'public, no-transform']], 1024));
});

test('Vary and the compressed head', () => {
  assert.deepEqual(withVaryAcceptEncoding([]), [['Vary', 'Accept-Encoding']]);
  assert.deepEqual(withVaryAcceptEncoding([['vary', 'Origin']]), [['vary', 'Origin, Accept-Encoding']]);
  assert.deepEqual(withVaryAcceptEncoding([['Vary', 'accept-encoding']]), [['Vary', 'accept-encoding']]);
  assert.deepEqual(withVaryAcceptEncoding([['Vary', '*']]), [['Vary', '*']]);
  assert.deepEqual(compressedHeaders([['Content-Length', '9'], ['ETag', '"a"'], ['X', 'y']], 'br'), [['ETag', 'W/"a"'], ['X', 'y'], ['Content-Encoding', 'br']]);
});
