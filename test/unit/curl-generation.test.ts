import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { singleQuote, printfFormat, quoteBytesArg } from '../../shared/shell-quote';
import { toCurl } from '../../shared/curl';
import { toFetch } from '../../shared/fetch-code';
import { requestSpecOf, SAMPLE_WEBSOCKET_KEY, type RequestSpec } from '../../shared/request-spec';
import type { Exchange } from '../../shared/exchange-types';
import { Recorder } from '../../main/recorder/recorder';
import { sampleRecorder } from '../support/sample-exchanges';
import { exchangeStart } from '../support/exchange-start';

/** Runs a script through a real POSIX shell (dash and bash) and returns stdout bytes. */
function sh(shell: 'sh' | 'bash', script: string): Buffer {
  const r = spawnSync(shell, ['-s'], { input: script, timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout;
}

const nasty = [
  '',
  "it's",
  "''''",
  '"double" $HOME `id` $(id) \\ \\n !bang *glob* ~tilde',
  'tab\there\nnewline\r\ncrlf',
  'ünïcødé ✓ 🎉',
  '-starts-with-dash',
  '@file',
];

test('single quoting survives dash and bash for any printable text', () => {
  for (const shell of ['sh', 'bash'] as const) {
    for (const s of nasty) {
      assert.equal(sh(shell, `printf '%s' ${singleQuote(s)}`).toString('utf8'), s, `${shell}: ${JSON.stringify(s)}`);
    }
  }
});

test('printf formats reproduce every byte value, NUL included, in dash and bash', () => {
  const all = new Uint8Array(256).map((_, i) => i);
  for (const shell of ['sh', 'bash'] as const) {
    assert.deepEqual([...sh(shell, `printf ${printfFormat(all)}`)], [...all]);
  }
});

test('quoteBytesArg keeps latin1 header bytes exact', () => {
  const bytes = Buffer.from('caf\xe9 \x01', 'latin1');
  for (const shell of ['sh', 'bash'] as const) {
    assert.equal(sh(shell, `printf '%s' ${quoteBytesArg(bytes)}`).toString('latin1'), 'caf\xe9 \x01');
  }
});

function spec(overrides: Partial<RequestSpec> = {}): RequestSpec {
  return { method: 'GET', url: 'http://app.test/x', headers: [['Host', 'app.test']], body: new Uint8Array(0), warnings: [], ...overrides };
}

test('curl: method flags follow what curl would do by itself', () => {
  assert.doesNotMatch(toCurl(spec()).code, / -X /);
  assert.match(toCurl(spec({ method: 'HEAD' })).code, /--head/);
  assert.match(toCurl(spec({ method: 'DELETE' })).code, /-X DELETE/);
  assert.doesNotMatch(toCurl(spec({ method: 'POST', body: Buffer.from('a') })).code, / -X /);
  assert.match(toCurl(spec({ method: 'POST' })).code, /-X POST/);
  assert.match(toCurl(spec({ method: 'GET', body: Buffer.from('a') })).code, /-X GET/);
});

test('curl: suppresses the headers curl adds on its own when the original lacked them', () => {
  const code = toCurl(spec({ method: 'POST', body: Buffer.from('x') }), { multiline: false }).code;
  for (const h of ["'User-Agent:'", "'Accept:'", "'Content-Type:'", "'Expect:'"]) assert.ok(code.includes(`-H ${h}`), `${h} in ${code}`);
  const withUa = toCurl(spec({ headers: [['User-Agent', 'me'], ['Accept', '*/*']] })).code;
  assert.doesNotMatch(withUa, /'User-Agent:'/);
});

test('curl: URL globbing and dot segments are kept literal', () => {
  const code = toCurl(spec({ url: 'http://app.test/a/../b/[1-2]?x={y}' })).code;
  assert.match(code, /--globoff/);
  assert.match(code, /--path-as-is/);
});

test('curl: text bodies go inline with --data-raw, binary ones through printf | --data-binary @-', () => {
  const text = toCurl(spec({ method: 'POST', body: Buffer.from("it's @here\n") }), { multiline: false }).code;
  assert.ok(text.startsWith('curl '));
  assert.ok(text.includes(`--data-raw 'it'\\''s @here\n'`), text);
  const bin = toCurl(spec({ method: 'POST', body: Buffer.from([0, 255, 10]) }), { multiline: false }).code;
  assert.ok(bin.startsWith("printf '\\000\\377\\012' | curl "), bin);
  assert.ok(bin.endsWith('--data-binary @-'));
});

test('curl: --compressed when the request asked for a coding curl can decode, so the body prints readable', () => {
  const withEncoding = (value: string) => toCurl(spec({ headers: [['Accept-Encoding', value]] })).code;
  assert.match(withEncoding('gzip, deflate, br, zstd'), /--compressed/);
  assert.match(withEncoding('br'), /--compressed/);
  assert.doesNotMatch(withEncoding('identity'), /--compressed/);
  assert.doesNotMatch(withEncoding('gzip;q=0, identity'), /--compressed/);
  assert.doesNotMatch(toCurl(spec()).code, /--compressed/);
  // The browser's header is still sent as it was.
  assert.match(withEncoding('gzip, br'), /-H 'Accept-Encoding: gzip, br'/);
});

test('curl: empty header values use the "Name;" form', () => {
  assert.match(toCurl(spec({ headers: [['X-Empty', '']] })).code, /-H 'X-Empty;'/);
});

test('fetch: pairs keep duplicates and order; binary bodies are exact; Host mismatch is warned about', async () => {
  const calls: Array<[string, RequestInit]> = [];
  const fakeFetch = async (url: string, init: RequestInit) => void calls.push([url, init]);
  const body = Buffer.from([0, 1, 254, 255]);
  const { code, warnings } = toFetch(
    spec({ method: 'PUT', url: 'http://127.0.0.1:3000/x', headers: [['Host', 'app.test'], ['X-A', '1'], ['x-a', '2'], ['Content-Length', '4']], body }),
  );
  await new Function('fetch', `return (async () => { ${code} })()`)(fakeFetch);
  const [url, init] = calls[0]!;
  assert.equal(url, 'http://127.0.0.1:3000/x');
  assert.equal(init.method, 'PUT');
  assert.deepEqual(init.headers, [['X-A', '1'], ['x-a', '2']]);
  assert.deepEqual([...(init.body as Uint8Array)], [...body]);
  assert.ok(warnings.some((w) => /Host/.test(w)));
});

test('request specs: proxy view vs upstream view, edits, and truncation warnings', () => {
  const { recorder, exchanges } = sampleRecorder();
  const post = exchanges[0]!;
  const proxy = requestSpecOf(post);
  assert.equal(proxy.url, 'http://app.test/api/items?q=a%20b&x=1');
  assert.deepEqual(proxy.headers.find(([k]) => k === 'X-Forwarded-For'), ['X-Forwarded-For', '6.6.6.6']);
  const upstream = requestSpecOf(post, {}, 'upstream');
  assert.equal(upstream.url, 'http://127.0.0.1:3000/api/items?q=a%20b&x=1');
  assert.deepEqual(upstream.headers.find(([k]) => k === 'X-Forwarded-For'), ['X-Forwarded-For', '127.0.0.1']);
  const edited = requestSpecOf(post, { method: 'PATCH', url: '/other?z=1', headers: [['X-New', 'yes'], ['Content-Length', '99']], body: { text: 'new body' } });
  assert.equal(edited.method, 'PATCH');
  assert.equal(edited.url, 'http://app.test/other?z=1');
  assert.deepEqual(edited.headers, [['X-New', 'yes']]);
  assert.equal(Buffer.from(edited.body).toString(), 'new body');
  assert.throws(() => requestSpecOf(exchanges[3]!, {}, 'upstream'), /never forwarded/);
  recorder.close();
});

/** An HTTP/2 WebSocket as main/tls/h2-websocket.ts records it: CONNECT, the client's raw pairs with their pseudo-headers. */
function recordedH2WebSocket(): { recorder: Recorder; x: Exchange } {
  const recorder = new Recorder();
  const tap = recorder.begin(
    exchangeStart({
      httpVersion: '2',
      scheme: 'https',
      method: 'CONNECT',
      host: 'app.localhost:20443',
      url: '/?token=abc',
      websocket: true,
      requestHeaders: [
        [':method', 'CONNECT'],
        [':authority', 'app.localhost:20443'],
        [':scheme', 'https'],
        [':path', '/?token=abc'],
        [':protocol', 'websocket'],
        ['pragma', 'no-cache'],
        ['origin', 'https://app.localhost:20443'],
        ['sec-websocket-version', '13'],
        ['sec-websocket-protocol', 'vite-hmr'],
        ['sec-websocket-extensions', 'permessage-deflate; client_max_window_bits'],
      ],
    }),
  )!;
  tap.target('http://127.0.0.1:5173');
  tap.forwarded('GET', '/?token=abc', [['Host', 'app.localhost:20443'], ['Connection', 'Upgrade'], ['Upgrade', 'websocket'], ['Sec-WebSocket-Key', 'k4ZlL7uJ3yAUZ4sKxFvuNQ=='], ['sec-websocket-version', '13']]);
  tap.upstreamConnected(false);
  tap.clientResponse(200, [['sec-websocket-protocol', 'vite-hmr']]);
  tap.finish();
  return { recorder, x: recorder.all()[0]! };
}

test('an HTTP/2 WebSocket (extended CONNECT) becomes the HTTP/1.1 Upgrade handshake that opens it', () => {
  const { recorder, x } = recordedH2WebSocket();
  const spec = requestSpecOf(x);
  assert.equal(spec.method, 'GET');
  assert.equal(spec.url, 'https://app.localhost:20443/?token=abc');
  assert.equal(spec.websocket, true);
  assert.deepEqual(spec.headers, [
    ['pragma', 'no-cache'],
    ['origin', 'https://app.localhost:20443'],
    ['sec-websocket-version', '13'],
    ['sec-websocket-protocol', 'vite-hmr'],
    ['sec-websocket-extensions', 'permessage-deflate; client_max_window_bits'],
    ['Connection', 'Upgrade'],
    ['Upgrade', 'websocket'],
    ['Sec-WebSocket-Key', SAMPLE_WEBSOCKET_KEY],
  ]);
  assert.equal(Buffer.from(SAMPLE_WEBSOCKET_KEY, 'base64').length, 16, 'a key is base64 of 16 bytes (RFC 6455 §4.1)');
  const curl = toCurl(spec, { multiline: false }).code;
  assert.ok(curl.startsWith("curl --http1.1 'https://app.localhost:20443/?token=abc' "), curl);
  assert.doesNotMatch(curl, /CONNECT|:protocol|:authority/);
  // Straight to the upstream: the GET the proxy sent, also kept on HTTP/1.1.
  const upstream = toCurl(requestSpecOf(x, {}, 'upstream'), { multiline: false }).code;
  assert.ok(upstream.startsWith("curl --http1.1 'http://127.0.0.1:5173/?token=abc' "), upstream);
  recorder.close();
});

test('fetch cannot open a WebSocket: a WebSocket row becomes new WebSocket(url, protocols)', () => {
  const { recorder, x } = recordedH2WebSocket();
  const { code, warnings } = toFetch(requestSpecOf(x));
  assert.equal(code, 'const ws = new WebSocket("wss://app.localhost:20443/?token=abc", ["vite-hmr"]);\nws.onmessage = (event) => console.log(event.data);');
  assert.ok(warnings.some((w) => /cannot open a WebSocket/.test(w)), warnings.join('\n'));
  assert.ok(warnings.some((w) => /pragma, origin/.test(w)), warnings.join('\n'));
  recorder.close();
});
