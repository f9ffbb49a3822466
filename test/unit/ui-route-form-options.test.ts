/**
 * The route form covers every RouteConfig field, writes back untouched fields
 * exactly as the file had them, and accepts and refuses what the engine's
 * config validation (shared/config.schema.json through ajv, plus its semantic
 * checks) accepts and refuses.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { parseConfigText } from '../../main/config/config-parse';
import { ConfigError } from '../../main/config/config-error';
import { errorsOfEngine } from '../../renderer/src/model/route-form-errors';
import {
  formFromRoute,
  routeFromForm,
  ROUTE_FIELD_INPUTS,
  SUB_FIELD_INPUTS,
  type RouteFormState,
} from '../../renderer/src/model/route-form';
import { BALANCE_POLICIES, type RouteConfig } from '../../shared/config';
import schema from '../../shared/config.schema.json';
import { seededRandom } from '../support/seeded-random';

type Schema = { properties?: Record<string, unknown>; oneOf?: Schema[]; type?: string };
const keys = (o: object | undefined) => Object.keys(o ?? {}).sort();
const routeSchema = schema.definitions.route as { properties: Record<string, Schema> };
const objectBranch = (s: Schema) => s.oneOf?.find((b) => b.type === 'object') ?? s;

/** The engine's verdict on a route: [] when valid, else its issues as "pointer: reason". */
function engineIssues(route: unknown): string[] {
  const r = parseConfigText(JSON.stringify({ routes: [route] }, null, 2), 'config.json');
  return r.ok ? [] : r.issues.map((i) => `${i.field}: ${i.reason}`);
}

function edit(base: RouteConfig, change: Partial<RouteFormState>) {
  return routeFromForm({ ...formFromRoute(base), ...change }, base);
}

test('every RouteConfig field of the schema, and every field of its objects, has an input in the form', () => {
  assert.deepEqual(keys(ROUTE_FIELD_INPUTS), keys(routeSchema.properties));
  const p = routeSchema.properties;
  assert.deepEqual(keys(SUB_FIELD_INPUTS.compress), keys(objectBranch(p.compress!).properties));
  assert.deepEqual(keys(SUB_FIELD_INPUTS.securityHeaders), keys(objectBranch(p.securityHeaders!).properties));
  assert.deepEqual(keys(SUB_FIELD_INPUTS.rateLimit), keys(p.rateLimit!.properties));
  assert.deepEqual(keys(SUB_FIELD_INPUTS.healthCheck), keys(p.healthCheck!.properties));
  assert.deepEqual(keys(SUB_FIELD_INPUTS.target), keys((schema.definitions.target.oneOf[1] as Schema).properties));
  const inputs = new Set(Object.keys(formFromRoute()));
  const named = [...Object.values(ROUTE_FIELD_INPUTS), ...Object.values(SUB_FIELD_INPUTS).flatMap((s) => Object.values(s))];
  for (const input of named) assert.ok(inputs.has(input), `"${input}" is an input of the form`);
});

/** A random valid route using every field in its various written forms (string or number, single or list, explicit defaults). */
function randomRoute(seed: number): RouteConfig {
  const rnd = seededRandom(seed);
  const maybe = <T>(v: T): T | undefined => (rnd.next() < 0.5 ? v : undefined);
  const bool = () => rnd.pick([undefined, true, false]);
  const r: Record<string, unknown> = { host: rnd.pick(['app.test', 'API.Test', '*.app.test']) };
  r.path = rnd.pick([undefined, '/', '/api', '/api/', '/v1/x']);
  const targets = rnd.pick<Partial<RouteConfig>>([
    { target: 'http://127.0.0.1:3000' },
    { target: { url: 'http://127.0.0.1:3000' } },
    { target: { url: 'https://dev.test:8443/base', weight: 2 } },
    { targets: ['http://127.0.0.1:3000'] },
    { targets: ['http://127.0.0.1:3000', { url: 'http://[::1]:3001', weight: 0.5 }, 'unix:/tmp/app.sock'] },
    { target: 'file:./dist' },
  ]);
  Object.assign(r, targets);
  for (const k of ['stripPath', 'enabled', 'preserveHost', 'verifyTls', 'https', 'redirectToHttps', 'record', 'spa', 'cache']) r[k] = bool();
  r.balance = maybe(rnd.pick(BALANCE_POLICIES));
  r.compress = rnd.pick([undefined, true, false, {}, { encodings: rnd.pick([['br'], ['gzip', 'br'], ['gzip', 'gzip']]) }, { minSize: 0 }, { minSize: 256, encodings: ['gzip'] }]);
  r.securityHeaders = rnd.pick([undefined, true, false, {}, { hstsMaxAge: 0, frameOptions: '' }, { referrerPolicy: 'no-referrer', contentSecurityPolicy: "default-src 'self'", frameOptions: 'DENY', hstsMaxAge: 60 }]);
  r.rateLimit = maybe({ rate: rnd.pick([1, 0.5, 100]), ...(rnd.next() < 0.5 ? { burst: 3 } : {}), ...(rnd.next() < 0.5 ? { per: rnd.pick(['client', 'route'] as const) } : {}) });
  r.latency = rnd.pick([undefined, 200, '200', '1.5s', ' 5 s ', 0]);
  r.bandwidth = rnd.pick([undefined, 1, 65536]);
  r.healthCheck = maybe({
    path: '/health',
    ...(rnd.next() < 0.5 ? { interval: rnd.pick([500, '5s']) } : {}),
    ...(rnd.next() < 0.5 ? { timeout: rnd.pick([100, '2s', '1.5s']) } : {}),
    ...(rnd.next() < 0.5 ? { expectStatus: rnd.pick([200, [200], [200, 204, 200]]) } : {}),
  });
  r.headers = rnd.pick([undefined, {}, { request: { set: { 'X-A': '1' }, remove: ['Cookie'] }, response: { add: { 'X-B': '{route}' } } }]);
  r.rewrite = rnd.pick([undefined, { prefix: '/a', to: '/b' }, { regex: '^/u/(\\d+)$', to: '/users/$1' }]);
  for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
  return r as unknown as RouteConfig;
}

test('route -> form -> route gives the route back exactly (values, types, shapes and key order) for 300 random routes', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const base = randomRoute(seed);
    assert.deepEqual(engineIssues(base), [], `seed ${seed}: the generated route is valid`);
    const { route, errors } = routeFromForm(formFromRoute(base), base);
    assert.deepEqual(errors, {}, `seed ${seed}: ${JSON.stringify(base)}`);
    assert.equal(JSON.stringify(route), JSON.stringify(base), `seed ${seed}`);
    // Changing one input changes that field only: everything else is written back as it was.
    const moved = edit(base, { host: 'other.test' }).route!;
    assert.equal(JSON.stringify(moved), JSON.stringify({ ...base, host: 'other.test' }), `seed ${seed}: host edit`);
    const limited = edit(base, { healthCheckPath: '/up' }).route!;
    assert.deepEqual({ ...limited, healthCheck: undefined }, { ...base, healthCheck: undefined }, `seed ${seed}: health check edit`);
    assert.equal(limited.healthCheck!.path, '/up');
  }
});

const plain: RouteConfig = { host: 'app.test', target: 'http://127.0.0.1:3000' };

test('the options once only in the file are edited in the form', () => {
  assert.deepEqual(edit(plain, { healthCheckPath: '/health', healthCheckTimeout: '1s', healthCheckExpectStatus: '200, 204' }).route!.healthCheck, {
    path: '/health',
    timeout: '1s',
    expectStatus: [200, 204],
  });
  assert.deepEqual(edit(plain, { healthCheckPath: '/health', healthCheckTimeout: '750', healthCheckExpectStatus: ' 204 ' }).route!.healthCheck, { path: '/health', timeout: 750, expectStatus: 204 });
  assert.deepEqual(edit(plain, { compress: true, compressEncodings: 'gzip', compressMinSize: '256' }).route!.compress, { encodings: ['gzip'], minSize: 256 });
  assert.deepEqual(edit(plain, { compress: true, compressEncodings: 'gzip,br' }).route!.compress, { encodings: ['gzip', 'br'] });
  assert.equal(edit({ ...plain, compress: { minSize: 5 } }, { compressMinSize: '' }).route!.compress, true, 'no options left: plain true');
  assert.equal(edit({ ...plain, compress: { minSize: 5 } }, { compress: false }).route!.compress, undefined);
  assert.deepEqual(
    edit(plain, { securityHeaders: true, hstsMaxAge: '0', frameOptions: 'DENY', referrerPolicy: 'no-referrer', contentSecurityPolicy: "default-src 'self'" }).route!.securityHeaders,
    { hstsMaxAge: 0, frameOptions: 'DENY', referrerPolicy: 'no-referrer', contentSecurityPolicy: "default-src 'self'" },
  );
  assert.equal(edit(plain, { securityHeaders: true }).route!.securityHeaders, true);
  assert.deepEqual(edit(plain, { rateLimitRate: '2.5', rateLimitBurst: '5', rateLimitPer: 'route' }).route!.rateLimit, { rate: 2.5, burst: 5, per: 'route' });
  assert.deepEqual(edit({ ...plain, rateLimit: { rate: 1, per: 'route' } }, { rateLimitPer: '' }).route!.rateLimit, { rate: 1 });
  const balanced = edit(plain, { targets: 'http://127.0.0.1:3000\n127.0.0.1:3001 weight=3', balance: 'weighted', verifyTls: 'false', record: false, redirectToHttps: false }).route!;
  assert.deepEqual(balanced, {
    host: 'app.test',
    targets: ['http://127.0.0.1:3000', { url: 'http://127.0.0.1:3001', weight: 3 }],
    balance: 'weighted',
    verifyTls: false,
    redirectToHttps: false,
    record: false,
  });
  assert.equal(formFromRoute(balanced).targets, 'http://127.0.0.1:3000\nhttp://127.0.0.1:3001 weight=3');
  assert.deepEqual(edit(balanced, { balance: '', verifyTls: '', record: true, redirectToHttps: true, targets: 'file:./dist' }).route, { host: 'app.test', target: 'file:./dist' });
  assert.deepEqual(engineIssues(balanced), []);
});

test('a hand edit of the file while the form is open is kept: only the inputs the user changed are written', () => {
  const opened: RouteConfig = { ...plain, latency: '200ms', compress: true, healthCheck: { path: '/health' }, record: false };
  const form = { ...formFromRoute(opened), host: 'renamed.test', healthCheckTimeout: '1s' };
  const now: RouteConfig = { ...opened, latency: '500ms', compress: { minSize: 10 }, healthCheck: { path: '/up', interval: '5s' }, record: true, rateLimit: { rate: 3 } };
  const { route, errors } = routeFromForm(form, now, opened);
  assert.deepEqual(errors, {});
  assert.deepEqual(route, { ...now, host: 'renamed.test', healthCheck: { path: '/up', interval: '5s', timeout: '1s' } });
  // An input the user did change wins over the hand edit.
  assert.equal(routeFromForm({ ...form, latency: '50ms' }, now, opened).route!.latency, '50ms');
});

/**
 * One input's text, the JSON value a user would write for it in the file, and
 * whether the engine takes it. The form must agree: accept (and write a route
 * the engine takes) or refuse with a message next to that input.
 */
const CASES: Array<{ input: keyof RouteFormState; text: string; raw: unknown; ok: boolean; with?: Partial<RouteFormState>; at: (v: unknown) => Partial<RouteConfig> }> = [];
function cases(input: keyof RouteFormState, at: (v: unknown) => Partial<RouteConfig>, list: Array<[string, unknown, boolean]>, extra?: Partial<RouteFormState>) {
  for (const [text, raw, ok] of list) CASES.push({ input, text, raw, ok, at, ...(extra ? { with: extra } : {}) });
}
const hc = (k: string) => (v: unknown) => ({ healthCheck: { path: '/health', [k]: v } }) as Partial<RouteConfig>;
const duration: Array<[string, unknown, boolean]> = [
  ['5000', 5000, true],
  ['0', 0, true],
  ['1.5', 1.5, true],
  ['200ms', '200ms', true],
  ['5s', '5s', true],
  ['2m', '2m', true],
  ['1h', '1h', true],
  ['1.5s', '1.5s', true],
  ['5 s', '5 s', true],
  ['-1', -1, false],
  ['5S', '5S', false],
  ['5 sec', '5 sec', false],
  ['5d', '5d', false],
  ['.5s', '.5s', false],
  ['soon', 'soon', false],
];
cases('healthCheckTimeout', hc('timeout'), duration, { healthCheckPath: '/health' });
cases('healthCheckInterval', hc('interval'), duration, { healthCheckPath: '/health' });
cases('latency', (v) => ({ latency: v }) as Partial<RouteConfig>, duration);
cases('healthCheckExpectStatus', hc('expectStatus'), [
  ['200', 200, true],
  ['100', 100, true],
  ['599', 599, true],
  ['200, 204', [200, 204], true],
  ['200 204 301', [200, 204, 301], true],
  ['99', 99, false],
  ['600', 600, false],
  ['200.5', 200.5, false],
  ['200, 99', [200, 99], false],
  ['2xx', '2xx', false],
  ['-200', -200, false],
], { healthCheckPath: '/health' });
cases('healthCheckPath', (v) => ({ healthCheck: { path: v } }) as Partial<RouteConfig>, [
  ['/health', '/health', true],
  ['/', '/', true],
  ['health', 'health', false],
]);
const compressWith = (k: string) => (v: unknown) => ({ compress: { [k]: v } }) as Partial<RouteConfig>;
cases('compressMinSize', compressWith('minSize'), [
  ['0', 0, true],
  ['1024', 1024, true],
  ['-1', -1, false],
  ['1.5', 1.5, false],
  ['1k', '1k', false],
], { compress: true });
cases('compressEncodings', compressWith('encodings'), [
  ['br', ['br'], true],
  ['gzip', ['gzip'], true],
  ['gzip,br', ['gzip', 'br'], true],
  ['br,gzip', ['br', 'gzip'], true],
  ['deflate', ['deflate'], false],
], { compress: true });
const securityWith = (k: string) => (v: unknown) => ({ securityHeaders: { [k]: v } }) as Partial<RouteConfig>;
cases('hstsMaxAge', securityWith('hstsMaxAge'), [
  ['0', 0, true],
  ['31536000', 31536000, true],
  ['-1', -1, false],
  ['2.5', 2.5, false],
  ['1y', '1y', false],
], { securityHeaders: true });
cases('frameOptions', securityWith('frameOptions'), [['DENY', 'DENY', true], ['SAMEORIGIN', 'SAMEORIGIN', true]], { securityHeaders: true });
cases('referrerPolicy', securityWith('referrerPolicy'), [['no-referrer', 'no-referrer', true]], { securityHeaders: true });
cases('contentSecurityPolicy', securityWith('contentSecurityPolicy'), [["default-src 'self'; img-src *", "default-src 'self'; img-src *", true]], { securityHeaders: true });
const rateWith = (k: string) => (v: unknown) => ({ rateLimit: { rate: 5, [k]: v } }) as Partial<RouteConfig>;
cases('rateLimitRate', (v) => ({ rateLimit: { rate: v } }) as Partial<RouteConfig>, [
  ['5', 5, true],
  ['0.5', 0.5, true],
  ['0', 0, false],
  ['-2', -2, false],
  ['fast', 'fast', false],
]);
cases('rateLimitBurst', rateWith('burst'), [
  ['1', 1, true],
  ['20', 20, true],
  ['0', 0, false],
  ['2.5', 2.5, false],
], { rateLimitRate: '5' });
cases('rateLimitPer', rateWith('per'), [
  ['client', 'client', true],
  ['route', 'route', true],
], { rateLimitRate: '5' });
cases('bandwidth', (v) => ({ bandwidth: v }) as Partial<RouteConfig>, [
  ['1', 1, true],
  ['65536', 65536, true],
  ['0', 0, false],
  ['1.5', 1.5, false],
  ['64k', '64k', false],
]);
cases('targets', (v) => ({ target: v }) as Partial<RouteConfig>, [
  ['http://127.0.0.1:3000', 'http://127.0.0.1:3000', true],
  ['https://[::1]:8443/base', 'https://[::1]:8443/base', true],
  ['unix:/tmp/app.sock', 'unix:/tmp/app.sock', true],
  ['file:./dist', 'file:./dist', true],
  ['http://127.0.0.1:3000 weight=2.5', { url: 'http://127.0.0.1:3000', weight: 2.5 }, true],
  ['http://127.0.0.1:3000 weight=0', { url: 'http://127.0.0.1:3000', weight: 0 }, false],
  ['http://localhost', 'http://localhost', false],
  ['http://u:p@127.0.0.1:3000', 'http://u:p@127.0.0.1:3000', false],
  ['http://127.0.0.1:3000/?q=1', 'http://127.0.0.1:3000/?q=1', false],
  ['unix:tmp/app.sock', 'unix:tmp/app.sock', false],
  ['file:', 'file:', false],
  ['ftp://127.0.0.1:21', 'ftp://127.0.0.1:21', false],
]);
cases('targets', (v) => ({ target: undefined, targets: v }) as Partial<RouteConfig>, [
  ['file:./dist\nhttp://127.0.0.1:3000', ['file:./dist', 'http://127.0.0.1:3000'], false],
  ['http://127.0.0.1:3000, http://127.0.0.1:3001', ['http://127.0.0.1:3000', 'http://127.0.0.1:3001'], true],
]);
cases('headers', (v) => ({ headers: v }) as Partial<RouteConfig>, [
  ['{"request": {"set": {"X-A": "1"}, "remove": ["Cookie"]}}', { request: { set: { 'X-A': '1' }, remove: ['Cookie'] } }, true],
  ['{}', {}, true],
  ['{"response": {"set": {"X-A": 1}}}', { response: { set: { 'X-A': 1 } } }, false],
  ['{"respons": {}}', { respons: {} }, false],
  ['{"request": {"remove": "Cookie"}}', { request: { remove: 'Cookie' } }, false],
  ['{"request": {"remove": [""]}}', { request: { remove: [''] } }, false],
  ['{"request": {"put": {}}}', { request: { put: {} } }, false],
  ['[1]', [1], false],
]);
cases('rewrite', (v) => ({ rewrite: v }) as Partial<RouteConfig>, [
  ['{"prefix": "/old", "to": "/new"}', { prefix: '/old', to: '/new' }, true],
  ['{"regex": "^/u/(\\\\d+)$", "to": "/users/$1"}', { regex: '^/u/(\\d+)$', to: '/users/$1' }, true],
  ['{"prefix": "/old"}', { prefix: '/old' }, false],
  ['{"prefix": "old", "to": "/new"}', { prefix: 'old', to: '/new' }, false],
  ['{"prefix": "/a", "regex": "b", "to": "/c"}', { prefix: '/a', regex: 'b', to: '/c' }, false],
  ['{"regex": "(", "to": "/c"}', { regex: '(', to: '/c' }, false],
  ['{"regex": "", "to": "/c"}', { regex: '', to: '/c' }, false],
  ['{"to": "/c"}', { to: '/c' }, false],
  ['{"prefix": "/a", "to": 1}', { prefix: '/a', to: 1 }, false],
  ['{"prefix": "/a", "to": "/b", "flags": "i"}', { prefix: '/a', to: '/b', flags: 'i' }, false],
]);
cases('host', (v) => ({ host: v }) as Partial<RouteConfig>, [
  ['api.test', 'api.test', true],
  ['*.app.test', '*.app.test', true],
  ['a.*.test', 'a.*.test', false],
  ['app..test', 'app..test', false],
  ['-app.test', '-app.test', false],
  ['app.test:8080', 'app.test:8080', false],
]);

test('the form accepts and refuses what the engine accepts and refuses, with a message next to the input', () => {
  for (const c of CASES) {
    const what = `${c.input} = ${JSON.stringify(c.text)}`;
    const engine = engineIssues({ ...plain, ...c.at(c.raw) });
    assert.equal(engine.length === 0, c.ok, `${what}: the engine ${c.ok ? 'accepts' : 'refuses'} ${JSON.stringify(c.raw)} (${engine.join('; ')})`);
    const { route, errors } = edit(plain, { ...c.with, [c.input]: c.text });
    if (c.ok) {
      assert.deepEqual(errors, {}, what);
      assert.deepEqual(engineIssues(route), [], `${what}: the engine takes what the form wrote`);
    } else {
      assert.equal(route, undefined, what);
      assert.deepEqual(Object.keys(errors), [c.input], `${what}: the message is on the input`);
      assert.match(errors[c.input]!, /e\.g\.|use |write|must|needs|cannot|only|not both|out of range/i, `${what}: says how to fix it: ${errors[c.input]}`);
    }
  }
});

test('options that need another one say so next to it', () => {
  assert.match(edit(plain, { healthCheckTimeout: '2s' }).errors.healthCheckPath!, /needs a path, e\.g\. \/health/);
  assert.match(edit(plain, { healthCheckExpectStatus: '200' }).errors.healthCheckPath!, /needs a path/);
  assert.match(edit(plain, { rateLimitPer: 'route' }).errors.rateLimitRate!, /Set a rate/);
  assert.match(edit(plain, { rateLimitBurst: '3' }).errors.rateLimitRate!, /Set a rate/);
  assert.match(edit(plain, { targets: 'http://127.0.0.1:3000 w=2' }).errors.targets!, /only weight=N may follow/);
  // Options of a feature that is off are neither checked nor written.
  assert.deepEqual(edit(plain, { compress: false, compressMinSize: 'junk', securityHeaders: false, hstsMaxAge: '-1' }), { route: plain, errors: {} });
});

test('header values Node cannot send are refused, though the schema lets any string through', () => {
  // Node refuses these characters in a header value: every response of the route would fail.
  assert.throws(() => http.validateHeaderValue('Content-Security-Policy', 'default-src \u2018self\u2019'), { code: 'ERR_INVALID_CHAR' });
  assert.deepEqual(engineIssues({ ...plain, securityHeaders: { contentSecurityPolicy: 'default-src \u2018self\u2019' } }), []);
  const { errors } = edit(plain, { securityHeaders: true, contentSecurityPolicy: 'default-src \u2018self\u2019' });
  assert.match(errors.contentSecurityPolicy!, /typographic quote: use a plain '/);
  assert.doesNotThrow(() => http.validateHeaderValue('Referrer-Policy', 'no-referrer\tx\u00e9'));
  assert.deepEqual(edit(plain, { securityHeaders: true, referrerPolicy: 'no-referrer\tx\u00e9' }).errors, {});
});

test("the engine's validation errors land on their inputs, one per line of its message", () => {
  const bad = { ...plain, healthCheck: { path: '/health', expectStatus: [200, 700] }, compress: { minSize: -1 }, rateLimit: { rate: 1, per: 'everyone' } };
  const parsed = parseConfigText(JSON.stringify({ routes: [bad] }, null, 2), '/home/dev/.config/gatehouse/config.json');
  assert.ok(!parsed.ok);
  const err = ConfigError.invalid('/home/dev/.config/gatehouse/config.json', parsed.issues, 'route not changed');
  const errors = errorsOfEngine({ code: err.code, message: err.message });
  assert.deepEqual(Object.keys(errors).sort(), ['compressMinSize', 'healthCheckExpectStatus', 'rateLimitPer']);
  assert.match(errors.healthCheckExpectStatus!, /^healthCheck\/expectStatus\/1: must be <= 599/);
  assert.match(errors.compressMinSize!, /^compress\/minSize: must be >= 0/);
  assert.match(errors.rateLimitPer!, /use one of client, route/);
  assert.deepEqual(errorsOfEngine({ code: 'ROUTE_EXISTS', message: 'route "app.test" already exists' }), { host: 'route "app.test" already exists' });
  assert.deepEqual(errorsOfEngine({ message: 'x', field: '/routes/0/compress' }), { advanced: 'x' }, 'a toggle has no slot: the Advanced section shows it');
  assert.deepEqual(errorsOfEngine({ message: 'disk full' }), { form: 'disk full' });
});
