import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  connectionTokens,
  forwardedNode,
  forwardedValue,
  forwardRequestHeaders,
  forwardResponseHeaders,
  forwardUpgradeResponseHeaders,
  hostPort,
  type ForwardingContext,
} from '../../main/engine/forwarded-headers';
import type { RawHeaders } from '../../shared/http-types';

const ctx: ForwardingContext = {
  clientAddress: '10.1.2.3',
  trusted: false,
  scheme: 'http',
  host: 'app.test',
  httpVersion: '1.1',
  hopId: 'abc123',
};

function get(h: RawHeaders, name: string): string[] {
  return h.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

test('hop-by-hop headers and every Connection-named header are removed; TE: trailers kept', () => {
  const input: RawHeaders = [
    ['Host', 'app.test'],
    ['Connection', 'keep-alive, X-Secret, x-other'],
    ['Keep-Alive', 'timeout=5'],
    ['Proxy-Connection', 'keep-alive'],
    ['Proxy-Authorization', 'Basic xyz'],
    ['Proxy-Authenticate', 'Basic'],
    ['TE', 'trailers, deflate'],
    ['Trailer', 'X-Checksum'],
    ['Transfer-Encoding', 'chunked'],
    ['Upgrade', 'h2c'],
    ['X-Secret', '1'],
    ['X-Other', '2'],
    ['X-Keep', '3'],
    ['Expect', '100-continue'],
  ];
  const frozen = JSON.stringify(input);
  const { headers } = forwardRequestHeaders(input, ctx);
  assert.equal(JSON.stringify(input), frozen, 'input not mutated');
  const names = headers.map(([n]) => n.toLowerCase());
  for (const gone of ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'trailer', 'transfer-encoding', 'upgrade', 'x-secret', 'x-other', 'expect']) {
    assert.ok(!names.includes(gone), `${gone} removed`);
  }
  assert.deepEqual(get(headers, 'te'), ['trailers']);
  assert.deepEqual(get(headers, 'x-keep'), ['3']);
  assert.equal(headers[0]![0], 'Host', 'order and case kept');
});

test('TE without trailers is dropped entirely', () => {
  const { headers } = forwardRequestHeaders([['Host', 'a'], ['TE', 'gzip']], ctx);
  assert.deepEqual(get(headers, 'te'), []);
});

test('client-sent forwarding headers are replaced for an untrusted client', () => {
  const { headers } = forwardRequestHeaders(
    [
      ['Host', 'app.test:8080'],
      ['X-Forwarded-For', '6.6.6.6'],
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Host', 'evil.test'],
      ['X-Forwarded-Port', '1'],
      ['Forwarded', 'for=6.6.6.6'],
    ],
    { ...ctx, host: 'app.test:8080' },
  );
  assert.deepEqual(get(headers, 'x-forwarded-for'), ['10.1.2.3']);
  assert.deepEqual(get(headers, 'x-forwarded-proto'), ['http']);
  assert.deepEqual(get(headers, 'x-forwarded-host'), ['app.test:8080']);
  assert.deepEqual(get(headers, 'x-forwarded-port'), ['8080']);
  assert.deepEqual(get(headers, 'forwarded'), ['for=10.1.2.3;host="app.test:8080";proto=http']);
  assert.deepEqual(get(headers, 'via'), ['1.1 gatehouse']);
});

test('a trusted proxy is appended to (For, Forwarded) and believed (Proto, Host, Port)', () => {
  const { headers } = forwardRequestHeaders(
    [
      ['Host', 'app.test'],
      ['X-Forwarded-For', '1.1.1.1'],
      ['x-forwarded-for', '2.2.2.2'],
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Host', 'public.example'],
      ['X-Forwarded-Port', '443'],
      ['Forwarded', 'for=1.1.1.1;proto=https'],
      ['Via', '1.1 edge'],
    ],
    { ...ctx, trusted: true },
  );
  assert.deepEqual(get(headers, 'x-forwarded-for'), ['1.1.1.1, 2.2.2.2, 10.1.2.3']);
  assert.deepEqual(get(headers, 'x-forwarded-proto'), ['https']);
  assert.deepEqual(get(headers, 'x-forwarded-host'), ['public.example']);
  assert.deepEqual(get(headers, 'x-forwarded-port'), ['443']);
  assert.deepEqual(get(headers, 'forwarded'), ['for=1.1.1.1;proto=https, for=10.1.2.3;host=app.test;proto=http']);
  assert.deepEqual(get(headers, 'via'), ['1.1 edge, 1.1 gatehouse']);
});

test("a trusted proxy's Proto and Host without a Port give the port they imply, not the local one", () => {
  const port = (sent: RawHeaders, local: Partial<ForwardingContext> = {}) =>
    get(forwardRequestHeaders([['Host', 'plain.test'], ...sent], { ...ctx, trusted: true, ...local }).headers, 'x-forwarded-port');
  assert.deepEqual(port([['X-Forwarded-Proto', 'https'], ['X-Forwarded-Host', 'real.example']]), ['443']);
  assert.deepEqual(port([['X-Forwarded-Proto', 'HTTPS, http']]), ['443']);
  assert.deepEqual(port([['X-Forwarded-Host', 'real.example:9443'], ['X-Forwarded-Proto', 'https']]), ['9443']);
  assert.deepEqual(port([['X-Forwarded-Proto', 'http']], { scheme: 'https' }), ['80']);
  assert.deepEqual(port([['X-Forwarded-Host', 'real.example']], { scheme: 'https' }), ['443']);
  assert.deepEqual(port([['X-Forwarded-Proto', 'https'], ['X-Forwarded-Port', '8443']]), ['8443']);
  // An untrusted client's claims are ignored: the port follows the Host it sent and the local scheme.
  assert.deepEqual(port([['X-Forwarded-Proto', 'https']], { trusted: false }), ['80']);
});

test("X-Real-IP and the forwarding headers spelt with '_' are dropped from untrusted clients, kept from trusted ones", () => {
  const sent: RawHeaders = [
    ['Host', 'app.test'],
    ['X-Real-IP', '6.6.6.6'],
    ['X_Forwarded_For', '6.6.6.6'],
    ['x_forwarded_proto', 'https'],
    ['X_Forwarded_Host', 'evil.test'],
    ['X_Forwarded_Port', '1'],
    ['X_Custom_Header', 'kept'],
  ];
  const names = (h: RawHeaders) => h.map(([n]) => n);
  const untrusted = forwardRequestHeaders(sent, ctx).headers;
  assert.ok(!untrusted.some(([, v]) => v === '6.6.6.6' || v === 'evil.test' || v === '1'), JSON.stringify(untrusted));
  assert.deepEqual(get(untrusted, 'x_custom_header'), ['kept']);
  assert.deepEqual(get(untrusted, 'x-forwarded-for'), ['10.1.2.3']);
  const trusted = forwardRequestHeaders(sent, { ...ctx, trusted: true }).headers;
  for (const [name] of sent.slice(1)) assert.ok(names(trusted).includes(name), `${name} kept from a trusted proxy`);
});

test('IPv6 clients are quoted and bracketed in Forwarded, bare in X-Forwarded-For', () => {
  const { headers } = forwardRequestHeaders([['Host', 'app.test']], { ...ctx, clientAddress: '::1', scheme: 'https' });
  assert.deepEqual(get(headers, 'forwarded'), ['for="[::1]";host=app.test;proto=https']);
  assert.deepEqual(get(headers, 'x-forwarded-for'), ['::1']);
  assert.deepEqual(get(headers, 'x-forwarded-port'), ['443']);
  assert.equal(forwardedNode(''), 'unknown');
  assert.equal(forwardedValue('a"b'), '"a\\"b"');
  assert.equal(hostPort('[::1]:8443', 'https'), '8443');
  assert.equal(hostPort('[::1]', 'https'), '443');
});

test('Host is kept, or replaced by the target host:port', () => {
  assert.deepEqual(get(forwardRequestHeaders([['host', 'app.test']], ctx).headers, 'host'), ['app.test']);
  const replaced = forwardRequestHeaders([['host', 'app.test']], { ...ctx, hostOverride: '127.0.0.1:3000' }).headers;
  assert.deepEqual(get(replaced, 'host'), ['127.0.0.1:3000']);
  assert.deepEqual(get(replaced, 'x-forwarded-host'), ['app.test']);
});

test('HTTP/2: pseudo-headers dropped, :authority becomes Host, cookies joined, Via says 2', () => {
  const { headers } = forwardRequestHeaders(
    [
      [':method', 'GET'],
      [':path', '/x'],
      [':authority', 'app.test'],
      [':scheme', 'https'],
      ['cookie', 'a=1'],
      ['accept', '*/*'],
      ['cookie', 'b=2'],
    ],
    { ...ctx, httpVersion: '2', scheme: 'https' },
  );
  assert.ok(!headers.some(([n]) => n.startsWith(':')));
  assert.deepEqual(headers.slice(0, 3), [
    ['Host', 'app.test'],
    ['cookie', 'a=1; b=2'],
    ['accept', '*/*'],
  ]);
  assert.deepEqual(get(headers, 'via'), ['2 gatehouse']);
});

test('loop detection: our hop id already present', () => {
  const first = forwardRequestHeaders([['Host', 'a']], ctx);
  assert.equal(first.loop, false);
  assert.deepEqual(get(first.headers, 'x-gatehouse-hop'), ['abc123']);
  const again = forwardRequestHeaders(first.headers, ctx);
  assert.equal(again.loop, true);
  assert.equal(forwardRequestHeaders([['Host', 'a'], ['X-Gatehouse-Hop', 'other']], ctx).loop, false);
});

test('upgrade requests keep Connection: Upgrade and Upgrade', () => {
  const { headers } = forwardRequestHeaders(
    [
      ['Host', 'a'],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
      ['Sec-WebSocket-Key', 'k'],
      ['Sec-WebSocket-Protocol', 'vite-hmr'],
    ],
    { ...ctx, upgrade: 'websocket' },
  );
  assert.deepEqual(get(headers, 'connection'), ['Upgrade']);
  assert.deepEqual(get(headers, 'upgrade'), ['websocket']);
  assert.deepEqual(get(headers, 'sec-websocket-protocol'), ['vite-hmr']);
});

test('response: hop-by-hop and Connection-named removed, Trailer and Set-Cookie order kept', () => {
  const out = forwardResponseHeaders([
    ['Content-Type', 'text/plain'],
    ['Connection', 'keep-alive, X-Internal'],
    ['Keep-Alive', 'timeout=5'],
    ['Transfer-Encoding', 'chunked'],
    ['X-Internal', 'x'],
    ['Set-Cookie', 'a=1'],
    ['Trailer', 'X-Checksum'],
    ['Set-Cookie', 'b=2'],
  ]);
  assert.deepEqual(out, [
    ['Content-Type', 'text/plain'],
    ['Set-Cookie', 'a=1'],
    ['Trailer', 'X-Checksum'],
    ['Set-Cookie', 'b=2'],
  ]);
  const up = forwardUpgradeResponseHeaders([
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', 'x'],
    ['Keep-Alive', '1'],
  ]);
  assert.deepEqual(up, [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', 'x'],
  ]);
});

test('response: the usual "Connection: keep-alive" and header names in any case get the same policy', () => {
  const out = forwardResponseHeaders([
    ['Server', 'nginx'],
    ['CONNECTION', 'Keep-Alive'],
    ['KEEP-ALIVE', 'timeout=5'],
    ['Content-Length', '25'], // as long as Http2-Settings: checked by name, kept
    ['HTTP2-Settings', 'AAMAAABkAAQAoAAAAAIAAAAA'],
    ['upgrade', 'h2c'],
    ['TE', 'trailers'],
    ['Proxy-Authenticate', 'Basic'],
    ['X-Len-10-ab', 'kept'],
  ]);
  assert.deepEqual(out, [
    ['Server', 'nginx'],
    ['Content-Length', '25'],
    ['X-Len-10-ab', 'kept'],
  ]);
  // A header a Connection value names is dropped whatever its length, "keep-alive" among other tokens too.
  assert.deepEqual(
    forwardResponseHeaders([
      ['Connection', 'close, X-Debug-Token'],
      ['Close', 'odd but named'],
      ['x-debug-token', 'secret'],
      ['Date', 'now'],
    ]),
    [['Date', 'now']],
  );
  assert.deepEqual(connectionTokens([['connection', 'keep-alive']]), undefined, 'nothing to add to the hop-by-hop set');
  assert.deepEqual([...connectionTokens([['Connection', 'Keep-Alive, X-A'], ['Connection', ' x-b ']])!], ['keep-alive', 'x-a', 'x-b']);
  // Case folding is for letters only: a control character is not the "-" of keep-alive, nor a header name "connection".
  assert.deepEqual([...connectionTokens([['Connection', 'keep\ralive']])!], ['keep\ralive']);
  assert.equal(connectionTokens([['\x03onnection', 'x-a']]), undefined);
  // The request side drops a browser's "Connection: keep-alive" and whatever it names.
  const req = forwardRequestHeaders(
    [
      ['Host', 'app.test'],
      ['Connection', 'keep-alive'],
      ['Keep-Alive', '300'],
      ['Accept', '*/*'],
    ],
    ctx,
  );
  assert.deepEqual(req.headers.slice(0, 2), [
    ['Host', 'app.test'],
    ['Accept', '*/*'],
  ]);
});
