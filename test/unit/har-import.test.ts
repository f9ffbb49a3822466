import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { harToExchanges, parseHarText, HarImportError } from '../../shared/har-import';
import { Recorder } from '../../main/recorder/recorder';

function entry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    startedDateTime: '2024-05-01T10:00:00.123Z',
    time: 12.5,
    request: {
      method: 'GET',
      url: 'https://app.test/api/list?page=2',
      httpVersion: 'http/2.0',
      headers: [
        { name: ':authority', value: 'app.test' },
        { name: 'accept', value: 'application/json' },
      ],
      queryString: [{ name: 'page', value: '2' }],
      cookies: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 200,
      statusText: '',
      httpVersion: 'http/2.0',
      headers: [{ name: 'content-type', value: 'application/json' }, { name: 'content-encoding', value: 'br' }],
      cookies: [],
      content: { size: 9, mimeType: 'application/json', text: '{"ok":42}' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 7,
      _transferSize: 120,
      _error: null,
    },
    cache: {},
    timings: { blocked: 1.2, dns: -1, ssl: -1, connect: -1, send: 0.1, wait: 10.2, receive: 1, _blocked_queueing: 0.5 },
    serverIPAddress: '127.0.0.1',
    _initiator: { type: 'script' },
    _priority: 'High',
    _resourceType: 'fetch',
    connection: '443',
    ...overrides,
  };
}

const chromiumHar = {
  log: {
    version: '1.2',
    creator: { name: 'WebInspector', version: '537.36' },
    pages: [{ startedDateTime: '2024-05-01T10:00:00.000Z', id: 'page_1', title: 'http://app.test/', pageTimings: { onContentLoad: 10, onLoad: 20 } }],
    entries: [
      entry(),
      entry({
        request: {
          method: 'POST',
          url: 'http://app.test/upload',
          httpVersion: 'HTTP/1.1',
          headers: [{ name: 'Host', value: 'app.test' }, { name: 'Content-Type', value: 'application/octet-stream' }],
          queryString: [],
          cookies: [],
          headersSize: 100,
          bodySize: 4,
          postData: { mimeType: 'application/octet-stream', text: Buffer.from([0, 1, 2, 3]).toString('base64'), encoding: 'base64' },
        },
        response: {
          status: 0,
          statusText: '',
          httpVersion: '',
          headers: [],
          cookies: [],
          content: { size: 0, mimeType: 'x-unknown' },
          redirectURL: '',
          headersSize: -1,
          bodySize: -1,
          _error: 'net::ERR_CONNECTION_REFUSED',
        },
      }),
      entry({
        request: { method: 'GET', url: 'data:image/png;base64,AAAA', httpVersion: '', headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
      }),
      entry({
        request: { method: 'GET', url: 'ws://app.test/live', httpVersion: 'HTTP/1.1', headers: [{ name: 'Upgrade', value: 'websocket' }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
        response: { status: 101, statusText: 'Switching Protocols', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 0, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: 0 },
        _webSocketMessages: [
          { type: 'send', time: 1714557600.5, opcode: 1, data: 'hi' },
          { type: 'receive', time: 1714557600.6, opcode: 2, data: Buffer.from([7, 7]).toString('base64') },
        ],
      }),
    ],
  },
};

test('a Chromium-style HAR imports: h2 pseudo headers, decoded content, failures, WebSocket messages; data: URLs skipped', () => {
  const out = harToExchanges(chromiumHar);
  assert.equal(out.exchanges.length, 3);
  assert.deepEqual(out.skipped, [{ index: 2, reason: 'data: URLs are not HTTP traffic' }]);
  assert.equal(out.creator, 'WebInspector 537.36');
  const [get, post, ws] = out.exchanges;
  assert.equal(get!.scheme, 'https');
  assert.equal(get!.host, 'app.test');
  assert.equal(get!.url, '/api/list?page=2');
  assert.equal(get!.httpVersion, '2');
  assert.equal(get!.status, 200);
  assert.equal(Buffer.from(get!.responseBody.captured, 'base64').toString(), '{"ok":42}');
  assert.equal(get!.responseBody.contentDecoded, true);
  assert.equal(get!.responseBody.truncated, false);
  assert.equal(get!.startedAt, Date.parse('2024-05-01T10:00:00.123Z'));
  assert.equal(get!.timings.connectionReused, true);
  assert.ok(get!.timings.responseEnd! >= get!.timings.responseHeaders! && get!.timings.responseHeaders! >= get!.timings.received);
  assert.equal(Buffer.from(post!.requestBody.captured, 'base64').toString('hex'), '00010203');
  assert.equal(post!.state, 'error');
  assert.equal(post!.error!.message, 'net::ERR_CONNECTION_REFUSED');
  assert.equal(ws!.websocket, true);
  assert.equal(ws!.wsMessages!.length, 2);
  assert.equal(ws!.wsMessages![0]!.time, 1714557600500);
  assert.equal(Buffer.from(ws!.wsMessages![1]!.data, 'base64').toString('hex'), '0707');
});

test('a Firefox-style HAR (no content text, empty httpVersion, timings missing optional keys) imports', () => {
  const har = {
    log: {
      version: '1.2',
      creator: { name: 'Firefox', version: '126.0' },
      browser: { name: 'Firefox', version: '126.0' },
      pages: [],
      entries: [
        {
          pageref: 'page_1',
          startedDateTime: '2024-05-01T12:00:00.000+02:00',
          request: { bodySize: 0, method: 'GET', url: 'http://app.test/', httpVersion: 'HTTP/1.1', headers: [{ name: 'Host', value: 'app.test' }], cookies: [{ name: 'a', value: 'b' }], queryString: [], headersSize: 300 },
          response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { mimeType: 'text/html', size: 5000 }, redirectURL: '', headersSize: 200, bodySize: 5000 },
          cache: {},
          timings: { blocked: 0, dns: 0, connect: 0, ssl: 0, send: 0, wait: 22, receive: 0 },
          time: 22,
          _securityState: 'insecure',
          serverIPAddress: '127.0.0.1',
          connection: '80',
        },
      ],
    },
  };
  const [x] = harToExchanges(har).exchanges;
  assert.equal(x!.status, 200);
  assert.equal(x!.responseBody.size, 5000);
  assert.equal(x!.startedAt, Date.parse('2024-05-01T10:00:00.000Z'));
  assert.equal(x!.responseBody.truncated, true, 'the body was not in the file');
  assert.match(x!.notes.join('\n'), /did not include the response body/);
});

test('an HTTP Toolkit-style HAR imports, base64 bodies and all', () => {
  const har = {
    log: {
      version: '1.2',
      creator: { name: 'HTTP Toolkit', version: '1.14.0' },
      pages: [],
      entries: [
        entry({
          request: {
            method: 'PUT',
            url: 'http://localhost:8000/things/1',
            httpVersion: 'HTTP/1.1',
            headers: [{ name: 'content-type', value: 'text/plain' }],
            queryString: [],
            cookies: [],
            headersSize: -1,
            bodySize: 5,
            postData: { mimeType: 'text/plain', text: 'hello' },
          },
          response: {
            status: 200,
            statusText: 'OK',
            httpVersion: 'HTTP/1.1',
            headers: [{ name: 'content-type', value: 'image/gif' }],
            cookies: [],
            content: { mimeType: 'image/gif', size: 6, text: Buffer.from('GIF89a').toString('base64'), encoding: 'base64' },
            redirectURL: '',
            headersSize: -1,
            bodySize: 6,
          },
          _pinned: true,
        }),
      ],
    },
  };
  const [x] = harToExchanges(har).exchanges;
  assert.equal(x!.method, 'PUT');
  assert.equal(x!.host, 'localhost:8000');
  assert.equal(Buffer.from(x!.requestBody.captured, 'base64').toString(), 'hello');
  assert.equal(Buffer.from(x!.responseBody.captured, 'base64').toString(), 'GIF89a');
});

function importError(har: unknown): HarImportError {
  try {
    harToExchanges(har);
  } catch (e) {
    assert.ok(e instanceof HarImportError, String(e));
    return e;
  }
  assert.fail('expected the import to fail');
}

test('malformed files fail with an error naming the entry and the field', () => {
  const badHeader = structuredClone(chromiumHar);
  (badHeader.log.entries[1] as { request: { headers: unknown[] } }).request.headers[1] = { name: 'X', value: 5 };
  const e1 = importError(badHeader);
  assert.match(e1.message, /^HAR entry 1 \(POST http:\/\/app\.test\/upload\): request\.headers\[1\]\.value must be a string, got a number$/);
  assert.equal(e1.field, 'request.headers[1].value');

  const badDate = structuredClone(chromiumHar);
  (badDate.log.entries[0] as { startedDateTime: string }).startedDateTime = 'yesterday';
  assert.match(importError(badDate).message, /HAR entry 0 .*startedDateTime is not an ISO 8601 date: "yesterday"/);

  const badBase64 = structuredClone(chromiumHar);
  (badBase64.log.entries[1] as { request: { postData: { text: string } } }).request.postData.text = '@@@';
  assert.match(importError(badBase64).message, /HAR entry 1 .*request\.postData\.text is not valid base64/);

  assert.match(importError({ log: { version: '1.2', entries: {} } }).message, /log\.entries must be an array, got an object/);
  assert.match(importError({ nope: 1 }).message, /^this JSON is not a HAR file: it has no "log"/);
  assert.match(importError([]).message, /\(top level\) must be an object, got an array/);
  const noStatus = structuredClone(chromiumHar);
  delete (noStatus.log.entries[3] as { response: { status?: number } }).response.status;
  assert.match(importError(noStatus).message, /HAR entry 3 .*response\.status must be a number, got nothing \(the field is missing\)/);
});

test('a bad entry late in the file imports nothing (all or nothing)', () => {
  const har = structuredClone(chromiumHar);
  (har.log.entries[3] as { request: { method: string } }).request.method = 'BAD METHOD';
  const rec = new Recorder();
  assert.throws(() => rec.importExchanges(harToExchanges(har).exchanges), HarImportError);
  assert.equal(rec.state().count, 0);
  rec.close();
});

test('huge files and too many entries are refused with a clear message', () => {
  assert.throws(() => parseHarText('x'.repeat(101), 100), /too large \(101 bytes; the limit is 100 bytes\)/);
  assert.throws(() => parseHarText('{not json'), /not valid JSON/);
  const many = { log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: Array.from({ length: 11 }, () => entry()) } };
  assert.throws(() => harToExchanges(many, { maxEntries: 10 }), /has 11 entries; at most 10 can be imported/);
});

test('imported bodies longer than the body cap are truncated and flagged', () => {
  const big = entry();
  (big.response as { content: { text: string; size: number } }).content = { text: 'x'.repeat(100), size: 100, mimeType: 'text/plain' } as never;
  const out = harToExchanges({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [big] } }, { bodyCap: 10 });
  assert.equal(Buffer.from(out.exchanges[0]!.responseBody.captured, 'base64').length, 10);
  assert.equal(out.exchanges[0]!.responseBody.truncated, true);
});

test('a body far larger than the cap keeps its real size but only the cap in memory', () => {
  // "é" is 2 UTF-8 bytes, "😀" 4: the size is the UTF-8 size, and the kept prefix is the cap in bytes.
  const text = `${'é'.repeat(1000)}${'😀'.repeat(1000)}`;
  const big = entry();
  (big.response as { content: unknown }).content = { text, size: -1, mimeType: 'text/plain' };
  (big.response as { bodySize: number }).bodySize = -1;
  const b64 = entry();
  (b64.response as { content: unknown }).content = { text: Buffer.alloc(3000, 7).toString('base64').replace(/(.{76})/g, '$1\n'), encoding: 'base64', size: -1, mimeType: 'application/octet-stream' };
  (b64.response as { bodySize: number }).bodySize = -1;
  const [x, y] = harToExchanges({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [big, b64] } }, { bodyCap: 7 }).exchanges;
  assert.deepEqual({ size: x!.responseBody.size, truncated: x!.responseBody.truncated }, { size: 6000, truncated: true });
  assert.deepEqual(Buffer.from(x!.responseBody.captured, 'base64'), Buffer.from(text).subarray(0, 7));
  assert.deepEqual({ size: y!.responseBody.size, truncated: y!.responseBody.truncated }, { size: 3000, truncated: true });
  assert.deepEqual(Buffer.from(y!.responseBody.captured, 'base64'), Buffer.alloc(7, 7));

  // 64 MB bodies in a process whose heap (64 MB + 64 MB for Node, tsx and the test) holds the
  // body text once: building all the bytes (or a second copy of the text) to keep 1 MB would not fit.
  const probe = path.join(__dirname, '..', 'support', 'har-import-probe.ts');
  for (const [encoding, size] of [['text', 64 * 1024 * 1024], ['base64', 3 * Math.floor((64 * 1024 * 1024) / 77) * 19]] as const) {
    const r = spawnSync(process.execPath, ['--max-old-space-size=128', '--import', 'tsx', probe, encoding, '64', String(1024 * 1024)], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${encoding}: the import died (signal ${r.signal}): ${r.stderr.split('\n').slice(0, 8).join('\n')}`);
    assert.deepEqual(JSON.parse(r.stdout), { size, truncated: true, captured: 1024 * 1024, allA: true });
  }
});

test('a HAR file that starts with a UTF-8 byte-order mark imports', () => {
  const text = `\ufeff${JSON.stringify(chromiumHar, null, 2)}\r\n`;
  assert.deepEqual(parseHarText(text), chromiumHar);
  assert.equal(harToExchanges(text).exchanges.length, harToExchanges(chromiumHar).exchanges.length);
});

test('a cut-off HAR file is called cut off, with the line and column where it stops', () => {
  const full = JSON.stringify(chromiumHar, null, 2);
  for (const cut of [full.indexOf('"entries"') + 20, full.indexOf('{"ok":42}') + 4, full.length - 1]) {
    const text = full.slice(0, cut);
    const lines = text.split('\n');
    let message = '';
    assert.throws(() => parseHarText(text), (err: Error) => err instanceof HarImportError && (message = err.message) !== '');
    assert.match(message, /^the HAR file is cut off: its JSON stops in the middle, at the end of the file /);
    assert.ok(message.includes(`(line ${lines.length}, column ${lines.at(-1)!.length + 1}, after ${cut} characters)`), message);
    assert.match(message, /not completely written, downloaded or copied; export or save it again/);
  }
  // A mistake inside the file is not a cut: it is named with its line and column (after a BOM too).
  const broken = `\ufeff${full.replace('"status": 200', '"status": 200,,')}`;
  const at = broken.indexOf(',,') + 1;
  const line = broken.slice(0, at).split('\n').length;
  const column = at - broken.lastIndexOf('\n', at - 1);
  assert.throws(() => parseHarText(broken), (err: Error) => err.message.startsWith('the file is not valid JSON') && err.message.includes(`at line ${line}, column ${column} (character ${at + 1} of ${broken.length})`));
  assert.throws(() => parseHarText(' \n'), /^HarImportError: the HAR file is empty$/);
  // V8 gives no position for an unexpected token ("Unexpected token 'n', … is not valid JSON"): the line and column are found all the same.
  const text = '{\n  "log": {\n    "entries": [ nope ]\n  }\n}\n';
  assert.throws(() => JSON.parse(text), (err: Error) => !/position|line/.test(err.message), 'V8 says nothing about where');
  assert.throws(
    () => parseHarText(text),
    (err: Error) =>
      err.message ===
      `the file is not valid JSON, so it is not a HAR file: expected a value (an object, array, string, number, true, false or null) or "]", found "n" at line 3, column 18 (character ${text.indexOf('nope') + 1} of ${text.length})`,
  );
});

test('an http: URL that cannot be parsed is skipped with what is wrong with it, not "not HTTP traffic"', () => {
  const urls = ['http:///old', 'http:/one-slash', 'HTTPS:', 'data:text/plain,hi'];
  const har = { log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: urls.map((url) => entry({ request: { ...(entry().request as object), url } })) } };
  assert.deepEqual(harToExchanges(har).skipped, [
    { index: 0, reason: 'the URL "http:///old" has no host' },
    { index: 1, reason: 'the URL "http:/one-slash" has no "//" and host after "http:"' },
    { index: 2, reason: 'the URL "HTTPS:" has no "//" and host after "HTTPS:"' },
    { index: 3, reason: 'data: URLs are not HTTP traffic' },
  ]);
});
