import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { deadPort, startBackend, type Backend, type SeenRequest } from '../support/backends';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { rawExchange } from '../support/raw-http';
import { runCommand } from '../support/run-command';
import { waitUntil } from '../support/wait-until';
import { Recorder } from '../../main/recorder/recorder';
import { createApiHandlers } from '../../main/control/api-handlers';
import type { ApiHandlers } from '../../shared/api-contract';
import type { Exchange } from '../../shared/exchange-types';
import type { RawHeaders } from '../../shared/http-types';

/** Headers as a sorted multiset of "name: value" (names lower-cased), optionally leaving some out. */
function headerSet(headers: RawHeaders, omit: string[] = []): string[] {
  return headers
    .filter(([k]) => !omit.includes(k.toLowerCase()))
    .map(([k, v]) => `${k.toLowerCase()}: ${v}`)
    .sort();
}

/** Runs a generated command with a real POSIX shell (script on stdin: no argv length limit). Async: the proxy runs in this process. */
async function runShell(script: string): Promise<{ status: number | null; stderr: string }> {
  const r = await runCommand('sh', ['-s'], { input: script, timeoutMs: 20_000 });
  return { status: r.code, stderr: r.stderr };
}

const binaryBody = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from(`'"\\$(id)\`%s%n\n\r\n`)]);
const quotedBody = Buffer.from(`{"msg":"it's a 'test' with \\"quotes\\", $(rm -rf /) and \`id\` \\n and ünïcødé","pct":"%d %s"}`);

describe('replay and copy-as-curl against real servers', () => {
  let backend: Backend;
  let other: Backend;
  let proxy: TestProxy;
  let recorder: Recorder;
  let api: ApiHandlers;
  let host: string;

  before(async () => {
    const handler = (name: string) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'text/plain', 'x-backend': name });
        res.end(`stored by ${name}`);
      });
    };
    backend = await startBackend(handler('main'), { name: 'main', keepBodies: true });
    other = await startBackend(handler('other'), { name: 'other', keepBodies: true });
    recorder = new Recorder({ batchMs: 10 });
    proxy = await startProxy({ routes: [{ host: 'app.localhost', target: backend.url }] }, { observer: recorder });
    host = `app.localhost:${proxy.port}`;
    api = createApiHandlers({
      recorder,
      config: undefined as never,
      currentConfig: () => ({ routes: [] }),
      endpoints: () => ({ httpPort: proxy.port }),
      info: () => ({ version: 'test', mode: 'headless', pid: process.pid }),
    });
  });

  after(async () => {
    await proxy.close();
    await Promise.all([backend.close(), other.close()]);
    recorder.close();
  });

  /** Sends exact bytes through the proxy; returns the recorded exchange and what the backend saw. */
  async function original(method: string, path: string, headers: Array<[string, string]>, body: Buffer): Promise<{ x: Exchange; seen: SeenRequest }> {
    const head = [`${method} ${path} HTTP/1.1`, `Host: ${host}`, ...headers.map(([k, v]) => `${k}: ${v}`), `Content-Length: ${body.length}`, 'Connection: close', '', ''].join('\r\n');
    const before = backend.seen.length;
    const res = await rawExchange(proxy.port, Buffer.concat([Buffer.from(head, 'latin1'), body]));
    assert.equal(res.status, 201, res.text.slice(0, 300));
    const x = await waitUntil(() => recorder.all().find((e) => e.url === path && e.state === 'complete' && e.source === 'proxy'), `exchange ${path}`);
    return { x, seen: backend.seen[before]! };
  }

  async function nextSeen(b: Backend, count: number, what: string): Promise<SeenRequest> {
    return waitUntil(() => b.seen.length > count && b.seen[count]!.complete && b.seen[count], what);
  }

  const cases: Array<{ name: string; method: string; path: string; headers: Array<[string, string]>; body: Buffer }> = [
    {
      name: 'quote-laden text body and headers',
      method: 'POST',
      path: "/items/it's?q=a%20b&x=\"y\"",
      headers: [
        ['Content-Type', 'application/json; charset=utf-8'],
        ['X-Quote', `it's "quoted" $HOME \`id\` \\ %s`],
        ['X-Empty', ''],
        ['Cookie', "a=1; b='2'"],
        ['X-Latin1', 'caf\xe9'],
      ],
      body: quotedBody,
    },
    {
      name: 'binary body with every byte value',
      method: 'PUT',
      path: '/blob/[1]/{x}',
      headers: [['Content-Type', 'application/octet-stream']],
      body: binaryBody,
    },
    { name: 'a DELETE without a body', method: 'DELETE', path: '/gone/1', headers: [['Accept', 'application/json']], body: Buffer.alloc(0) },
  ];

  for (const c of cases) {
    test(`curl to the proxy reproduces ${c.name} byte for byte at the backend`, async () => {
      const { x, seen } = await original(c.method, c.path, c.headers, c.body);
      const { code } = await api['curl.generate']({ id: x.id });
      const count = backend.seen.length;
      const run = await runShell(`${code.replace(/^curl /, 'curl -sS --max-time 10 -o /dev/null ')}\n`.replace(/\| curl /, '| curl -sS --max-time 10 -o /dev/null '));
      assert.equal(run.status, 0, `${run.stderr}\n${code}`);
      const got = await nextSeen(backend, count, 'the curl request at the backend');
      assert.equal(got.method, seen.method);
      assert.equal(got.url, seen.url);
      assert.deepEqual(got.body, seen.body, 'body bytes');
      assert.deepEqual(headerSet(got.headers), headerSet(seen.headers), 'headers');
    });
  }

  test('curl straight to the upstream sends what the proxy forwarded', async () => {
    const { x, seen } = await original('POST', '/direct', [['Content-Type', 'text/plain'], ['X-Quote', "'"]], Buffer.from("it's direct"));
    const { code } = await api['curl.generate']({ id: x.id, to: 'upstream' });
    assert.ok(code.includes(`'http://127.0.0.1:${backend.port}/direct'`), code);
    const count = backend.seen.length;
    const run = await runShell(code.replace(/^curl /, 'curl -sS --max-time 10 -o /dev/null '));
    assert.equal(run.status, 0, run.stderr);
    const got = await nextSeen(backend, count, 'the direct curl request');
    assert.deepEqual(got.body, seen.body);
    // undici (the proxy) and curl frame the connection differently; everything else is the same.
    assert.deepEqual(headerSet(got.headers, ['connection']), headerSet(seen.headers, ['connection']));
  });

  test('replay as-is goes through the route, is recorded, links to its original, and reaches the backend unchanged', async () => {
    const { x, seen } = await original('POST', '/replay-me', [['Content-Type', 'application/json'], ['X-Trace', 'one']], Buffer.from('{"n":1}'));
    const count = backend.seen.length;
    const result = await api.replay({ id: x.id });
    assert.equal(result.status, 201);
    const got = await nextSeen(backend, count, 'the replayed request');
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/replay-me');
    assert.deepEqual(got.body, seen.body);
    assert.deepEqual(headerSet(got.headers), headerSet(seen.headers));
    const replay = await waitUntil(() => recorder.get(result.id)?.state === 'complete' && recorder.get(result.id), 'the replay exchange');
    assert.equal(replay.replayOf, x.id);
    assert.equal(replay.source, 'replay');
    assert.equal(replay.status, 201);

    // Nothing changed, so the diff is empty.
    const diff = await api['exchanges.diff']({ a: x.id, b: result.id });
    assert.equal(diff.method, undefined);
    assert.equal(diff.url, undefined);
    assert.equal(diff.status, undefined);
    assert.deepEqual(diff.requestHeaders, { added: [], removed: [], changed: [] });
    assert.equal(diff.requestBody.equal, true);
    assert.equal(diff.responseBody.equal, true);
  });

  test('an edited replay reaches the backend with the edits, and the diff reports exactly them', async () => {
    const { x } = await original('POST', '/edit-me', [['Content-Type', 'application/json'], ['X-Keep', 'same'], ['X-Drop', 'gone']], Buffer.from('{"n":1}'));
    const count = backend.seen.length;
    const result = await api.replay({
      id: x.id,
      edit: {
        method: 'PUT',
        url: '/edited?v=2',
        headers: [['Host', host], ['Content-Type', 'text/plain'], ['X-Keep', 'same'], ['X-Added', 'yes'], ['Connection', 'close']],
        body: { text: 'edited body' },
      },
    });
    assert.equal(result.status, 201);
    const got = await nextSeen(backend, count, 'the edited replay');
    assert.equal(got.method, 'PUT');
    assert.equal(got.url, '/edited?v=2');
    assert.equal(got.body!.toString(), 'edited body');
    assert.equal(got.headers.find(([k]) => k === 'X-Added')?.[1], 'yes');
    assert.equal(got.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1], 'text/plain');
    assert.equal(got.headers.find(([k]) => k === 'X-Drop'), undefined);

    await waitUntil(() => recorder.get(result.id)?.state === 'complete', 'the edited replay exchange');
    const diff = await api['exchanges.diff']({ a: x.id, b: result.id });
    assert.deepEqual(diff.method, { a: 'POST', b: 'PUT' });
    assert.deepEqual(diff.url, { a: '/edit-me', b: '/edited?v=2' });
    assert.equal(diff.status, undefined);
    assert.deepEqual(diff.requestHeaders.added, [['X-Added', 'yes']]);
    assert.deepEqual(diff.requestHeaders.removed, [['X-Drop', 'gone']]);
    assert.deepEqual(
      diff.requestHeaders.changed.map((c) => c.name).sort(),
      ['content-length', 'content-type'],
    );
    assert.deepEqual(diff.requestHeaders.changed.find((c) => c.name === 'content-type'), { name: 'content-type', a: ['application/json'], b: ['text/plain'] });
    assert.equal(diff.requestBody.equal, false);
    assert.equal(diff.requestBody.firstDifference, 0);
    assert.equal(diff.requestBody.sizeA, 7);
    assert.equal(diff.requestBody.sizeB, 11);
    assert.equal(diff.responseBody.equal, true);
    assert.deepEqual(diff.responseHeaders.added, []);
    assert.deepEqual(diff.responseHeaders.removed, []);
    // Same backend answer: only the Date may differ.
    assert.deepEqual(diff.responseHeaders.changed.filter((c) => c.name !== 'date'), []);
  });

  test('a replay straight to another target is recorded with its link and reaches that target', async () => {
    const { x, seen } = await original('POST', '/elsewhere', [['Content-Type', 'text/plain']], Buffer.from('to the other one'));
    const count = other.seen.length;
    const result = await api.replay({ id: x.id, via: { kind: 'target', target: other.url } });
    assert.equal(result.status, 201);
    const got = await nextSeen(other, count, 'the request at the other target');
    assert.equal(got.url, '/elsewhere');
    assert.deepEqual(got.body, seen.body);
    const replay = recorder.get(result.id)!;
    assert.equal(replay.replayOf, x.id);
    assert.equal(replay.target, other.url);
    assert.equal(Buffer.from(replay.responseBody.captured, 'base64').toString(), 'stored by other');
    assert.equal(replay.headers.forwardedRequest!.find(([k]) => k.toLowerCase() === 'x-forwarded-for')?.[1], '127.0.0.1');
  });

  test('a replay to a dead target is recorded as an error, linked to its original', async () => {
    const { x } = await original('GET', '/dead', [], Buffer.alloc(0));
    const dead = await deadPort();
    const result = await api.replay({ id: x.id, via: { kind: 'target', target: `http://127.0.0.1:${dead}` } });
    assert.equal(result.error?.code, 'upstream-refused');
    const replay = recorder.get(result.id)!;
    assert.equal(replay.state, 'error');
    assert.equal(replay.replayOf, x.id);
  });
});

test('copy as curl of a browser request that accepted br/gzip prints the body readable, as the browser showed it', async () => {
  const text = 'the page, compressed on the wire\n'.repeat(50);
  const { brotliCompressSync, gzipSync } = await import('node:zlib');
  const backend = await startBackend((req, res) => {
    const accepts = String(req.headers['accept-encoding'] ?? '');
    req.resume();
    if (accepts.includes('br')) {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'br' });
      res.end(brotliCompressSync(text));
    } else if (accepts.includes('gzip')) {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      res.end(gzipSync(text));
    } else res.end(text);
  });
  const recorder = new Recorder({ batchMs: 10 });
  const proxy = await startProxy({ routes: [{ host: 'app.localhost', target: backend.url }] }, { observer: recorder });
  try {
    const api = createApiHandlers({
      recorder,
      config: undefined as never,
      currentConfig: () => ({ routes: [] }),
      endpoints: () => ({ httpPort: proxy.port }),
      info: () => ({ version: 'test', mode: 'headless', pid: process.pid }),
    });
    const head = `GET /page HTTP/1.1\r\nHost: app.localhost:${proxy.port}\r\nAccept-Encoding: gzip, deflate, br, zstd\r\nConnection: close\r\n\r\n`;
    assert.equal((await rawExchange(proxy.port, head)).status, 200);
    const x = await waitUntil(() => recorder.all().find((e) => e.url === '/page' && e.state === 'complete'), 'the recorded exchange');
    const { code } = await api['curl.generate']({ id: x.id });
    assert.match(code, /--compressed/);
    const run = await runCommand('sh', ['-s'], { input: `${code.replace(/^curl /, 'curl -sS --max-time 10 ')}\n`, timeoutMs: 20_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, text, 'curl printed the decoded body');
  } finally {
    await proxy.close();
    await backend.close();
    recorder.close();
  }
});
