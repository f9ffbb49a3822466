import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { normalizeHost, pathMatches, RouteTable, shouldVerifyTls, upstreamPath } from '../../main/engine/route-table';
import { isLoopbackHost, parseTarget } from '../../main/engine/target';

const T = 'http://127.0.0.1:3000';

function id(table: RouteTable, host: string, url: string): string | undefined {
  return table.match(host, url)?.id;
}

test('exact host, case-insensitive, port and trailing dot ignored', () => {
  const t = RouteTable.compile([{ host: 'App.Test', target: T }]);
  assert.equal(id(t, 'app.test', '/'), 'app.test');
  assert.equal(id(t, 'APP.TEST:8080', '/x'), 'app.test');
  assert.equal(id(t, 'app.test.', '/'), 'app.test');
  assert.equal(id(t, 'other.test', '/'), undefined);
  assert.equal(id(t, 'x.app.test', '/'), undefined);
});

test('wildcards match any depth, never the bare domain; most specific wins; exact beats wildcard', () => {
  const t = RouteTable.compile([
    { host: '*.app.test', target: T },
    { host: '*.b.app.test', target: T },
    { host: 'x.app.test', target: T },
  ]);
  assert.equal(id(t, 'y.app.test', '/'), '*.app.test');
  assert.equal(id(t, 'a.c.app.test', '/'), '*.app.test');
  assert.equal(id(t, 'a.b.app.test', '/'), '*.b.app.test');
  assert.equal(id(t, 'deep.a.b.app.test', '/'), '*.b.app.test');
  assert.equal(id(t, 'x.app.test', '/'), 'x.app.test');
  assert.equal(id(t, 'app.test', '/'), undefined);
  assert.equal(id(t, 'X.APP.TEST:443', '/'), 'x.app.test');
});

test('longest path prefix on segment boundaries', () => {
  const t = RouteTable.compile([
    { host: 'app.test', target: T },
    { host: 'app.test', path: '/api', target: T },
    { host: 'app.test', path: '/api/v2/', target: T },
  ]);
  assert.equal(id(t, 'app.test', '/api'), 'app.test/api');
  assert.equal(id(t, 'app.test', '/api/x'), 'app.test/api');
  assert.equal(id(t, 'app.test', '/api?x=1'), 'app.test/api');
  assert.equal(id(t, 'app.test', '/apix'), 'app.test');
  assert.equal(id(t, 'app.test', '/api/v2'), 'app.test/api/v2');
  assert.equal(id(t, 'app.test', '/api/v2/users'), 'app.test/api/v2');
  assert.equal(id(t, 'app.test', '/api/v20'), 'app.test/api');
  assert.equal(id(t, 'app.test', '/'), 'app.test');
});

test('a more specific host without a matching path falls back to a wildcard', () => {
  const t = RouteTable.compile([
    { host: 'x.app.test', path: '/admin', target: T },
    { host: '*.app.test', target: T },
  ]);
  assert.equal(id(t, 'x.app.test', '/admin/1'), 'x.app.test/admin');
  assert.equal(id(t, 'x.app.test', '/'), '*.app.test');
});

test('a disabled route never serves, and its requests are not handed to a less specific route', () => {
  const t = RouteTable.compile([
    { host: 'app.test', target: T },
    { host: 'app.test', path: '/api', target: T, enabled: false },
    { host: 'shop.test', targets: [T], enabled: false },
    { host: 'x.site.test', target: T, enabled: false },
    { host: '*.site.test', target: T },
  ]);
  // The switched-off /api route still claims /api: a 404 that names it, not app.test's server.
  assert.equal(id(t, 'app.test', '/api/x'), undefined);
  assert.equal(t.matchIncludingDisabled('app.test', '/api/x')?.id, 'app.test/api');
  assert.equal(id(t, 'app.test', '/apix'), 'app.test');
  assert.equal(id(t, 'app.test', '/'), 'app.test');
  assert.equal(id(t, 'shop.test', '/'), undefined);
  assert.equal(t.matchIncludingDisabled('shop.test', '/')?.id, 'shop.test');
  // Nor is a switched-off exact host handed to the wildcard.
  assert.equal(id(t, 'x.site.test', '/'), undefined);
  assert.equal(t.matchIncludingDisabled('x.site.test', '/')?.id, 'x.site.test');
  assert.equal(id(t, 'y.site.test', '/'), '*.site.test');
  assert.equal(t.routes.length, 5);
});

test('first of two identical routes wins', () => {
  const t = RouteTable.compile([
    { host: 'app.test', target: 'http://127.0.0.1:1' },
    { host: 'app.test', target: 'http://127.0.0.1:2' },
  ]);
  assert.equal(t.match('app.test', '/')?.targets[0]?.port, 1);
});

test('prefix stripping keeps the query; target base paths are prepended', () => {
  const route = { path: '/api', stripPath: true };
  const none = { basePath: '' };
  assert.equal(upstreamPath(route, none, '/api/x?q=1'), '/x?q=1');
  assert.equal(upstreamPath(route, none, '/api'), '/');
  assert.equal(upstreamPath(route, none, '/api?q=1'), '/?q=1');
  assert.equal(upstreamPath(route, none, '/api/'), '/');
  assert.equal(upstreamPath({ path: '/api', stripPath: false }, none, '/api/x?q'), '/api/x?q');
  assert.equal(upstreamPath({ path: '/', stripPath: true }, none, '/x'), '/x');
  assert.equal(upstreamPath(route, { basePath: '/base' }, '/api/x?q'), '/base/x?q');
  assert.equal(upstreamPath(route, { basePath: '/base' }, '/api'), '/base');
});

test('pathMatches and normalizeHost', () => {
  assert.ok(pathMatches('/', '/anything'));
  assert.ok(pathMatches('/a', '/a'));
  assert.ok(!pathMatches('/a', '/ab'));
  assert.equal(normalizeHost('[::1]:8080'), '::1');
  assert.equal(normalizeHost('Example.TEST'), 'example.test');
});

test('the compiled table is frozen data; input is not mutated', () => {
  const routes = [{ host: 'App.test', path: 'api/', target: T }];
  const copy = JSON.parse(JSON.stringify(routes));
  const t = RouteTable.compile(routes);
  assert.deepEqual(routes, copy);
  assert.ok(Object.isFrozen(t.routes[0]));
  assert.equal(t.routes[0]!.path, '/api');
});

test('targets: http, https, unix, loopback detection, TLS verification default', () => {
  const h = parseTarget({ url: 'http://127.0.0.1:3000' });
  assert.deepEqual([h.hostname, h.port, h.display, h.hostHeader, h.loopback], ['127.0.0.1', 3000, '127.0.0.1:3000', '127.0.0.1:3000', true]);
  const s = parseTarget({ url: 'https://dev.example.com' });
  assert.deepEqual([s.port, s.hostHeader, s.loopback, s.display], [443, 'dev.example.com', false, 'https://dev.example.com:443']);
  const u = parseTarget({ url: 'unix:/run/app.sock' });
  assert.deepEqual([u.socketPath, u.display, u.origin], ['/run/app.sock', 'unix:/run/app.sock', 'http://localhost']);
  const v6 = parseTarget({ url: 'http://[::1]:5173' });
  assert.deepEqual([v6.hostname, v6.hostHeader, v6.loopback], ['::1', '[::1]:5173', true]);
  assert.throws(() => parseTarget({ url: 'ftp://x' }), { code: 'INVALID_TARGET' });
  assert.throws(() => parseTarget({ url: 'unix:relative.sock' }), { code: 'INVALID_TARGET' });
  assert.ok(isLoopbackHost('localhost') && isLoopbackHost('127.1.2.3') && !isLoopbackHost('10.0.0.1'));
  assert.equal(shouldVerifyTls({ verifyTls: undefined }, parseTarget({ url: 'https://127.0.0.1:8443' })), false);
  assert.equal(shouldVerifyTls({ verifyTls: undefined }, s), true);
  assert.equal(shouldVerifyTls({ verifyTls: true }, parseTarget({ url: 'https://localhost:8443' })), true);
  assert.equal(shouldVerifyTls({ verifyTls: false }, s), false);
});
