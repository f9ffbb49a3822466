import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import WebSocket from 'ws';
import { header, startWsBackend } from '../support/backends';
import { startHttpsProxy } from '../support/https-proxy';
import { clientFrame, parseServerFrames, type Frame } from '../support/ws-frames';
import { Recorder } from '../../main/recorder/recorder';
import type { Exchange } from '../../shared/exchange-types';

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

  // A stream for a name without a route (on a connection whose SNI had one) gets the 404 page.
  const missing = await openH2WebSocket(proxy.httpsPort, proxy.caPem, 'nothing.test', '/', { accept: 'application/json' }, 'plain.test');
  t.after(() => missing.session.destroy());
  assert.equal(missing.response[':status'], 404);
  assert.equal(missing.response['x-gatehouse-error'], 'NO_ROUTE');

  const refused = await openH2WebSocket(proxy.httpsPort, proxy.caPem, 'plain.test', '/', { 'sec-websocket-version': '7' });
  t.after(() => refused.session.destroy());
  assert.equal(refused.response[':status'], 400, 'the upstream rejected version 7 and its answer came through');
});

test('HTTP/2 WebSocket exchanges are recorded with their messages, like HTTP/1.1 upgrades', async (t) => {
  const backend = await startWsBackend();
  t.after(() => backend.close());
  const proxy = await startHttpsProxy({ routes: [{ host: 'ws.test', target: backend.url }] });
  t.after(() => proxy.close());
  const recorder = new Recorder({ batchMs: 10 });
  t.after(() => recorder.close());
  proxy.engine.setObserver(recorder);

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
  const view = x.wsMessages!.map((m) => `${m.direction}:${m.opcode}:${Buffer.from(m.data, 'base64').toString()}`);
  assert.ok(view.includes('upstream-to-client:1:{"type":"connected"}'), view.join('\n'));
  assert.ok(view.includes('client-to-upstream:1:recorded over h2'), view.join('\n'));
  assert.ok(view.includes('upstream-to-client:1:recorded over h2'), view.join('\n'));
});
