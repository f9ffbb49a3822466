import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyHeaderOps, compileHeaderOps, fillPlaceholders } from '../../main/engine/features/header-rules';
import { compilePathRewrite, rewriteUrl } from '../../main/engine/features/path-rewrite';
import { RateLimiter } from '../../main/engine/features/rate-limiter';
import { applySecurityHeaders, compileSecurityHeaders } from '../../main/engine/features/security-headers';
import { compileRoute } from '../../main/engine/route-table';
import type { RawHeaders } from '../../shared/http-types';

const values = { remoteAddr: '::1', host: 'app.test', scheme: 'https', route: 'app.test/api' };

test('a route without features compiles to features: undefined (the hot path skips them)', () => {
  const r = compileRoute({ host: 'app.test', target: 'http://127.0.0.1:3000' });
  assert.equal(r.features, undefined);
  assert.equal(r.rewrite, undefined);
  assert.equal(compileHeaderOps({ set: {}, remove: [] }), undefined);
});

test('header ops: remove, set (replacing every copy at the first position), add; input untouched', () => {
  const ops = compileHeaderOps({ set: { 'x-a': 'new', 'X-New': '{scheme}://{host}' }, add: { 'X-B': 'two' }, remove: ['X-Gone', 'x-a'] })!;
  const input: RawHeaders = [['X-A', '1'], ['X-Gone', 'g'], ['X-B', 'one'], ['x-a', '2']];
  const copy = JSON.parse(JSON.stringify(input));
  assert.deepEqual(applyHeaderOps(input, ops, values), [['x-a', 'new'], ['X-B', 'one'], ['X-New', 'https://app.test'], ['X-B', 'two']]);
  assert.deepEqual(input, copy);
});

test('placeholders: all four filled, unknown braces kept, CR/LF values dropped', () => {
  assert.equal(fillPlaceholders('{remote_addr}|{host}|{scheme}|{route}|{other}', values), '::1|app.test|https|app.test/api|{other}');
  const ops = compileHeaderOps({ set: { 'X-Host': '{host}' } })!;
  assert.deepEqual(applyHeaderOps([], ops, { ...values, host: 'evil\r\nX-Injected: 1' }), []);
});

test('path rewrite by prefix: segment boundaries, trailing slashes, root prefix', () => {
  const p = compilePathRewrite({ prefix: '/old/', to: '/new' })!;
  assert.equal(p('/old/x'), '/new/x');
  assert.equal(p('/old'), '/new');
  assert.equal(p('/oldx'), '/oldx');
  assert.equal(p('/other'), '/other');
  assert.equal(rewriteUrl(p, '/old/a?b=/old/c'), '/new/a?b=/old/c');
  const root = compilePathRewrite({ prefix: '/', to: '/app' })!;
  assert.equal(root('/x'), '/app/x');
  const strip = compilePathRewrite({ prefix: '/v1', to: '' })!;
  assert.equal(strip('/v1'), '/');
  assert.equal(strip('/v1/x'), '/x');
});

test('path rewrite by regex: capture groups, no match leaves the path, result always starts with /', () => {
  const r = compilePathRewrite({ regex: '^/u/(\\d+)$', to: '/users/$1' })!;
  assert.equal(r('/u/7'), '/users/7');
  assert.equal(r('/u/x'), '/u/x');
  assert.equal(compilePathRewrite({ regex: '^/x/', to: '' })!('/x/y'), '/y');
});

test('security preset: HSTS only on HTTPS, defaults, CSP opt-in, Server / X-Powered-By removed, upstream copies replaced', () => {
  const preset = compileSecurityHeaders(true)!;
  const upstream: RawHeaders = [['Server', 'x'], ['X-Powered-By', 'y'], ['x-frame-options', 'DENY'], ['Content-Type', 'text/html']];
  const http = applySecurityHeaders(upstream, preset, 'http');
  assert.deepEqual(http, [
    ['Content-Type', 'text/html'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'SAMEORIGIN'],
    ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ]);
  const https = applySecurityHeaders([], preset, 'https');
  assert.deepEqual(https[0], ['Strict-Transport-Security', 'max-age=300']);
  const custom = compileSecurityHeaders({ hstsMaxAge: 0, contentSecurityPolicy: "default-src 'self'", frameOptions: 'DENY' })!;
  const c = applySecurityHeaders([], custom, 'https');
  assert.equal(c.find(([n]) => n === 'Strict-Transport-Security'), undefined);
  assert.deepEqual(c.find(([n]) => n === 'X-Frame-Options'), ['X-Frame-Options', 'DENY']);
  assert.deepEqual(c.find(([n]) => n === 'Content-Security-Policy'), ['Content-Security-Policy', "default-src 'self'"]);
  assert.equal(compileSecurityHeaders(false), undefined);
});

test('token bucket: burst at once, then rate per second; per client; Retry-After in whole seconds', () => {
  const l = new RateLimiter({ rate: 2, burst: 3 });
  const t0 = 1_000_000;
  for (let i = 0; i < 3; i++) assert.equal(l.take('a', t0).allowed, true);
  const denied = l.take('a', t0);
  assert.equal(denied.allowed, false);
  assert.equal(denied.retryAfter, 1);
  assert.equal(l.take('b', t0).allowed, true, 'another client has its own bucket');
  assert.equal(l.take('a', t0 + 499).allowed, false);
  assert.equal(l.take('a', t0 + 500).allowed, true, 'half a second refills one token at 2/s');
  assert.equal(l.take('a', t0 + 500).allowed, false);
  assert.equal(l.take('a', t0 + 100_000).allowed, true);
  const slow = new RateLimiter({ rate: 0.1, burst: 1 });
  slow.take('a', t0);
  assert.equal(slow.take('a', t0).retryAfter, 10);
});

test('token bucket per route shares one bucket; default burst is the rate (at least 1)', () => {
  const l = new RateLimiter({ rate: 2, per: 'route' });
  assert.equal(l.burst, 2);
  assert.equal(l.take('a', 0).allowed, true);
  assert.equal(l.take('b', 0).allowed, true);
  assert.equal(l.take('c', 0).allowed, false);
  assert.equal(new RateLimiter({ rate: 0.5 }).burst, 1);
});

test('token bucket memory is bounded: refilled buckets are dropped when many clients appear', () => {
  const l = new RateLimiter({ rate: 1000, burst: 1 });
  for (let i = 0; i < 10_050; i++) l.take(`10.0.${i >> 8}.${i & 255}`, i);
  assert.ok(l.size <= 10_000, String(l.size));
});
