import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { harTimingsOf, toHar, redactHar, redactJsonText, REDACTED } from '../../shared/har';
import { harToExchanges } from '../../shared/har-import';
import { validateHar12 } from '../support/har-spec';
import { sampleRecorder } from '../support/sample-exchanges';
import { removeContentEncoding } from '../../main/recorder/body-decoder';
import type { Exchange } from '../../shared/exchange-types';
import type { Har } from '../../shared/har-types';
import { Recorder } from '../../main/recorder/recorder';
import { exchangeStart } from '../support/exchange-start';

function exportItems(exchanges: Exchange[]) {
  return exchanges.map((exchange) => {
    if (exchange.responseBody.contentDecoded) return { exchange };
    try {
      const bytes = removeContentEncoding(Buffer.from(exchange.responseBody.captured, 'base64'), exchange.headers.clientResponse ?? []).bytes;
      return { exchange, decodedResponseBody: bytes };
    } catch {
      return { exchange };
    }
  });
}

test('the export has every HAR 1.2 required field', () => {
  const { recorder, exchanges } = sampleRecorder();
  const har = toHar(exportItems(exchanges), { creatorVersion: '0.1.0' });
  assert.deepEqual(validateHar12(har), []);
  assert.equal(har.log.entries.length, 5);
  recorder.close();
});

test('the validator itself rejects missing required fields', () => {
  const { recorder, exchanges } = sampleRecorder();
  const har = JSON.parse(JSON.stringify(toHar(exportItems(exchanges)))) as Har;
  delete (har.log.entries[0]!.request as Partial<Har['log']['entries'][0]['request']>).queryString;
  (har.log.entries[1]!.timings as { wait: number }).wait = -1;
  delete (har.log as Partial<Har['log']>).creator;
  const errors = validateHar12(har);
  assert.ok(errors.some((e) => e.startsWith('log.entries[0].request.queryString')), errors.join('\n'));
  assert.ok(errors.some((e) => e.startsWith('log.entries[1].timings.wait')), errors.join('\n'));
  assert.ok(errors.some((e) => e.startsWith('log.creator')), errors.join('\n'));
  recorder.close();
});

test('entries carry the client-facing view, decoded content, and the proxy view in _gatehouse', () => {
  const { recorder, exchanges } = sampleRecorder();
  const [post, page, blob, down, ws] = toHar(exportItems(exchanges)).log.entries;
  assert.equal(post!.request.url, 'http://app.test/api/items?q=a%20b&x=1');
  assert.deepEqual(post!.request.queryString, [{ name: 'q', value: 'a b' }, { name: 'x', value: '1' }]);
  assert.deepEqual(post!.request.cookies, [{ name: 'sid', value: 'abc' }, { name: 'theme', value: 'dark' }]);
  assert.deepEqual(post!.request.postData, { mimeType: 'application/json', text: '{"name":"über"}' });
  assert.equal(post!.response.status, 201);
  assert.equal(post!.response.statusText, 'Created');
  assert.deepEqual(post!.response.cookies, [{ name: 'sid', value: 'new', path: '/', httpOnly: true }]);
  assert.deepEqual(post!._gatehouse!.forwardedRequestHeaders!.find(([k]) => k === 'X-Forwarded-For'), ['X-Forwarded-For', '127.0.0.1']);
  assert.deepEqual(post!.request.headers.find((h) => h.name === 'X-Forwarded-For'), { name: 'X-Forwarded-For', value: '6.6.6.6' });
  assert.equal(page!.response.content.text, '<h1>héllo</h1>');
  assert.equal(page!.request.httpVersion, 'HTTP/2');
  assert.equal(page!._gatehouse!.tls!.alpn, 'h2');
  assert.ok(page!.response.bodySize > 0 && page!.response.bodySize !== page!.response.content.size);
  assert.deepEqual(blob!.request.postData, { mimeType: 'application/octet-stream', text: Buffer.from([0, 1, 2, 255, 254, 0x27, 0x22]).toString('base64'), encoding: 'base64' });
  assert.equal(blob!.response.content.encoding, 'base64');
  assert.equal(down!._gatehouse!.error!.code, 'upstream-refused');
  assert.equal(ws!._webSocketMessages!.length, 2);
  assert.deepEqual(ws!._webSocketMessages![0], { type: 'send', time: ws!._webSocketMessages![0]!.time, opcode: 1, data: 'ping?' });
  assert.equal(ws!._webSocketMessages![1]!.data, Buffer.from([9, 8, 7]).toString('base64'));
  recorder.close();
});

test('--redact masks Authorization, Cookie and Set-Cookie values everywhere, keeping names', () => {
  const { recorder, exchanges } = sampleRecorder();
  const har = toHar(exportItems(exchanges), { redact: true });
  const text = JSON.stringify(har);
  assert.doesNotMatch(text, /s3cret|sid=abc|theme=dark|sid=new|"abc"|"new"/);
  const post = har.log.entries[0]!;
  assert.equal(post.request.headers.find((h) => h.name === 'Authorization')!.value, `Bearer ${REDACTED}`);
  assert.equal(post.request.headers.find((h) => h.name === 'Cookie')!.value, `sid=${REDACTED}; theme=${REDACTED}`);
  assert.equal(post.response.headers.find((h) => h.name === 'Set-Cookie')!.value, `sid=${REDACTED}; Path=/; HttpOnly`);
  assert.deepEqual(post.request.cookies.map((c) => c.value), [REDACTED, REDACTED]);
  assert.equal(post._gatehouse!.redacted, true);
  assert.deepEqual(validateHar12(har), []);
  // The original export is untouched (no mutation).
  assert.match(JSON.stringify(toHar(exportItems(exchanges))), /s3cret/);
  assert.deepEqual(redactHar(redactHar(har)), redactHar(har));
  recorder.close();
});

test('--redact masks secret query fields, url-encoded form fields and API-key headers, keeping the rest', () => {
  const { recorder, exchanges } = sampleRecorder();
  const base = toHar(exportItems(exchanges)).log.entries[0]!;
  const url = 'http://app.test/cb?code=4%2F0Ab&state=xyz&Access_Token=ey.J&page=2&X-Amz-Signature=abc123#frag';
  const entry = {
    ...base,
    request: {
      ...base.request,
      url,
      queryString: [
        { name: 'code', value: '4/0Ab' },
        { name: 'state', value: 'xyz' },
        { name: 'Access_Token', value: 'ey.J' },
        { name: 'page', value: '2' },
        { name: 'X-Amz-Signature', value: 'abc123' },
      ],
      headers: [
        ...base.request.headers,
        // An HTTP/2 request's path, query and all, is a header too.
        { name: ':path', value: '/cb?code=4%2F0Ab&state=xyz' },
        { name: 'X-Api-Key', value: 'k-123' },
        { name: 'Referer', value: 'http://app.test/login?token=t0k&next=%2Fhome' },
      ],
      postData: { mimeType: 'application/x-www-form-urlencoded; charset=UTF-8', text: 'user=ann&password=hunter2&remember=1' },
    },
    response: { ...base.response, redirectURL: '/done?session_id=s1&ok=1', headers: [{ name: 'Location', value: '/done?session_id=s1&ok=1' }] },
    _gatehouse: {
      ...base._gatehouse,
      forwardedPath: '/cb?code=4%2F0Ab&state=xyz',
      clientRequestHeaders: [[':path', '/cb?code=4%2F0Ab&state=xyz'] as [string, string], ...(base._gatehouse!.clientRequestHeaders ?? [])],
    },
  };
  const har = redactHar({ ...toHar([]), log: { ...toHar([]).log, entries: [entry] } });
  const e = har.log.entries[0]!;
  const text = JSON.stringify(har);
  assert.doesNotMatch(text, /0Ab|ey\.J|abc123|k-123|t0k|hunter2|s1&/);
  assert.equal(e.request.url, `http://app.test/cb?code=${REDACTED}&state=xyz&Access_Token=${REDACTED}&page=2&X-Amz-Signature=${REDACTED}#frag`);
  assert.deepEqual(
    e.request.queryString.map((q) => q.value),
    [REDACTED, 'xyz', REDACTED, '2', REDACTED],
  );
  assert.equal(e.request.headers.find((h) => h.name === 'X-Api-Key')!.value, REDACTED);
  assert.equal(e.request.headers.find((h) => h.name === 'Referer')!.value, `http://app.test/login?token=${REDACTED}&next=%2Fhome`);
  assert.equal(e.request.postData!.text, `user=ann&password=${REDACTED}&remember=1`);
  assert.equal(e.response.redirectURL, `/done?session_id=${REDACTED}&ok=1`);
  assert.equal(e.response.headers.find((h) => h.name === 'Location')!.value, `/done?session_id=${REDACTED}&ok=1`);
  assert.equal(e._gatehouse!.forwardedPath, `/cb?code=${REDACTED}&state=xyz`);
  assert.equal(e.request.headers.find((h) => h.name === ':path')!.value, `/cb?code=${REDACTED}&state=xyz`);
  assert.deepEqual(e._gatehouse!.clientRequestHeaders![0], [':path', `/cb?code=${REDACTED}&state=xyz`]);
  assert.deepEqual(redactHar(har), har, 'redacting twice changes nothing');
  assert.deepEqual(validateHar12(har), []);
  recorder.close();
});

test('--redact masks secret-named fields of JSON bodies, requests, responses and WebSocket messages, byte for byte elsewhere', () => {
  const { recorder, exchanges } = sampleRecorder();
  const base = toHar(exportItems(exchanges)).log.entries[0]!;
  const login = '{\n  "user": "ann",\n  "password": "hunter2",\n  "remember": true,\n  "variables": { "apiKey": "k-9", "n": [1, {"client_secret": 42}] },\n  "code": "NOT_FOUND", "key": "theme", "token": null\n}';
  const tokens = '{"access_token":"ey.J\\"q","token_type":"Bearer","expires_in":3600,"refreshToken":"r-1"}';
  const entry = {
    ...base,
    request: { ...base.request, postData: { mimeType: 'application/json; charset=utf-8', text: login } },
    response: { ...base.response, content: { size: tokens.length, mimeType: 'application/vnd.api+json', text: tokens } },
    _webSocketMessages: [
      { type: 'send' as const, time: 1, opcode: 1, data: '{"type":"connection_init","payload":{"authToken":"ws-secret"}}' },
      { type: 'receive' as const, time: 2, opcode: 1, data: 'password: plain text is not JSON' },
      { type: 'receive' as const, time: 3, opcode: 2, data: 'eyJwYXNzd29yZCI6IngifQ==' },
    ],
  };
  const har = redactHar({ ...toHar([]), log: { ...toHar([]).log, entries: [entry] } });
  const e = har.log.entries[0]!;
  assert.equal(
    e.request.postData!.text,
    `{\n  "user": "ann",\n  "password": "${REDACTED}",\n  "remember": true,\n  "variables": { "apiKey": "${REDACTED}", "n": [1, {"client_secret": "${REDACTED}"}] },\n  "code": "NOT_FOUND", "key": "theme", "token": null\n}`,
  );
  assert.equal(e.response.content.text, `{"access_token":"${REDACTED}","token_type":"Bearer","expires_in":3600,"refreshToken":"${REDACTED}"}`);
  assert.equal(e.response.content.size, tokens.length, 'sizes stay those of the real body');
  assert.deepEqual(
    e._webSocketMessages!.map((m) => m.data),
    [`{"type":"connection_init","payload":{"authToken":"${REDACTED}"}}`, 'password: plain text is not JSON', 'eyJwYXNzd29yZCI6IngifQ=='],
  );
  assert.deepEqual(redactHar(har), har, 'redacting twice changes nothing');
  // Not JSON by its type, or base64: left alone. JSON cut at the capture cap: masked up to the cut.
  assert.equal(redactJsonText('{"a": 1, "password": "hun'), `{"a": 1, "password": "${REDACTED}"`);
  assert.equal(redactJsonText('{"password": "ab\\u00'), `{"password": "${REDACTED}"`, 'cut inside an escape');
  assert.equal(redactJsonText('{"session_id": 12345, "b": [2]}'), `{"session_id": "${REDACTED}", "b": [2]}`);
  assert.equal(redactJsonText('not json {"password": "x"}'), 'not json {"password": "x"}');
  const text = redactHar({ ...har, log: { ...har.log, entries: [{ ...entry, request: { ...entry.request, postData: { mimeType: 'text/plain', text: '{"password":"x"}' } } }] } });
  assert.equal(text.log.entries[0]!.request.postData!.text, '{"password":"x"}');
  assert.deepEqual(validateHar12(har), []);
  recorder.close();
});

test('export -> import -> export round-trips', () => {
  const { recorder, exchanges } = sampleRecorder();
  const first = JSON.parse(JSON.stringify(toHar(exportItems(exchanges)))) as Har;
  const imported = harToExchanges(first);
  assert.equal(imported.exchanges.length, 5);
  const target = new Recorder();
  const ids = target.importExchanges(imported.exchanges);
  const second = JSON.parse(JSON.stringify(toHar(exportItems(ids.map((id) => target.get(id)!))))) as Har;
  const normalise = (h: Har) =>
    h.log.entries.map((e) => ({ ...e, _gatehouse: { ...e._gatehouse, id: undefined, notes: undefined } }));
  assert.deepEqual(normalise(second), normalise(first));
  // The imported exchanges keep the four header sets and the link back to their old ids.
  const x = target.get(ids[0]!)!;
  assert.equal(x.source, 'import');
  assert.deepEqual(x.headers.forwardedRequest, exchanges[0]!.headers.forwardedRequest);
  assert.match(x.notes.join(' '), /was e1/);
  recorder.close();
  target.close();
});

test('a compressed body, whole or cut at the cap, keeps its wire size through export and import', async () => {
  const { gzipSync } = await import('node:zlib');
  for (const bodyCap of [1 << 20, 2048]) {
    let t = 1_700_000_000_000;
    const recorder = new Recorder({ now: () => (t += 3), recording: { bodyCap } });
    const tap = recorder.begin(exchangeStart({ startedAt: t, url: '/bundle.js' }))!;
    tap.target('http://127.0.0.1:3000');
    tap.forwarded('GET', '/bundle.js', [['host', 'app.test']]);
    tap.upstreamConnected(false);
    // 60 kB of JavaScript that gzips to well under 1 kB: the decoded text is far larger than the wire.
    const gz = gzipSync(Buffer.from('console.log("hello, world");\n'.repeat(2000)));
    tap.upstreamResponse(200, [['content-type', 'text/javascript'], ['content-encoding', 'gzip']]);
    tap.clientResponse(200, [['content-type', 'text/javascript'], ['content-encoding', 'gzip']]);
    tap.responseBody(gz);
    tap.finish();
    const original = recorder.all()[0]!;
    assert.equal(original.responseSize, gz.length);
    const first = JSON.parse(JSON.stringify(toHar(exportItems([original])))) as Har;
    assert.equal(first.log.entries[0]!.response.bodySize, gz.length);
    const target = new Recorder({ recording: { bodyCap } });
    const [id] = target.importExchanges(harToExchanges(first).exchanges);
    const imported = target.get(id!)!;
    assert.equal(imported.responseSize, gz.length, `the list shows the wire size (cap ${bodyCap})`);
    const second = JSON.parse(JSON.stringify(toHar(exportItems([imported])))) as Har;
    assert.equal(second.log.entries[0]!.response.bodySize, gz.length, 'a second export says the same');
    recorder.close();
    target.close();
  }
});

test('a request with no Host, or a Host no URL can hold, exports to a URL that parses and imports back as it was', () => {
  const { recorder, exchanges } = sampleRecorder();
  const hosts = ['', 'plain.test:99999', 'a b', '1.2.3.999', 'app.test:8443'];
  const odd = hosts.map((host) => ({ ...exchanges[0]!, host }));
  const har = JSON.parse(JSON.stringify(toHar(exportItems(odd)))) as Har;
  assert.deepEqual(validateHar12(har), []);
  for (const e of har.log.entries) assert.doesNotThrow(() => new URL(e.request.url), e.request.url);
  assert.deepEqual(
    har.log.entries.map((e) => [new URL(e.request.url).host, e._gatehouse?.host]),
    [['no-host.invalid', ''], ['unparsable-host.invalid', 'plain.test:99999'], ['unparsable-host.invalid', 'a b'], ['unparsable-host.invalid', '1.2.3.999'], ['app.test:8443', undefined]],
  );
  const back = harToExchanges(har);
  assert.deepEqual(back.skipped, []);
  assert.deepEqual(back.exchanges.map((x) => [x.host, x.url, x.scheme]), odd.map((x) => [x.host, x.url, x.scheme]));
  recorder.close();
});

test("an answer Gatehouse made itself exports its real time, as wait, so the timings add up", () => {
  const local = { timings: { received: 1000 }, endedAt: 1004.25 } as unknown as Exchange;
  assert.deepEqual(harTimingsOf(local), { time: 4.25, timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 4.25, receive: 0, ssl: -1 } });
  // Connected but failed before a response head (a reset): the time after connecting is wait.
  const reset = { timings: { received: 1000, upstreamConnected: 1001, responseEnd: 1003 }, endedAt: 1003 } as unknown as Exchange;
  assert.deepEqual(harTimingsOf(reset), { time: 3, timings: { blocked: -1, dns: -1, connect: 1, send: 0, wait: 2, receive: 0, ssl: -1 } });
  // Still open: nothing to report yet.
  assert.equal(harTimingsOf({ timings: { received: 1000 } } as unknown as Exchange).time, 0);
  // A proxied answer is unchanged: wait up to the head, receive after it.
  const proxied = { timings: { received: 1000, upstreamConnected: 1001, connectionReused: true, responseHeaders: 1003, responseEnd: 1007 }, endedAt: 1007 } as unknown as Exchange;
  assert.deepEqual(harTimingsOf(proxied), { time: 7, timings: { blocked: 1, dns: -1, connect: -1, send: 0, wait: 2, receive: 4, ssl: -1 } });
});
