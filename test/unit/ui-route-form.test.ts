import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formFromRoute, policyIgnoringWeights, routeFromForm } from '../../renderer/src/model/route-form';
import { normalizeTarget } from '../../renderer/src/model/route-form-values';
import { errorsOfEngine, fieldOfError } from '../../renderer/src/model/route-form-errors';
import { buildListView, rowCells } from '../../renderer/src/model/traffic-view';
import { headersToText, textToHeaders } from '../../renderer/src/model/header-text';
import type { ExchangeSummary } from '../../shared/exchange-types';

test('a new route form becomes a short RouteConfig', () => {
  const form = { ...formFromRoute(), host: ' App.Test ', targets: '3000' };
  assert.deepEqual(routeFromForm(form), { route: { host: 'app.test', target: 'http://127.0.0.1:3000' }, errors: {} });
});

test('editing keeps fields the form does not show and writes only non-defaults', () => {
  const base = { host: 'api.test', path: '/v1', targets: ['http://127.0.0.1:4000', 'http://127.0.0.1:4001'], balance: 'least-connections' as const, verifyTls: true };
  const form = formFromRoute(base);
  assert.equal(form.targets, 'http://127.0.0.1:4000\nhttp://127.0.0.1:4001');
  const { route } = routeFromForm({ ...form, https: false, stripPath: true }, base);
  assert.deepEqual(route, { host: 'api.test', path: '/v1', targets: ['http://127.0.0.1:4000', 'http://127.0.0.1:4001'], balance: 'least-connections', verifyTls: true, https: false, stripPath: true });
  assert.deepEqual(base.targets.length, 2, 'input untouched');
});

test('local validation puts a message on the field', () => {
  const f = formFromRoute();
  assert.match(routeFromForm({ ...f, host: '', targets: '3000' }).errors.host!, /Enter a host/);
  assert.match(routeFromForm({ ...f, host: 'http://app.test', targets: '3000' }).errors.host!, /without scheme/);
  assert.match(routeFromForm({ ...f, host: 'app..test', targets: '3000' }).errors.host!, /not a valid host/);
  assert.match(routeFromForm({ ...f, host: 'app.test', targets: '' }).errors.targets!, /at least one target/);
  assert.match(routeFromForm({ ...f, host: 'app.test', targets: '99999' }).errors.targets!, /port 99999 is out of range/);
  assert.match(routeFromForm({ ...f, host: 'app.test', targets: 'ftp://x:21' }).errors.targets!, /only http/);
  assert.match(routeFromForm({ ...f, host: 'app.test', path: '/a b', targets: '3000' }).errors.path!, /spaces/);
  assert.equal(routeFromForm({ ...f, host: '*.app.test', targets: 'unix:/tmp/a.sock' }).route?.target, 'unix:/tmp/a.sock');
  assert.equal(normalizeTarget('localhost:5173'), 'http://localhost:5173');
});

test('engine errors are mapped to the field they talk about', () => {
  assert.equal(fieldOfError({ message: 'invalid target "x": not a URL' }), 'targets');
  assert.equal(fieldOfError({ message: 'a route for app.test already exists' }), 'host');
  assert.equal(fieldOfError({ message: 'path must start with /' }), 'path');
  assert.equal(fieldOfError({ message: 'disk full' }), 'form');
  assert.equal(fieldOfError({ message: 'bad', field: 'routes/0/path' }), 'path');
  assert.equal(fieldOfError({ code: 'ROUTE_EXISTS', message: 'route "app.test" already exists; remove it first or choose another path' }), 'host');
  assert.equal(fieldOfError({ code: 'INVALID_TARGET', message: 'invalid target "x"' }), 'targets');
});

test('a refused edit with its issues as data: each on its input, the HTTPS host refusals in the form\'s words', () => {
  const at = { file: 'config.json', line: 1, column: 1 };
  const message = 'route not added: /routes/1/host: "google.com" cannot be served over HTTPS: …; /routes/1/rewrite: rewrite needs "to"';
  const issues = [
    { ...at, field: '/routes/1/host', reason: 'the file\'s wording', detail: { code: 'https-host-not-permitted' as const, host: 'google.com', suffixes: ['test', 'localhost', 'internal'], suggestedSuffix: 'google.com' } },
    { ...at, field: '/routes/1/rewrite', reason: 'rewrite needs "to"' },
  ];
  assert.deepEqual(errorsOfEngine({ code: 'CONFIG_INVALID', message, issues }), {
    host:
      'google.com cannot be served over HTTPS: Gatehouse\'s certificate authority signs only names under test, localhost, internal. ' +
      'Either add "google.com" to the HTTPS suffixes in the settings ("suffixes" in the config file), or untick "Serve over HTTPS" for this route.',
    rewrite: 'rewrite: rewrite needs "to"',
  });
  const ip = [{ ...at, field: '/routes/0/host', reason: 'the file\'s wording', detail: { code: 'https-host-is-ip' as const, host: '127.0.0.2' } }];
  assert.match(errorsOfEngine({ code: 'CONFIG_INVALID', message: 'x', issues: ip }).host!, /^127\.0\.0\.2 is an IP address, .* Untick "Serve over HTTPS" to serve it over plain HTTP\.$/);
  // An issue about no field of a route: the message is read as before.
  const whole = [{ ...at, field: '/routes/2', reason: 'route "a.test" is already defined at /routes/0' }];
  assert.deepEqual(errorsOfEngine({ code: 'CONFIG_INVALID', message: 'route not added: /routes/2: route "a.test" is already defined at /routes/0', issues: whole }), {
    host: 'route not added: /routes/2: route "a.test" is already defined at /routes/0',
  });
});

test('weights under a policy other than weighted are pointed out (the balancer uses them only there)', () => {
  const targets = 'http://127.0.0.1:3000 weight=3\nhttp://127.0.0.1:3001';
  assert.equal(policyIgnoringWeights({ targets, balance: '' }), 'round-robin', 'the default ignores them');
  assert.equal(policyIgnoringWeights({ targets, balance: 'ip-hash' }), 'ip-hash');
  assert.equal(policyIgnoringWeights({ targets, balance: 'weighted' }), undefined);
  assert.equal(policyIgnoringWeights({ targets: 'http://127.0.0.1:3000\nhttp://127.0.0.1:3001', balance: '' }), undefined, 'no weight, nothing ignored');
  assert.equal(policyIgnoringWeights({ targets: 'http://127.0.0.1:3000 weight=x', balance: '' }), undefined, 'a box that does not parse has its own message');
});

test('header text round trip', () => {
  assert.equal(headersToText([[':authority', 'x'], ['Host', 'app.test'], ['X-A', 'b: c']]), 'Host: app.test\nX-A: b: c');
  assert.deepEqual(textToHeaders('Host: app.test\n\nX-A: b: c\n'), { headers: [['Host', 'app.test'], ['X-A', 'b: c']] });
  assert.match(textToHeaders('nonsense').error!, /Line 1/);
  assert.match(textToHeaders('Bad Name: x').error!, /not a valid header name/);
});

function x(seq: number, over: Partial<ExchangeSummary> = {}): ExchangeSummary {
  return { id: `e${seq}`, seq, source: 'proxy', state: 'complete', status: 200, startedAt: 0, endedAt: 12, clientAddress: '::1', clientPort: 1, scheme: 'http', httpVersion: '1.1', method: 'GET', host: 'app.test', url: '/a?b=1', requestSize: 0, responseSize: 2048, websocket: false, routeId: 'app.test', ...over };
}

test('list view: filter and order without copying in newest-first mode', () => {
  const rows = [x(1), x(2, { method: 'POST', status: 500 }), x(3, { host: 'api.test:8080', routeId: 'api.test' })];
  const all = buildListView(rows, {}, 'newest-first');
  assert.deepEqual([0, 1, 2].map((i) => all.at(i).id), ['e3', 'e2', 'e1']);
  assert.equal(all.indexOfSeq(1), 2);
  const follow = buildListView(rows, {}, 'follow');
  assert.equal(follow.at(0).id, 'e1');
  assert.equal(follow.indexOfSeq(3), 2);
  assert.deepEqual(buildListView(rows, { statusClass: ['5xx'] }, 'follow').ids(), ['e2']);
  assert.deepEqual(buildListView(rows, { host: 'api.test' }, 'follow').ids(), ['e3']);
  assert.deepEqual(buildListView(rows, { text: '  post ' }, 'follow').ids(), ['e2']);
  assert.deepEqual(buildListView(rows, { method: 'GET', routeId: 'app.test' }, 'follow').ids(), ['e1']);
  assert.equal(buildListView(rows, { text: 'nothing' }, 'follow').indexOfSeq(1), -1);
});

test('row cells', () => {
  assert.deepEqual(rowCells(x(1)), { method: 'GET', host: 'app.test', path: '/a?b=1', status: '200', statusClass: 's2', duration: '12 ms', size: '2.0 KiB', route: 'app.test' });
  const pending = rowCells(x(2, { state: 'pending', status: undefined, endedAt: undefined, routeId: undefined }));
  assert.equal(pending.status, '…');
  assert.equal(pending.duration, '');
  assert.equal(pending.route, 'no route');
  assert.equal(rowCells(x(3, { state: 'error', status: undefined, errorCode: 'UPSTREAM_REFUSED' })).status, 'UPSTREAM_REFUSED');
  assert.equal(rowCells(x(4, { websocket: true })).method, 'WS');
  // A WebSocket's size is what its messages carried, not its empty 101 response.
  const ws = rowCells(x(5, { websocket: true, status: 101, responseSize: 0, wsMessageCount: 5, wsBytes: 2300 }));
  assert.equal(ws.size, '2.2 KiB');
  assert.equal(ws.sizeTitle, '5 messages, 2300 bytes of payload in both directions');
  assert.equal(rowCells(x(6)).sizeTitle, undefined);
});
