import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseConfigText } from '../../main/config/config-parse';
import { formatConfigIssue, type ConfigIssue } from '../../shared/config';

const FILE = '/home/dev/.config/gatehouse/config.json';

function issuesOf(text: string): ConfigIssue[] {
  const r = parseConfigText(text, FILE);
  assert.equal(r.ok, false, 'expected the config to be rejected');
  return r.ok ? [] : r.issues;
}

function only(text: string): ConfigIssue {
  const issues = issuesOf(text);
  assert.equal(issues.length, 1, `expected one issue, got:\n${issues.map(formatConfigIssue).join('\n')}`);
  return issues[0]!;
}

test("the issue's example config is accepted exactly as given, unchanged", () => {
  const text =
    '{"routes":[{"host":"app.test","target":"http://127.0.0.1:3000"},{"host":"app.test","path":"/api","target":"http://127.0.0.1:4000","stripPath":true},{"host":"shop.test","targets":["http://127.0.0.1:3001","http://127.0.0.1:3002"],"balance":"round-robin","enabled":false}]}';
  const r = parseConfigText(text, FILE);
  assert.ok(r.ok, r.ok ? '' : r.issues.map(formatConfigIssue).join('\n'));
  assert.deepEqual(r.config, JSON.parse(text));
});

test('every documented field is accepted', () => {
  const config = {
    $schema: './gatehouse.schema.json',
    routes: [
      { host: '*.app.test', path: '/api', targets: [{ url: 'https://127.0.0.1:8443', weight: 2 }, 'unix:/run/app.sock'], balance: 'weighted', stripPath: true, enabled: true, preserveHost: false, verifyTls: true, https: true, redirectToHttps: false, record: false },
      { host: 'ip.test', target: 'http://[::1]:3000/base', balance: 'ip-hash' },
    ],
    httpPort: 8080,
    httpsPort: 0,
    dnsPort: 15353,
    listen: ['127.0.0.1', '::1'],
    trustedProxies: ['10.0.0.0/8', '::1'],
    suffixes: ['internal', 'corp.local', 'dev.example.com', 'home.arpa'],
    timeouts: { requestHeaders: '30s', keepAlive: 5000, upstreamConnect: '5s', upstreamHeaders: '1m', upstreamBody: '300000ms' },
    recording: { enabled: true, maxExchanges: 100, maxTotalBytes: 1048576, bodyCap: 65536 },
  };
  const r = parseConfigText(JSON.stringify(config, null, 2), FILE);
  assert.ok(r.ok, r.ok ? '' : r.issues.map(formatConfigIssue).join('\n'));
});

test('bad JSON reports the line and column of the syntax error', () => {
  const text = '{\n  "routes": [\n    {"host": "a.test" "target": "http://127.0.0.1:3000"}\n  ]\n}\n';
  const i = only(text);
  assert.equal(i.file, FILE);
  assert.equal(i.line, 3);
  assert.equal(i.column, 23);
  assert.match(i.reason, /missing ","/);
  assert.equal(i.field, '/routes/0/target');
});

test('a trailing comma is named as such, at the comma, in the object or list it ends', () => {
  const i = only('{\n  "routes": [\n    {"host": "a.test", "target": "http://127.0.0.1:3000",}\n  ]\n}');
  assert.equal(i.line, 3);
  assert.equal(i.column, 57);
  assert.equal(i.field, '/routes/0');
  assert.match(i.reason, /trailing comma: JSON allows no "," before "}"/);
  // In a list: the list's own pointer, not /routes/1, an item that is not there.
  const line3 = '    { "host": "app.test", "target": 3000 },';
  const l = only(`{\n  "routes": [\n${line3}\n  ]\n}`);
  assert.deepEqual([l.line, l.column, l.field], [3, line3.length, '/routes']);
  assert.match(l.reason, /trailing comma: JSON allows no "," before "]"/);
  // A comma on a line of its own is still the place to point at.
  const own = only('{"routes": [{"host": "a.test", "target": 3000}\n,\n]}');
  assert.deepEqual([own.line, own.column, own.field], [2, 1, '/routes']);
});

test('comments, single quotes, an empty file and a truncated file each get a plain reason', () => {
  assert.match(only('// mine\n{"routes": []}').reason, /comments are not allowed/);
  assert.match(only("{'routes': []}").reason, /double quotes/);
  const empty = only('  \n');
  assert.match(empty.reason, /empty/);
  assert.deepEqual([empty.line, empty.column], [1, 1]);
  const cut = only('{"routes": [\n  {"host": "a.test"');
  assert.equal(cut.line, 2);
  assert.match(cut.reason, /missing "}"/);
});

test('a repeated field is rejected rather than silently dropped', () => {
  const i = only('{\n  "routes": [],\n  "routes": [{"host": "a.test", "target": "http://127.0.0.1:1"}]\n}');
  assert.equal(i.line, 3);
  assert.equal(i.field, '/routes');
  assert.match(i.reason, /duplicate field "routes"/);
});

test('unknown balance policy: one message naming the field, its position and the choices', () => {
  const text = '{\n  "routes": [\n    {"host": "a.test", "target": "http://127.0.0.1:3000"},\n    {"host": "b.test", "target": "http://127.0.0.1:3001", "balance": "fastest"}\n  ]\n}';
  const i = only(text);
  assert.equal(i.field, '/routes/1/balance');
  assert.equal(i.line, 4);
  assert.equal(i.column, 70);
  assert.equal(i.reason, 'unknown balance policy "fastest"; use one of round-robin, least-connections, ip-hash, weighted');
  assert.equal(
    formatConfigIssue(i),
    `${FILE}:4:70 /routes/1/balance: unknown balance policy "fastest"; use one of round-robin, least-connections, ip-hash, weighted`,
  );
});

test('bad target URLs: wrong scheme, unparsable, no port, relative socket — one issue each, no oneOf noise', () => {
  const issues = issuesOf(
    JSON.stringify({
      routes: [
        { host: 'a.test', target: 'ftp://127.0.0.1:21' },
        { host: 'b.test', target: 'http://[::1:3000' },
        { host: 'c.test', target: 'http://localhost' },
        { host: 'd.test', targets: ['http://127.0.0.1:1', { url: 'unix:relative.sock' }] },
      ],
    }),
  );
  assert.deepEqual(
    issues.map((i) => i.field),
    ['/routes/0/target', '/routes/1/target', '/routes/2/target', '/routes/3/targets/1/url'],
  );
  assert.match(issues[0]!.reason, /"ftp:\/\/127.0.0.1:21" is not a target; use http:\/\/host:port, https:\/\/host:port or unix:/);
  assert.match(issues[1]!.reason, /not a URL/);
  assert.match(issues[2]!.reason, /has no port; write it out, e.g. "http:\/\/localhost:3000"/);
  assert.match(issues[3]!.reason, /absolute path/);
  for (const i of issues) assert.doesNotMatch(i.reason, /oneOf|must match|schema/);
});

test('target and targets: neither or both is one clear message on the route', () => {
  const [neither, both] = issuesOf(
    JSON.stringify({ routes: [{ host: 'a.test' }, { host: 'b.test', target: 'http://127.0.0.1:1', targets: ['http://127.0.0.1:2'] }] }),
  );
  assert.equal(neither!.field, '/routes/0');
  assert.match(neither!.reason, /needs "target" .* or "targets"/);
  assert.equal(both!.field, '/routes/1');
  assert.equal(both!.reason, 'use either "target" or "targets", not both');
});

test('a target of the wrong type names both accepted forms', () => {
  const i = only('{"routes": [{"host": "a.test", "target": 3000}]}');
  assert.equal(i.field, '/routes/0/target');
  assert.match(i.reason, /must be a string or an object \{\.\.\.\} \(found 3000\)/);
});

test('a target object is explained by its own fields', () => {
  const i = only('{"routes": [{"host": "a.test", "targets": [{"url": "http://127.0.0.1:1", "weight": 0}]}]}');
  assert.equal(i.field, '/routes/0/targets/0/weight');
  assert.match(i.reason, /greater than 0/);
});

test('unknown fields point at the key and suggest the likely one', () => {
  const text = '{"routes": [{"host": "a.test", "target": "http://127.0.0.1:1", "stripPth": true}]}';
  const i = only(text);
  assert.equal(i.field, '/routes/0/stripPth');
  assert.equal(i.column, text.indexOf('"stripPth"') + 1);
  assert.equal(i.reason, 'unknown field "stripPth"; did you mean "stripPath"?');
});

test('missing fields are reported at the enclosing object', () => {
  const i = only('{"routes": [{"target": "http://127.0.0.1:1"}]}');
  assert.equal(i.field, '/routes/0/host');
  assert.equal(i.column, 13); // the "{" of the route
  assert.match(i.reason, /missing required field "host"/);
  assert.match(only('{}').reason, /missing required field "routes"/);
});

test('host mistakes get specific advice', () => {
  const hosts = ['http://app.test', 'app.test:8080', 'app.test/api', 'app.*.test', 'app_test'];
  const issues = issuesOf(JSON.stringify({ routes: hosts.map((host, i) => ({ host, target: `http://127.0.0.1:${3000 + i}` })) }));
  assert.deepEqual(issues.map((i) => i.field), hosts.map((_, i) => `/routes/${i}/host`));
  assert.match(issues[0]!.reason, /a host is a name, not a URL: write "app.test"/);
  assert.match(issues[1]!.reason, /no port .* write "app.test"/);
  assert.match(issues[2]!.reason, /"host": "app.test", "path": "\/api"/);
  assert.match(issues[3]!.reason, /wildcard may only be the whole first label/);
  assert.match(issues[4]!.reason, /not a valid host name/);
});

test('duplicate host + path is rejected (case-insensitive, trailing slash ignored)', () => {
  const i = only(
    JSON.stringify({
      routes: [
        { host: 'app.test', path: '/api', target: 'http://127.0.0.1:1' },
        { host: 'APP.test', path: '/api/', target: 'http://127.0.0.1:2' },
        { host: 'app.test', target: 'http://127.0.0.1:3' },
      ],
    }),
  );
  assert.equal(i.field, '/routes/1');
  assert.match(i.reason, /route "app.test\/api" is already defined at \/routes\/0/);
});

test('durations, ports, listen addresses and trusted proxies are checked', () => {
  const issues = issuesOf(
    JSON.stringify({
      routes: [],
      timeouts: { keepAlive: '5 sec', upstreamBody: true },
      httpPort: 70000,
      listen: ['localhost'],
      trustedProxies: ['10.0.0.0/33'],
    }),
  );
  const byField = Object.fromEntries(issues.map((i) => [i.field, i.reason]));
  assert.match(byField['/timeouts/keepAlive']!, /"5 sec" is not a duration/);
  assert.match(byField['/timeouts/upstreamBody']!, /must be a number or a string \(found true\)/);
  assert.match(byField['/httpPort']!, /not a port; use a whole number from 0 to 65535/);
  assert.match(byField['/listen/0']!, /not an IP address/);
  assert.match(byField['/trustedProxies/0']!, /not an IP address or CIDR/);
  assert.equal(issues.length, 5);
});

test('issues come sorted by position', () => {
  const issues = issuesOf('{\n"routes": [{"host": "b_x", "target": "http://127.0.0.1:1"}],\n"httpPort": -1\n}');
  assert.deepEqual(issues.map((i) => i.line), [2, 3]);
});

test('a byte-order mark does not shift positions', () => {
  const r = parseConfigText('\uFEFF{"routes": []}', FILE);
  assert.ok(r.ok);
  const i = only('\uFEFF{"routes": [], "x": 1}');
  assert.equal(i.column, 17);
});

test('a duration longer than a timer can wait (2^31−1 ms, about 24.8 days) is refused wherever durations appear', () => {
  const route = (over: object) => ({ host: 'a.test', target: 'http://127.0.0.1:3000', ...over });
  const cases: Array<[object, string, string]> = [
    [{ routes: [], timeouts: { clientBody: '600h' } }, '/timeouts/clientBody', '"600h"'],
    [{ routes: [], timeouts: { upstreamConnect: 2147483648 } }, '/timeouts/upstreamConnect', '2147483648'],
    [{ routes: [route({ latency: '999h' })] }, '/routes/0/latency', '"999h"'],
    [{ routes: [route({ healthCheck: { path: '/h', interval: '1000h' } })] }, '/routes/0/healthCheck/interval', '"1000h"'],
    [{ routes: [route({ healthCheck: { path: '/h', timeout: '2147483.648s' } })] }, '/routes/0/healthCheck/timeout', '"2147483.648s"'],
  ];
  for (const [config, field, shown] of cases) {
    const issue = only(JSON.stringify(config, null, 2));
    assert.equal(issue.field, field);
    assert.equal(issue.reason, `${shown} is too long: a duration can be at most 2147483647 ms (about 24.8 days, "596h")`);
  }
  for (const ok of ['596h', 2147483647, '2147483.647s']) {
    const r = parseConfigText(JSON.stringify({ routes: [route({ latency: ok })], timeouts: { clientBody: ok } }), FILE);
    assert.ok(r.ok, `${ok} is accepted`);
  }
});

test('a target port outside 1–65535 is named as such, not "not a URL"', () => {
  for (const [target, port] of [['http://127.0.0.1:0', 0], ['http://127.0.0.1:70000', 70000], ['https://[::1]:99999/x', 99999]] as const) {
    const issue = only(JSON.stringify({ routes: [{ host: 'a.test', targets: ['http://127.0.0.1:3000', { url: target }] }] }));
    assert.equal(issue.field, '/routes/0/targets/1/url');
    assert.equal(issue.reason, `target "${target}": port ${port} is out of range (1–65535)`);
  }
  assert.ok(parseConfigText(JSON.stringify({ routes: [{ host: 'a.test', target: 'http://127.0.0.1:65535' }] }), FILE).ok);
});

test('a route host the CA may not issue for is refused while the route is served over HTTPS, with the two ways out', () => {
  const routes = [
    { host: 'google.com', target: 'http://127.0.0.1:3000' },
    { host: '*.corp.example.com', target: 'http://127.0.0.1:3001' },
    { host: '127.0.0.2', target: 'http://127.0.0.1:3002' },
    { host: `${'a'.repeat(70)}.test`, target: 'http://127.0.0.1:3003' },
    // Under a two-label public suffix: the suggestion is the registrable domain, not "co.uk",
    // which would be refused as a public suffix in turn.
    { host: 'app.example.co.uk', target: 'http://127.0.0.1:3007' },
  ];
  const issues = issuesOf(JSON.stringify({ routes }));
  assert.deepEqual(issues.map((i) => i.field), ['/routes/0/host', '/routes/1/host', '/routes/2/host', '/routes/3/host', '/routes/4/host']);
  assert.match(issues[4]!.reason, /e\.g\. "example\.co\.uk"/);
  assert.equal(parseConfigText(JSON.stringify({ suffixes: ['example.co.uk'], routes: [routes[4]] }), FILE).ok, true, 'the suggestion, taken, is accepted');
  assert.match(issues[0]!.reason, /^"google\.com" cannot be served over HTTPS: the local CA only issues certificates under test, localhost; add its domain to "suffixes" \(e\.g\. "google\.com"\), or set "https": false on this route$/);
  assert.match(issues[1]!.reason, /e\.g\. "example\.com"/);
  assert.match(issues[2]!.reason, /IP address, which the local CA issues no certificates for; set "https": false/);
  // The same as data, for the dashboard's form to word its own way.
  assert.deepEqual(issues[0]!.detail, { code: 'https-host-not-permitted', host: 'google.com', suffixes: ['test', 'localhost'], suggestedSuffix: 'google.com' });
  assert.deepEqual(issues[1]!.detail, { code: 'https-host-not-permitted', host: '*.corp.example.com', suffixes: ['test', 'localhost'], suggestedSuffix: 'example.com' });
  assert.deepEqual(issues[2]!.detail, { code: 'https-host-is-ip', host: '127.0.0.2' });
  assert.equal(issues[3]!.detail, undefined);
  assert.match(issues[3]!.reason, /not a name DNS can carry: its label "aaaaaaaaaaaa…" has 70 characters \(at most 63\)/);

  // Either way out is accepted; hosts under the built-in and configured suffixes always were.
  const fixed = parseConfigText(
    JSON.stringify({
      suffixes: ['corp.example.com'],
      routes: [
        { ...routes[0], https: false },
        routes[1],
        { ...routes[2], https: false },
        { host: 'app.localhost', target: 'http://127.0.0.1:3004' },
        { host: 'localhost', path: '/x', target: 'http://127.0.0.1:3005' },
        { host: '*.app.test', target: 'http://127.0.0.1:3006' },
      ],
    }),
    FILE,
  );
  assert.equal(fixed.ok, true, fixed.ok ? '' : fixed.issues.map(formatConfigIssue).join('\n'));
});

test('a suffix that is a public suffix is refused: the CA could sign, and the DNS answer, for every site under it', () => {
  const issues = issuesOf(JSON.stringify({ routes: [], suffixes: ['com', 'dev', 'co.uk', 'github.io', 'internal', 'lan', 'dev.example.com'] }));
  assert.deepEqual(issues.map((i) => i.field), ['/suffixes/0', '/suffixes/1', '/suffixes/2', '/suffixes/3']);
  assert.match(issues[0]!.reason, /^"com" is a public suffix: a local CA allowed to sign under it could impersonate every real site there, and the DNS responder would answer for them; use a name you own under it \(e\.g\. "dev\.example\.com"\) or a reserved one/);
  assert.match(issues[2]!.reason, /"co\.uk" is a public suffix/);
  assert.match(issues[3]!.reason, /"github\.io" is a public suffix/);
});
