import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formFromRoute, hasAdvanced, routeFromForm } from '../../renderer/src/model/route-form';
import { fieldOfError } from '../../renderer/src/model/route-form-errors';
import type { RouteConfig } from '../../shared/config';

const full: RouteConfig = {
  host: 'app.test',
  target: 'http://127.0.0.1:3000',
  balance: 'round-robin',
  headers: { request: { set: { 'X-A': '1' }, remove: ['Cookie'] }, response: { add: { 'X-B': '{route}' } } },
  rewrite: { regex: '^/u/(\\d+)$', to: '/users/$1' },
  securityHeaders: { hstsMaxAge: 0, frameOptions: 'DENY' },
  rateLimit: { rate: 5, burst: 10, per: 'route' },
  spa: true,
  compress: { encodings: ['gzip'], minSize: 256 },
  healthCheck: { path: '/health', interval: '5s', timeout: '1s', expectStatus: [200, 204] },
  latency: '200ms',
  bandwidth: 65536,
  cache: true,
};

test('route -> form -> route keeps every feature field, including ones the form does not show', () => {
  const form = formFromRoute(full);
  assert.equal(form.compress, true);
  assert.equal(form.securityHeaders, true);
  assert.equal(form.rateLimitRate, '5');
  assert.equal(form.healthCheckInterval, '5s');
  assert.deepEqual(JSON.parse(form.headers), full.headers);
  const { route, errors } = routeFromForm(form, full);
  assert.deepEqual(errors, {});
  assert.deepEqual(route, full);
  assert.ok(hasAdvanced(full));
  assert.ok(!hasAdvanced({ host: 'a.test', target: '3000' }));
});

test('the advanced fields turn features on and off', () => {
  const base = formFromRoute({ host: 'app.test', target: 'http://127.0.0.1:3000' });
  const { route } = routeFromForm(
    { ...base, compress: true, cache: true, rateLimitRate: '2', latency: '150', bandwidth: '1000', healthCheckPath: '/up', headers: '{"response":{"set":{"X-Dev":"1"}}}', rewrite: '{"prefix":"/old","to":"/new"}' },
  );
  assert.deepEqual(route, {
    host: 'app.test',
    target: 'http://127.0.0.1:3000',
    compress: true,
    cache: true,
    rateLimit: { rate: 2 },
    latency: 150,
    bandwidth: 1000,
    healthCheck: { path: '/up' },
    headers: { response: { set: { 'X-Dev': '1' } } },
    rewrite: { prefix: '/old', to: '/new' },
  });
  const off = routeFromForm({ ...formFromRoute(full), compress: false, securityHeaders: false, cache: false, spa: false, rateLimitRate: '', rateLimitBurst: '', rateLimitPer: '', latency: '', bandwidth: '', healthCheckPath: '', healthCheckInterval: '', healthCheckTimeout: '', healthCheckExpectStatus: '', headers: ' ', rewrite: '' }, full);
  assert.deepEqual(off.route, { host: 'app.test', target: 'http://127.0.0.1:3000', balance: 'round-robin' });
  assert.equal(full.cache, true, 'input untouched');
});

test('advanced fields are checked locally; JSON errors land on their field', () => {
  const f = { ...formFromRoute(), host: 'app.test', targets: '3000' };
  assert.match(routeFromForm({ ...f, headers: '{nope' }).errors.headers!, /Not valid JSON/);
  assert.match(routeFromForm({ ...f, rewrite: '[1]' }).errors.rewrite!, /Write an object/);
  assert.match(routeFromForm({ ...f, rateLimitRate: '-1' }).errors.rateLimitRate!, /Rate limit must be a number greater than 0/);
  assert.match(routeFromForm({ ...f, bandwidth: '1.5' }).errors.bandwidth!, /whole number/);
  assert.match(routeFromForm({ ...f, healthCheckInterval: '5s' }).errors.healthCheckPath!, /needs a path/);
  assert.match(routeFromForm({ ...f, healthCheckPath: 'health' }).errors.healthCheckPath!, /starts with \/, e\.g\. \/health/);
  assert.equal(routeFromForm({ ...f, headers: '{nope' }).route, undefined);
  // Longer than a Node timer can wait: the engine would refuse it too (config-semantics).
  assert.match(routeFromForm({ ...f, latency: '600h' }).errors.latency!, /"600h" is too long: a duration can be at most 2147483647 ms/);
  assert.match(routeFromForm({ ...f, healthCheckPath: '/up', healthCheckTimeout: '2147483648' }).errors.healthCheckTimeout!, /2147483648 is too long/);
  assert.equal(routeFromForm({ ...f, latency: '596h' }).errors.latency, undefined);
  assert.equal(fieldOfError({ message: 'routes/0/headers/response/set/X-A must be string' }), 'headers');
  assert.equal(fieldOfError({ message: 'routes/0/rewrite must have required property "to"' }), 'rewrite');
  assert.equal(fieldOfError({ message: 'routes/0/rateLimit/rate must be > 0' }), 'rateLimitRate');
});
