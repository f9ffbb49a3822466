/**
 * HTTPS end to end in a real browser: Debian's Chromium, with a temporary HOME
 * whose NSS database ($HOME/.pki/nssdb) trusts the Gatehouse root (added with
 * certutil), loads https://app.test:<port>/ through the proxy with no
 * certificate error, and opens a WebSocket (Chromium uses HTTP/2 extended
 * CONNECT when the server offers it). Without the root it gets the certificate error.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { startHttpsProxy } from '../support/https-proxy';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/renderer-build';
import { runCommand } from '../support/run-command';
import { tempDataDir } from '../support/temp-data-dir';

interface SeenUpgrade {
  url: string;
  via: string | undefined;
  proto: string | undefined;
}

async function startPageBackend(): Promise<{ url: string; upgrades: SeenUpgrade[]; close(): Promise<void> }> {
  const upgrades: SeenUpgrade[] = [];
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>backend</title><h1 id="who">hello from the backend, proto=${req.headers['x-forwarded-proto']}</h1>`);
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    upgrades.push({ url: req.url!, via: req.headers.via, proto: req.headers['x-forwarded-proto'] as string | undefined });
    ws.on('message', (data) => ws.send(`echo: ${String(data)}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upgrades,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function nssHome(caPath: string | undefined): Promise<{ dir: string; cleanup: () => void }> {
  const home = tempDataDir('gatehouse-chromium-home-');
  const db = path.join(home.dir, '.pki', 'nssdb');
  fs.mkdirSync(db, { recursive: true });
  const created = await runCommand('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
  assert.equal(created.code, 0, created.stderr);
  if (caPath) {
    const added = await runCommand('certutil', ['-A', '-d', `sql:${db}`, '-t', 'C,,', '-n', 'Gatehouse test root', '-i', caPath]);
    assert.equal(added.code, 0, added.stderr);
  }
  return home;
}

async function launch(home: string) {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP app.test 127.0.0.1'],
    env: { ...process.env, HOME: home },
    timeout: 30_000,
  });
}

test('Chromium trusting the root via NSS loads https://app.test through the proxy, and its WebSocket works', async (t) => {
  const backend = await startPageBackend();
  t.after(() => backend.close());
  const proxy = await startHttpsProxy({ routes: [{ host: 'app.test', target: backend.url }] });
  t.after(() => proxy.close());
  const home = await nssHome(proxy.caPath);
  t.after(home.cleanup);

  const browser = await launch(home.dir);
  t.after(() => browser.close());
  const page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  const response = await page.goto(`https://app.test:${proxy.httpsPort}/`);
  assert.ok(response);
  assert.equal(response.status(), 200);
  assert.equal(await page.textContent('#who'), 'hello from the backend, proto=https');
  const security = await response.securityDetails();
  assert.equal(security?.subjectName, 'app.test');
  assert.match(security?.issuer ?? '', /^Gatehouse Local CA/);

  const echoed = await page.evaluate(async () => {
    const ws = new WebSocket(`wss://${location.host}/live`);
    return await new Promise<string>((resolve, reject) => {
      ws.onopen = () => ws.send('hi from chromium');
      ws.onmessage = (e) => {
        resolve(String(e.data));
        ws.close();
      };
      ws.onerror = () => reject(new Error('websocket error'));
    });
  });
  assert.equal(echoed, 'echo: hi from chromium');
  const up = backend.upgrades.at(-1)!;
  assert.equal(up.url, '/live');
  assert.equal(up.proto, 'https');
  // Chromium reused its HTTP/2 connection: the WebSocket came as an extended CONNECT stream.
  assert.equal(up.via, '2 gatehouse');
});

test('Chromium without the root gets the certificate error', async (t) => {
  const backend = await startPageBackend();
  t.after(() => backend.close());
  const proxy = await startHttpsProxy({ routes: [{ host: 'app.test', target: backend.url }] });
  t.after(() => proxy.close());
  const home = await nssHome(undefined);
  t.after(home.cleanup);

  const browser = await launch(home.dir);
  t.after(() => browser.close());
  const page = await browser.newPage();
  await assert.rejects(page.goto(`https://app.test:${proxy.httpsPort}/`, { timeout: 15_000 }), /net::ERR_CERT_AUTHORITY_INVALID/);
});
