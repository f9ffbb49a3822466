import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { deadPort, startBackend, type Backend } from '../support/backends';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { selfSignedCert } from '../support/self-signed-cert';

const JSON_ACCEPT = { accept: 'application/json' };
const HTML_ACCEPT = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('error pages and timeouts', () => {
  let silent: Backend;
  let stalls: Backend;
  let proxy: TestProxy;
  let dead: number;
  let tlsServer: https.Server;
  let tlsPort: number;

  before(async () => {
    dead = await deadPort();
    // Never answers.
    silent = await startBackend(() => {});
    // Sends the head and a little body, then goes quiet.
    stalls = await startBackend((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    tlsServer = https.createServer(selfSignedCert(), (req, res) => res.end(`tls ok ${req.headers.host}`));
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    tlsPort = (tlsServer.address() as AddressInfo).port;
    proxy = await startProxy({
      routes: [
        { host: 'down.test', target: `http://127.0.0.1:${dead}` },
        { host: 'slow.test', target: silent.url },
        { host: 'stall.test', target: stalls.url },
        { host: 'tls.test', target: `https://127.0.0.1:${tlsPort}` },
        { host: 'strict.test', target: `https://127.0.0.1:${tlsPort}`, verifyTls: true },
      ],
      timeouts: { upstreamHeaders: '300ms', upstreamBody: '300ms' },
    });
  });

  after(async () => {
    await proxy.close();
    await Promise.all([silent.close(), stalls.close()]);
    tlsServer.closeAllConnections();
    await new Promise((resolve) => tlsServer.close(resolve));
  });

  test('502 when nothing listens: HTML for browsers, naming the target', async () => {
    const r = await proxy.text('down.test', '/', HTML_ACCEPT);
    assert.equal(r.status, 502);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    assert.match(r.body, new RegExp(`nothing is listening on 127\\.0\\.0\\.1:${dead} — is your dev server running\\?`));
    assert.equal(r.headers['x-gatehouse-error'], 'UPSTREAM_REFUSED');
  });

  test('502 as JSON when the client prefers JSON', async () => {
    const r = await proxy.text('down.test', '/api', JSON_ACCEPT);
    assert.equal(r.status, 502);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.deepEqual(JSON.parse(r.body), {
      error: { status: 502, code: 'UPSTREAM_REFUSED', message: `nothing is listening on 127.0.0.1:${dead} — is your dev server running?` },
    });
  });

  test('504 when the upstream does not answer within upstreamHeaders', async () => {
    const r = await proxy.text('slow.test', '/', JSON_ACCEPT);
    assert.equal(r.status, 504);
    const e = JSON.parse(r.body).error;
    assert.equal(e.code, 'UPSTREAM_TIMEOUT');
    assert.match(e.message, /did not answer within 300 ms/);
    const html = await proxy.text('slow.test', '/', HTML_ACCEPT);
    assert.equal(html.status, 504);
    assert.match(html.body, /did not answer within 300 ms/);
  });

  test('a body that stalls past upstreamBody ends the client response as failed', async () => {
    const r = await proxy.request('stall.test', '/');
    assert.equal(r.statusCode, 200);
    await assert.rejects(r.body.text());
  });

  test('https targets on loopback with a self-signed certificate work by default', async () => {
    const r = await proxy.text('tls.test', '/');
    assert.deepEqual([r.status, r.body], [200, 'tls ok tls.test']);
  });

  test('verifyTls: true rejects the self-signed certificate with a hint', async () => {
    const r = await proxy.text('strict.test', '/', JSON_ACCEPT);
    assert.equal(r.status, 502);
    const e = JSON.parse(r.body).error;
    assert.equal(e.code, 'UPSTREAM_TLS');
    assert.match(e.message, /verifyTls/);
  });

  test('508 for a route that points at the proxy itself', async () => {
    const config = {
      routes: [
        { host: 'self.test', target: `http://127.0.0.1:${proxy.port}` },
        { host: 'self2.test', target: `http://localhost:${proxy.port}` },
      ],
    };
    proxy.engine.applyConfig(config);
    try {
      for (const host of ['self.test', 'self2.test']) {
        const r = await proxy.text(host, '/', JSON_ACCEPT);
        assert.equal(r.status, 508, host);
        assert.equal(JSON.parse(r.body).error.code, 'LOOP_DETECTED');
      }
    } finally {
      proxy.engine.applyConfig({
        routes: [{ host: 'down.test', target: `http://127.0.0.1:${dead}` }],
      });
    }
  });
});

describe('loops through two proxies', () => {
  test('A → B → A is answered 508 by A via the hop marker', async () => {
    const a = await startProxy({ routes: [] });
    const b = await startProxy({ routes: [{ host: 'loop.test', target: `http://127.0.0.1:${a.port}` }] });
    a.engine.applyConfig({ routes: [{ host: 'loop.test', target: `http://127.0.0.1:${b.port}` }] });
    try {
      const r = await a.text('loop.test', '/', JSON_ACCEPT);
      assert.equal(r.status, 508);
      assert.equal(JSON.parse(r.body).error.code, 'LOOP_DETECTED');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
