import { test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import WebSocket from 'ws';
import { header, startWsBackend } from '../support/backends';
import { startHttpsProxy } from '../support/https-proxy';
import { clientFrame, parseServerFrames, type Frame } from '../support/ws-frames';
import { Recorder } from '../../main/recorder/recorder';
import type { Exchange } from '../../shared/exchange-types';
import { requestSpecOf } from '../../shared/request-spec';
import { toCurl } from '../../shared/curl';
import { toFetch } from '../../shared/fetch-code';
import { runCommand, type CommandResult } from '../support/run-command';

function lookupLoopback(_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void): void {
  if (opts.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb(null, '127.0.0.1', 4);
}

test('WebSocket over HTTP/1.1 through TLS: handshake, subprotocol, echo, X-Forwarded-Proto https', async (t) => {
  const backend = await startWsBackend();
  t.after(() => backend.close());
  const proxy = await startHttpsProxy({ routes: [{ host: 'ws.test', target: backend.url }] });
  t.after(() => proxy.close());

  const ws = new WebSocket(`wss://ws.test:${proxy.httpsPort}/hmr`, 'vite-hmr', { ca: proxy.caPem, lookup: lookupLoopback as never });
  t.after(() => ws.terminate());
  const messages: string[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      messages.push(String(data));
      if (messages.length === 1) ws.send('ping over h1');
      if (messages.length === 2) resolve();
    });
    ws.on('error', reject);
  });
  assert.equal(ws.protocol, 'vite-hmr');
  assert.deepEqual(messages, ['{"type":"connected"}', 'ping over h1']);
  const up = backend.upgrades.at(-1)!;
  assert.equal(up.url, '/hmr');
  assert.equal(header(up.headers, 'x-forwarded-proto'), 'https');
  assert.equal(header(up.headers, 'host'), `ws.test:${proxy.httpsPort}`);
});

interface H2Tunnel {
  session: http2.ClientHttp2Session;
  stream: http2.ClientHttp2Stream;
  response: http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader;
  frames: Frame[];
  nextFrame(): Promise<Frame>;
  closed: Promise<void>;
}

async function openH2WebSocket(
  port: number,
  ca: string,
  authority: string,
  path: string,
  extra: http2.OutgoingHttpHeaders = {},
  servername = authority.split(':')[0],
): Promise<H2Tunnel> {
  const session = http2.connect(`https://127.0.0.1:${port}`, { ca, servername });
  session.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    session.once('remoteSettings', (settings) => {
      if (settings.enableConnectProtocol) resolve();
      else reject(new Error('the server did not offer SETTINGS_ENABLE_CONNECT_PROTOCOL'));
    });
    session.once('error', reject);
  });
  const stream = session.request(
    {
      ':method': 'CONNECT',
      ':protocol': 'websocket',
      ':scheme': 'https',
      ':path': path,
      ':authority': authority,
      'sec-websocket-version': '13',
      origin: `https://${authority}`,
      ...extra,
    },
    { endStream: false },
  );
  const response = await new Promise<http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader>((resolve, reject) => {
    stream.once('response', resolve);
    stream.once('error', reject);
  });
  const frames: Frame[] = [];
  const waiters: Array<() => void> = [];
  let buf: Buffer = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    const parsed = parseServerFrames(Buffer.concat([buf, chunk]));
    buf = parsed.rest;
    frames.push(...parsed.frames);
    waiters.splice(0).forEach((w) => w());
  });
  let taken = 0;
  const nextFrame = async (): Promise<Frame> => {
    for (let i = 0; i < 100 && frames.length <= taken; i++) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (frames.length <= taken) throw new Error('no WebSocket frame arrived within 10 s');
    return frames[taken++]!;
  };
  const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  return { session, stream, response, frames, nextFrame, closed };
}

test('WebSocket over HTTP/2 extended CONNECT (RFC 8441) is proxied to an HTTP/1.1 upstream', async (t) => {
  const backend = await startWsBackend();
  t.after(() => backend.close());
  const proxy = await startHttpsProxy({ routes: [{ host: 'ws.test', target: backend.url }] });
  t.after(() => proxy.close());

  const tunnel = await openH2WebSocket(proxy.httpsPort, proxy.caPem, `ws.test:${proxy.httpsPort}`, '/hmr?token=1', {
    'sec-websocket-protocol': 'vite-hmr',
    cookie: 'a=1',
  });
  t.after(() => tunnel.session.destroy());
  assert.equal(tunnel.response[':status'], 200);
  assert.equal(tunnel.response['sec-websocket-protocol'], 'vite-hmr');
  assert.equal(tunnel.response['sec-websocket-accept'], undefined);

  const hello = await tunnel.nextFrame();
  assert.deepEqual([hello.opcode, String(hello.payload)], [1, '{"type":"connected"}']);
  tunnel.stream.write(clientFrame('ping over h2'));
  const echo = await tunnel.nextFrame();
  assert.deepEqual([echo.opcode, String(echo.payload)], [1, 'ping over h2']);
  const big = Buffer.alloc(70_000, 7);
  tunnel.stream.write(clientFrame(big, 2));
  const bigEcho = await tunnel.nextFrame();
  assert.equal(bigEcho.opcode, 2);
  assert.ok(bigEcho.payload.equals(big));

  const up = backend.upgrades.at(-1)!;
  assert.equal(up.method, 'GET');
  assert.equal(up.url, '/hmr?token=1');
  assert.equal(up.httpVersion, '1.1');
  assert.equal(header(up.headers, 'host'), `ws.test:${proxy.httpsPort}`);
  assert.equal(header(up.headers, 'upgrade'), 'websocket');
  assert.equal(header(up.headers, 'sec-websocket-version'), '13');
  assert.ok(header(up.headers, 'sec-websocket-key'));
  assert.equal(header(up.headers, 'sec-websocket-protocol'), 'vite-hmr');
  assert.equal(header(up.headers, 'x-forwarded-proto'), 'https');
  assert.equal(header(up.headers, 'cookie'), 'a=1');
  assert.equal(header(up.headers, 'via'), '2 gatehouse');

  // Close handshake: the server echoes the close frame and ends the tunnel.
  tunnel.stream.write(clientFrame(Buffer.from([0x03, 0xe8]), 8));
  const close = await tunnel.nextFrame();
  assert.equal(close.opcode, 8);
  tunnel.stream.end();
  await tunnel.closed;
});

test('HTTP/2 WebSocket: disabling the route closes the tunnel; no route is a 404; a refused upgrade is relayed', async (t) => {
  const backend = await startWsBackend();
  t.after(() => backend.close());
  const config = {
    routes: [
      { host: 'ws.test', target: backend.url },
      { host: 'plain.test', target: backend.url },
    ],
  };
  const proxy = await startHttpsProxy(config);
  t.after(() => proxy.close());

  const tunnel = await openH2WebSocket(proxy.httpsPort, proxy.caPem, 'ws.test', '/');
  t.after(() => tunnel.session.destroy());
  assert.equal(tunnel.response[':status'], 200);
  await tunnel.nextFrame();
  assert.equal(backend.clients.size, 1);
  proxy.engine.applyConfig({ routes: [{ host: 'ws.test', target: backend.url, enabled: false }, config.routes[1]!] });
  await tunnel.closed;
  for (let i = 0; i < 100 && backend.clients.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(backend.clients.size, 0, 'the upstream side is closed too');

  // A stream for the connection's own name whose route is now disabled gets the 404 page.
  const missing = await openH2WebSocket(proxy.httpsPort, proxy.caPem, 'ws.test', '/', { accept: 'application/json' });
  t.after(() => missing.session.destroy());
  assert.equal(missing.response[':status'], 404);
  assert.equal(missing.response['x-gatehouse-error'], 'NO_ROUTE');
  // A stream for another name than the connection's SNI is misdirected (its certificate does not cover it).
  const misdirected = await openH2WebSocket(proxy.httpsPort, proxy.caPem, 'nothing.test', '/', { accept: 'application/json' }, 'plain.test');
  t.after(() => misdirected.session.destroy());
  assert.equal(misdirected.response[':status'], 421);
  assert.equal(misdirected.response['x-gatehouse-error'], 'MISDIRECTED_REQUEST');

  const refused = await openH2WebSocket(proxy.httpsPort, proxy.caPem, 'plain.test', '/', { 'sec-websocket-version': '7' });
  t.after(() => refused.session.destroy());
  assert.equal(refused.response[':status'], 400, 'the upstream rejected version 7 and its answer came through');
});

/** A ws echo backend behind the HTTPS proxy (route ws.test), recorded; all closed after the test. */
async function recordingProxy(t: TestContext) {
  const backend = await startWsBackend();
  t.after(() => backend.close());
  const proxy = await startHttpsProxy({ routes: [{ host: 'ws.test', target: backend.url }] });
  t.after(() => proxy.close());
  const recorder = new Recorder({ batchMs: 10 });
  t.after(() => recorder.close());
  proxy.engine.setObserver(recorder);
  return { backend, proxy, recorder };
}

test('HTTP/2 WebSocket exchanges are recorded with their messages, like HTTP/1.1 upgrades', async (t) => {
  const { backend, proxy, recorder } = await recordingProxy(t);

  const tunnel = await openH2WebSocket(proxy.httpsPort, proxy.caPem, `ws.test:${proxy.httpsPort}`, '/h2-recorded', {});
  t.after(() => tunnel.session.destroy());
  assert.equal(tunnel.response[':status'], 200);
  assert.equal(String((await tunnel.nextFrame()).payload), '{"type":"connected"}');
  tunnel.stream.write(clientFrame('recorded over h2'));
  assert.equal(String((await tunnel.nextFrame()).payload), 'recorded over h2');
  tunnel.stream.write(clientFrame(Buffer.from([0x03, 0xe8]), 8));
  assert.equal((await tunnel.nextFrame()).opcode, 8);
  tunnel.stream.end();
  await tunnel.closed;

  let x: Exchange | undefined;
  for (let i = 0; i < 200 && !x; i++) {
    x = recorder.all().find((e) => e.websocket && e.url === '/h2-recorded' && e.state !== 'pending');
    if (!x) await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(x, 'the h2 WebSocket exchange is listed and finished');
  assert.equal(x.httpVersion, '2');
  assert.equal(x.status, 200);
  assert.equal(x.routeId, 'ws.test');
  // The tunnel rides the TLS connection of its HTTP/2 session: its details are the exchange's.
  assert.equal(x.tls?.sni, 'ws.test');
  assert.equal(x.tls?.alpn, 'h2');
  assert.match(x.tls?.version ?? '', /^TLSv1\.[23]$/);
  const view = x.wsMessages!.map((m) => `${m.direction}:${m.opcode}:${Buffer.from(m.data, 'base64').toString()}`);
  assert.ok(view.includes('upstream-to-client:1:{"type":"connected"}'), view.join('\n'));
  assert.ok(view.includes('client-to-upstream:1:recorded over h2'), view.join('\n'));
  assert.ok(view.includes('upstream-to-client:1:recorded over h2'), view.join('\n'));
});

/** Runs generated curl code with real curl, trusting the test root and resolving ws.test to loopback; it stops after `seconds` (a WebSocket stays open). */
async function runCurl(code: string, proxy: { caPath: string; httpsPort: number }, seconds = 2): Promise<CommandResult> {
  const extra = `-sS -i --max-time ${seconds} --cacert ${proxy.caPath} --resolve ws.test:${proxy.httpsPort}:127.0.0.1`;
  assert.ok(code.startsWith('curl '), code);
  return runCommand('sh', ['-s'], { input: `curl ${extra} ${code.slice('curl '.length)}\n`, timeoutMs: (seconds + 10) * 1000 });
}

test('Copy as curl of a WebSocket over HTTP/2 (and over HTTP/1.1 with TLS) opens the same WebSocket with real curl', async (t) => {
  const { backend, proxy, recorder } = await recordingProxy(t);

  // What Chromium sends for Vite's HMR socket over an HTTP/2 connection.
  const tunnel = await openH2WebSocket(proxy.httpsPort, proxy.caPem, `ws.test:${proxy.httpsPort}`, '/?token=h2-curl', {
    'sec-websocket-protocol': 'vite-hmr',
    'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits',
  });
  t.after(() => tunnel.session.destroy());
  assert.equal(tunnel.response[':status'], 200);
  await tunnel.nextFrame();
  tunnel.stream.close();
  const ws = new WebSocket(`wss://ws.test:${proxy.httpsPort}/?token=h1-curl`, 'vite-hmr', { ca: proxy.caPem, lookup: lookupLoopback as never });
  t.after(() => ws.terminate());
  await new Promise((resolve, reject) => ws.once('message', resolve).once('error', reject));
  ws.close();

  const recorded = async (url: string): Promise<Exchange> => {
    for (let i = 0; i < 200; i++) {
      const x = recorder.all().find((e) => e.websocket && e.url === url);
      if (x) return x;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`${url} was not recorded`);
  };
  const h2 = await recorded('/?token=h2-curl');
  assert.equal(h2.method, 'CONNECT');
  const h1 = await recorded('/?token=h1-curl');

  for (const x of [h2, h1]) {
    const spec = requestSpecOf(x);
    const { code } = toCurl(spec, { multiline: false });
    const before = backend.upgrades.length;
    const r = await runCurl(code, proxy);
    // curl shows the 101 and the first frame, then waits on the open socket until --max-time.
    assert.match(r.stdout, /^HTTP\/1\.1 101 /, `HTTP/${x.httpVersion}: ${r.stdout}${r.stderr}\n${code}`);
    assert.equal(spec.method, 'GET', 'a WebSocket opens with GET in HTTP/1.1');
    assert.ok(!spec.headers.some(([k]) => k.startsWith(':')), 'no pseudo-headers');
    assert.match(code, / --http1\.1 /);
    assert.match(r.stdout, /sec-websocket-protocol: vite-hmr/i);
    assert.ok(r.stdout.includes('{"type":"connected"}'), r.stdout);
    const up = backend.upgrades[before]!;
    assert.equal(up.url, x.url);
    assert.equal(header(up.headers, 'sec-websocket-protocol'), 'vite-hmr');

    // Straight to the upstream: the handshake as the proxy forwarded it.
    const direct = await runCurl(toCurl(requestSpecOf(x, {}, 'upstream'), { multiline: false }).code, proxy);
    assert.match(direct.stdout, /^HTTP\/1\.1 101 /, direct.stdout + direct.stderr);

    // "Copy as fetch" is WebSocket API code: run it with a real client (ws, trusting the test root).
    const fetchCode = toFetch(spec).code;
    const ca = proxy.caPem;
    class TrustingWebSocket extends WebSocket {
      constructor(url: string, protocols?: string[]) {
        super(url, protocols, { ca, lookup: lookupLoopback as never });
      }
    }
    const logged: string[] = [];
    const opened = new Function('WebSocket', 'console', `${fetchCode}\nreturn ws;`)(TrustingWebSocket, { log: (d: unknown) => logged.push(String(d)) }) as WebSocket;
    t.after(() => opened.terminate());
    for (let i = 0; i < 200 && logged.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(logged, ['{"type":"connected"}']);
    assert.equal(opened.protocol, 'vite-hmr');
    opened.close();
  }
});
