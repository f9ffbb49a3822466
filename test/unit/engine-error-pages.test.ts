import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { AddressMatcher, normalizeClientAddress } from '../../main/engine/address-matcher';
import { prefersJson, renderErrorPage, renderRedirect } from '../../main/engine/error-pages';
import { parseTarget } from '../../main/engine/target';
import { resolveTimeouts } from '../../main/engine/timeouts';
import { classifyUpstreamError } from '../../main/engine/upstream-errors';
import { DEFAULT_TIMEOUTS_MS } from '../../shared/config';

test('Accept negotiation: JSON only when preferred over HTML', () => {
  assert.equal(prefersJson(undefined), false);
  assert.equal(prefersJson('*/*'), false);
  assert.equal(prefersJson('application/json'), true);
  assert.equal(prefersJson('application/json, text/plain, */*'), true);
  assert.equal(prefersJson('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'), false);
  assert.equal(prefersJson('application/json;q=0.5, text/html'), false);
  assert.equal(prefersJson('text/html;q=0.1, application/*'), true);
  assert.equal(prefersJson('application/problem+json'), true);
});

test('HTML page escapes everything and lists routes', () => {
  const page = renderErrorPage(
    { status: 404, code: 'NO_ROUTE', message: 'no route for <script>' },
    { json: false, routes: [{ id: 'app.test/api', targets: ['http://127.0.0.1:4000'], enabled: false }] },
  );
  const html = page.body.toString();
  assert.equal(page.status, 404);
  assert.match(html, /&#60;script&#62;/);
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /app\.test\/api/);
  assert.match(html, /\(disabled\)/);
  assert.deepEqual(page.headers.find(([n]) => n === 'Content-Length'), ['Content-Length', String(page.body.length)]);
  assert.deepEqual(page.headers.find(([n]) => n === 'X-Gatehouse-Error'), ['X-Gatehouse-Error', 'NO_ROUTE']);
});

test('JSON page carries code, message, status and routes', () => {
  const page = renderErrorPage({ status: 502, code: 'UPSTREAM_REFUSED', message: 'nothing' }, { json: true, routes: [], close: true });
  assert.deepEqual(JSON.parse(page.body.toString()), { error: { status: 502, code: 'UPSTREAM_REFUSED', message: 'nothing', routes: [] } });
  assert.ok(page.headers.some(([n, v]) => n === 'Connection' && v === 'close'));
  assert.equal(renderRedirect('https://a.test/x').headers[0]![1], 'https://a.test/x');
});

test('upstream errors map to coded errors with a status, in one place', () => {
  const t = parseTarget({ url: 'http://127.0.0.1:3000' });
  const e = (code: string) => Object.assign(new Error(code), { code });
  const refused = classifyUpstreamError(e('ECONNREFUSED'), t);
  assert.deepEqual(
    [refused.code, refused.status, refused.markDown, refused.connectPhase],
    ['UPSTREAM_REFUSED', 502, true, true],
  );
  assert.equal(refused.message, 'nothing is listening on 127.0.0.1:3000 — is your dev server running?');
  assert.equal(classifyUpstreamError(e('UND_ERR_HEADERS_TIMEOUT'), t, { headersTimeoutMs: 60_000 }).status, 504);
  assert.match(classifyUpstreamError(e('UND_ERR_HEADERS_TIMEOUT'), t, { headersTimeoutMs: 60_000 }).message, /within 60 s/);
  assert.equal(classifyUpstreamError(e('UND_ERR_CONNECT_TIMEOUT'), t).code, 'UPSTREAM_CONNECT_TIMEOUT');
  assert.equal(classifyUpstreamError(e('ECONNRESET'), t).code, 'UPSTREAM_RESET');
  assert.equal(classifyUpstreamError(e('ECONNRESET'), t).connectPhase, false);
  assert.equal(classifyUpstreamError(e('DEPTH_ZERO_SELF_SIGNED_CERT'), t).code, 'UPSTREAM_TLS');
  assert.match(classifyUpstreamError(e('DEPTH_ZERO_SELF_SIGNED_CERT'), t).message, /verifyTls/);
  assert.equal(classifyUpstreamError(e('ENOTFOUND'), t).code, 'UPSTREAM_DNS');
  assert.equal(classifyUpstreamError(new Error('weird'), t).code, 'UPSTREAM_ERROR');
  const agg = Object.assign(new AggregateError([e('ECONNREFUSED'), e('ECONNREFUSED')]), {});
  assert.equal(classifyUpstreamError(agg, t).code, 'UPSTREAM_REFUSED');
  const unix = parseTarget({ url: 'unix:/tmp/none.sock' });
  assert.equal(classifyUpstreamError(e('ENOENT'), unix).message, 'nothing is listening on unix:/tmp/none.sock — is your dev server running?');
});

test('trusted proxies: IPs and CIDRs, IPv4-mapped clients', () => {
  const m = AddressMatcher.compile(['10.0.0.0/8', '::1', '192.168.1.7']);
  assert.ok(m.has('10.200.1.1'));
  assert.ok(m.has('::ffff:10.0.0.5'));
  assert.ok(m.has('::1'));
  assert.ok(m.has('192.168.1.7'));
  assert.ok(!m.has('192.168.1.8'));
  assert.ok(!m.has('127.0.0.1'));
  assert.ok(!AddressMatcher.compile(undefined).has('127.0.0.1'));
  assert.throws(() => AddressMatcher.compile(['10.0.0.0/33']), { code: 'INVALID_TRUSTED_PROXY' });
  assert.throws(() => AddressMatcher.compile(['nope']), { code: 'INVALID_TRUSTED_PROXY' });
  assert.equal(normalizeClientAddress('::ffff:127.0.0.1'), '127.0.0.1');
});

test('timeouts: defaults, durations, numbers', () => {
  assert.deepEqual(resolveTimeouts(undefined), DEFAULT_TIMEOUTS_MS);
  const t = resolveTimeouts({ upstreamHeaders: '2s', keepAlive: 100, upstreamConnect: '1m' });
  assert.equal(t.upstreamHeaders, 2000);
  assert.equal(t.keepAlive, 100);
  assert.equal(t.upstreamConnect, 60_000);
  assert.equal(t.requestHeaders, DEFAULT_TIMEOUTS_MS.requestHeaders);
});
