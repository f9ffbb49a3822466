import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { GatehouseConfig } from '../../shared/config';
import { deadPort, header, startBackend, startWsBackend, type Backend, type WsBackend } from '../support/backends';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { waitFor } from '../support/wait-for';

function connect(port: number, host: string, path = '/', protocols?: string | string[]): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${port}${path}`, protocols, { headers: { host }, handshakeTimeout: 5_000 });
}

async function opened(ws: WebSocket): Promise<unknown> {
  const first = once(ws, 'message');
  await once(ws, 'open');
  const [msg] = await first; // the backend greets every connection
  return JSON.parse(String(msg));
}

async function echo(ws: WebSocket, data: string | Buffer): Promise<{ data: Buffer; isBinary: boolean }> {
  const reply = once(ws, 'message');
  ws.send(data);
  const [d, isBinary] = await reply;
  return { data: Buffer.from(d as Buffer), isBinary: isBinary as boolean };
}

/** Resolves with the status of a refused handshake. */
function refusedStatus(ws: WebSocket): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => reject(new Error('should not open')));
    ws.on('error', () => {});
  });
}

describe('WebSocket proxying', () => {
  let wsb: WsBackend;
  let plain: Backend;
  let proxy: TestProxy;
  let config: GatehouseConfig;

  before(async () => {
    wsb = await startWsBackend();
    plain = await startBackend((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain', 'x-from': 'plain' });
      res.end('no websockets here');
    });
    config = {
      routes: [
        { host: 'hmr.test', target: wsb.url },
        { host: 'other.test', target: wsb.url },
        { host: 'app.test', path: '/ws', target: wsb.url, stripPath: true },
        { host: 'plain.test', target: plain.url },
      ],
      // Short client-side timeouts: a tunnel must outlive them.
      timeouts: { requestHeaders: '300ms', keepAlive: '200ms' },
    };
    proxy = await startProxy(config);
  });

  after(async () => {
    await proxy.close();
    await wsb.close();
    await plain.close();
  });

  test('echo through the proxy with the vite-hmr subprotocol, text and binary', async () => {
    const ws = connect(proxy.port, 'hmr.test', '/?token=abc', 'vite-hmr');
    assert.deepEqual(await opened(ws), { type: 'connected' });
    assert.equal(ws.protocol, 'vite-hmr');
    assert.deepEqual(await echo(ws, 'hello'), { data: Buffer.from('hello'), isBinary: false });
    const bin = Buffer.from([0, 1, 2, 255]);
    assert.deepEqual(await echo(ws, bin), { data: bin, isBinary: true });
    const large = 'z'.repeat(300_000);
    assert.equal((await echo(ws, large)).data.toString(), large);
    const seen = wsb.upgrades[wsb.upgrades.length - 1]!;
    assert.equal(seen.url, '/?token=abc');
    assert.equal(header(seen.headers, 'host'), 'hmr.test');
    assert.equal(header(seen.headers, 'sec-websocket-protocol'), 'vite-hmr');
    assert.equal(header(seen.headers, 'x-forwarded-for'), '127.0.0.1');
    assert.equal(header(seen.headers, 'x-forwarded-proto'), 'http');
    assert.equal(header(seen.headers, 'via'), '1.1 gatehouse');
    assert.equal(header(seen.headers, 'upgrade'), 'websocket');
    ws.close();
    await once(ws, 'close');
  });

  test('path routing and stripping apply to upgrades', async () => {
    const ws = connect(proxy.port, 'app.test', '/ws/hmr?x=1');
    await opened(ws);
    assert.equal(wsb.upgrades[wsb.upgrades.length - 1]!.url, '/hmr?x=1');
    ws.close();
    await once(ws, 'close');
  });

  test('a tunnel outlives the client header and keep-alive timeouts', async () => {
    const ws = connect(proxy.port, 'hmr.test');
    await opened(ws);
    await sleep(1_000);
    assert.equal((await echo(ws, 'still here')).data.toString(), 'still here');
    ws.close();
    await once(ws, 'close');
  });

  test('disabling a route closes its tunnels, other routes keep theirs; removing closes too', async () => {
    const a = connect(proxy.port, 'hmr.test');
    const b = connect(proxy.port, 'other.test');
    await Promise.all([opened(a), opened(b)]);
    const backendClients = wsb.clients.size;
    const closedA = once(a, 'close');
    proxy.engine.applyConfig({ ...config, routes: config.routes.map((r) => (r.host === 'hmr.test' ? { ...r, enabled: false } : r)) });
    await closedA;
    assert.equal((await echo(b, 'b alive')).data.toString(), 'b alive');
    await waitFor(() => wsb.clients.size === backendClients - 1, 'the upstream side was closed as well');
    // A new connection to the disabled route is refused with 404.
    assert.equal((await refusedStatus(connect(proxy.port, 'hmr.test'))).status, 404);

    const closedB = once(b, 'close');
    proxy.engine.applyConfig({ ...config, routes: config.routes.filter((r) => r.host !== 'other.test') });
    await closedB;
    proxy.engine.applyConfig(config);
    const again = connect(proxy.port, 'hmr.test');
    await opened(again);
    again.close();
    await once(again, 'close');
  });

  test('upgrade to a dead target: 502 naming it', async () => {
    const port = await deadPort();
    proxy.engine.applyConfig({ ...config, routes: [...config.routes, { host: 'dead.test', target: `http://127.0.0.1:${port}` }] });
    try {
      const r = await refusedStatus(connect(proxy.port, 'dead.test'));
      assert.equal(r.status, 502);
      assert.match(r.body, new RegExp(`nothing is listening on 127\\.0\\.0\\.1:${port}`));
    } finally {
      proxy.engine.applyConfig(config);
    }
  });

  test('an upstream that refuses the upgrade: its response is relayed', async () => {
    const r = await refusedStatus(connect(proxy.port, 'plain.test'));
    assert.deepEqual(r, { status: 404, body: 'no websockets here' });
  });

  test('a non-WebSocket upgrade (curl --http2 over http) is answered over HTTP/1.1 without the Upgrade', async () => {
    const { spawn } = await import('node:child_process');
    const out = await new Promise<string>((resolve) => {
      const p = spawn('curl', ['-sS', '-i', '--http2', '--max-time', '10', '-H', 'Host: plain.test', `http://127.0.0.1:${proxy.port}/h2c`]);
      let o = '';
      p.stdout.on('data', (d) => (o += d));
      p.on('close', () => resolve(o));
    });
    assert.match(out, /^HTTP\/1\.1 404 Not Found\r\n/);
    assert.match(out, /no websockets here$/);
    const seen = plain.seen[plain.seen.length - 1]!;
    assert.equal(seen.url, '/h2c');
    assert.equal(header(seen.headers, 'upgrade'), undefined);
    assert.equal(header(seen.headers, 'http2-settings'), undefined);
  });

  test('no route for an upgrade: 404', async () => {
    const r = await refusedStatus(connect(proxy.port, 'nowhere.test'));
    assert.equal(r.status, 404);
    assert.match(r.body, /no route for nowhere\.test/);
  });

  test('stop() closes open tunnels', async () => {
    const own = await startProxy(config);
    const ws = connect(own.port, 'hmr.test');
    await opened(ws);
    const closed = once(ws, 'close');
    await own.close();
    await closed;
  });
});
