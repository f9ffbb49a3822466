import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import WebSocket from 'ws';
import { startBackend, startWsBackend, type Backend, type WsBackend } from '../support/backends';
import { startHttpsProxy, type TestHttpsProxy } from '../support/https-proxy';
import { runCommand } from '../support/run-command';

/**
 * 421 Misdirected Request: Gatehouse mints one certificate per host (the SNI name),
 * so an HTTPS connection serves only the host it was opened for, and only routes
 * served over HTTPS. Real clients: curl over HTTP/1.1 and HTTP/2, a node:http2
 * session reused for another :authority, WebSockets over both.
 */
describe('HTTPS requests for a host the connection was not made for', () => {
  let backend: Backend;
  let wsBackend: WsBackend;
  let proxy: TestHttpsProxy;

  before(async () => {
    backend = await startBackend(undefined, { name: 'up' });
    wsBackend = await startWsBackend();
    proxy = await startHttpsProxy({
      routes: [
        { host: 'a.test', target: backend.url },
        { host: 'b.test', target: backend.url, https: false },
        { host: 'c.test', target: backend.url },
        { host: '*.app.test', target: backend.url },
        { host: 'plain.app.test', target: backend.url, https: false },
        { host: 'ws.test', target: wsBackend.url },
        { host: 'other-ws.test', target: wsBackend.url },
      ],
    });
  });

  after(async () => {
    await proxy.close();
    await Promise.all([backend.close(), wsBackend.close()]);
  });

  /** curl to https://<sni>:PORT with the given Host header; the status line, the error code, and whether the backend was reached. */
  async function curl(version: '--http1.1' | '--http2', sni: string, host: string): Promise<{ status: number; code?: string; reached: boolean }> {
    const before = backend.seen.length;
    const r = await runCommand('curl', [
      '-sS', '-i', version, '--max-time', '10',
      '--cacert', proxy.caPath,
      '--resolve', `${sni}:${proxy.httpsPort}:127.0.0.1`,
      '-H', `Host: ${host}`,
      '-H', 'Accept: application/json',
      `https://${sni}:${proxy.httpsPort}/path`,
    ]);
    assert.equal(r.code, 0, `curl: ${r.stderr}`);
    const m = /^HTTP\/[\d.]+ (\d{3})/.exec(r.stdout);
    assert.ok(m, r.stdout.slice(0, 100));
    const body = r.stdout.slice(r.stdout.indexOf('\r\n\r\n') + 4);
    const status = Number(m[1]);
    const out: { status: number; code?: string; reached: boolean } = { status, reached: backend.seen.length > before };
    if (status === 421) out.code = (JSON.parse(body) as { error: { code: string } }).error.code;
    return out;
  }

  for (const version of ['--http1.1', '--http2'] as const) {
    test(`${version}: the host the certificate was made for is served (case and port ignored)`, async () => {
      assert.deepEqual(await curl(version, 'a.test', `A.Test:${proxy.httpsPort}`), { status: 200, reached: true });
    });

    test(`${version}: another host on the connection gets 421, never forwarded`, async () => {
      assert.deepEqual(await curl(version, 'a.test', 'c.test'), { status: 421, code: 'MISDIRECTED_REQUEST', reached: false });
      assert.deepEqual(await curl(version, 'a.test', `b.test:${proxy.httpsPort}`), { status: 421, code: 'MISDIRECTED_REQUEST', reached: false });
    });

    test(`${version}: a route with https:false is not served over TLS, even when a wildcard route gave its name a certificate`, async () => {
      assert.deepEqual(await curl(version, 'plain.app.test', 'plain.app.test'), { status: 421, code: 'MISDIRECTED_REQUEST', reached: false });
      // Its wildcard sibling still works.
      assert.deepEqual(await curl(version, 'x.app.test', 'x.app.test'), { status: 200, reached: true });
    });
  }

  test('an HTTP/2 session reused for another :authority gets 421 for it and keeps serving its own host', async () => {
    const session = http2.connect(`https://127.0.0.1:${proxy.httpsPort}`, { ca: proxy.caPem, servername: 'a.test' });
    session.on('error', () => {});
    try {
      const get = (authority: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = session.request({ ':path': '/reuse', ':authority': authority, accept: 'application/json' });
          let body = '';
          let status = 0;
          req.setEncoding('utf8');
          req.on('response', (h) => (status = Number(h[':status'])));
          req.on('data', (d: string) => (body += d));
          req.on('end', () => resolve({ status, body }));
          req.on('error', reject);
        });
      assert.equal((await get('a.test')).status, 200);
      const before = backend.seen.length;
      const other = await get('c.test');
      assert.equal(other.status, 421);
      assert.match((JSON.parse(other.body) as { error: { message: string } }).error.message, /opened for a\.test/);
      assert.equal(backend.seen.length, before, 'the misdirected request never reached the backend');
      assert.equal((await get('a.test')).status, 200, 'the session still serves a.test');
    } finally {
      session.destroy();
    }
  });

  test('WebSocket over HTTP/1.1 with a Host the certificate does not cover: 421, no upgrade upstream', async () => {
    const before = wsBackend.upgrades.length;
    // `servername` reaches tls.connect (ws passes its options through); ws's types do not list it.
    const ws = new WebSocket(`wss://127.0.0.1:${proxy.httpsPort}/hmr`, { ca: proxy.caPem, servername: 'ws.test', headers: { host: 'other-ws.test' } } as WebSocket.ClientOptions);
    const status = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
      ws.on('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      ws.on('open', () => {
        clearTimeout(timer);
        resolve(101);
      });
      ws.on('error', () => {});
    });
    ws.terminate();
    assert.equal(status, 421);
    assert.equal(wsBackend.upgrades.length, before);
  });

  test('WebSocket over HTTP/2 extended CONNECT for another :authority: 421, no upgrade upstream', async () => {
    const before = wsBackend.upgrades.length;
    const session = http2.connect(`https://127.0.0.1:${proxy.httpsPort}`, { ca: proxy.caPem, servername: 'ws.test' });
    session.on('error', () => {});
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no SETTINGS within 10 s')), 10_000);
        session.once('remoteSettings', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const stream = session.request(
        { ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': 'https', ':path': '/hmr', ':authority': 'other-ws.test', 'sec-websocket-version': '13' },
        { endStream: false },
      );
      stream.on('error', () => {});
      const status = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no response within 10 s')), 10_000);
        stream.once('response', (h) => {
          clearTimeout(timer);
          resolve(Number(h[':status']));
        });
      });
      assert.equal(status, 421);
      assert.equal(wsBackend.upgrades.length, before);
    } finally {
      session.destroy();
    }
  });
});
