/**
 * The route editor's Advanced section end to end: Chromium edits a route of a
 * real headless GatehouseInstance; undici then checks what a client gets
 * through the proxy (gzip on, a response header rule, the cache purge button).
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { request } from 'undici';
import { GatehouseInstance } from '../../main/instance/gatehouse-instance';
import { memoryLogger } from '../../main/engine/logger';
import { deadPort, startBackend, type Backend } from '../support/backends';
import { tempDataDir } from '../support/temp-data-dir';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureRendererBuilt } from '../support/renderer-build';

const SHOTS = path.resolve(__dirname, '..', '..', 'test-results');
// 2 KB of text, varied enough to be a real body, compressible enough for gzip to pay.
const BODY = Array.from({ length: 64 }, (_, i) => `line ${String(i).padStart(2, '0')}: the quick brown fox\n`).join('').slice(0, 2048);

let tmp: { dir: string; cleanup: () => void };
let backend: Backend;
let instance: GatehouseInstance;
let browser: Browser;
let page: Page;
let configPath: string;
const pageErrors: string[] = [];

async function viaProxy(headers: Record<string, string> = {}) {
  const port = instance.info().httpPort;
  assert.ok(port, 'the HTTP listener is up');
  const res = await request(`http://127.0.0.1:${port}/page.txt`, { headers: { host: 'app.test', ...headers } });
  const raw = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, raw };
}

/** Polls the proxy (bounded) until `ok` holds for a response: the engine applies config edits asynchronously. */
async function proxyUntil(ok: (r: Awaited<ReturnType<typeof viaProxy>>) => boolean, what: string, headers: Record<string, string> = {}) {
  let last: Awaited<ReturnType<typeof viaProxy>> | undefined;
  for (let i = 0; i < 100; i++) {
    last = await viaProxy(headers);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; last response headers: ${JSON.stringify(last?.headers)}`);
}

before(async () => {
  const staticDir = ensureRendererBuilt();
  tmp = tempDataDir('gatehouse-ui-features-');
  configPath = path.join(tmp.dir, 'config.json');
  backend = await startBackend((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(BODY)), 'cache-control': 'max-age=60' });
    res.end(BODY);
  });
  // The route comes from the file with a field the form does not show: the save must keep it.
  // A second route whose only target refuses connections and has a health check: the view says so.
  const down = { host: 'down.test', target: `http://127.0.0.1:${await deadPort()}`, https: false, healthCheck: { path: '/health', interval: '200ms', timeout: '200ms' } };
  fs.writeFileSync(configPath, JSON.stringify({ routes: [{ host: 'app.test', target: backend.url, https: false, rateLimit: { rate: 1000, per: 'route' } }, down] }, null, 2));
  instance = await GatehouseInstance.start({
    configPath,
    dataDir: path.join(tmp.dir, 'data'),
    headless: true,
    logger: memoryLogger(),
    httpPort: 0,
    listen: ['127.0.0.1'],
    staticDir,
  });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await instance?.stop(0);
  await backend?.close();
  tmp?.cleanup();
});

test('route editor: compression and a response header rule set in the UI reach the client', async (t) => {
  await t.test('before: no compression, no header', async () => {
    const r = await viaProxy({ 'accept-encoding': 'gzip' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(r.raw.toString('utf8'), BODY);
    assert.equal(r.headers['x-dev'], undefined);
  });

  await t.test('a bad JSON header rule is refused next to its field', async () => {
    await page.goto(instance.dashboardUrl!);
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    const row = page.locator('tr[data-route="app.test"]');
    await row.waitFor();
    await row.getByRole('button', { name: 'Edit' }).click();
    // The route has a rate limit, so the Advanced section opens by itself and shows it.
    assert.equal(await page.getByLabel('Rate limit (req/s)').inputValue(), '1000');
    await page.locator('#route-headers').fill('{"response": {"set": ');
    await page.getByRole('button', { name: 'Save route' }).click();
    await page.locator('#err-headers').waitFor();
    assert.match((await page.locator('#err-headers').textContent())!, /Not valid JSON/);
    assert.equal(JSON.parse(fs.readFileSync(configPath, 'utf8')).routes[0].headers, undefined, 'nothing saved');
  });

  await t.test('a rewrite the engine refuses: its validation error lands next to the field', async () => {
    await page.locator('#route-headers').fill('');
    await page.locator('#route-rewrite').fill('{"prefix": "/old"}');
    await page.getByRole('button', { name: 'Save route' }).click();
    await page.locator('#err-rewrite').waitFor();
    assert.match((await page.locator('#err-rewrite').textContent())!, /rewrite\/to: missing required field "to"/);
    assert.equal(JSON.parse(fs.readFileSync(configPath, 'utf8')).routes[0].rewrite, undefined, 'nothing saved');
    await page.locator('#route-rewrite').fill('');
  });

  await t.test('turn on compression and the cache, set a response header, save', async () => {
    await page.getByLabel('Compress responses').check();
    await page.getByLabel('Cache responses').check();
    await page.locator('#route-headers').fill(JSON.stringify({ response: { set: { 'X-Dev': 'from-the-ui' } } }, null, 2));
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'ui-route-features.png'), fullPage: true });
    await page.getByRole('button', { name: 'Save route' }).click();
    await page.locator('tr[data-route="app.test"]').getByRole('button', { name: 'Edit' }).waitFor();
    const saved = JSON.parse(fs.readFileSync(configPath, 'utf8')).routes[0];
    assert.equal(saved.compress, true);
    assert.equal(saved.cache, true);
    assert.deepEqual(saved.headers, { response: { set: { 'X-Dev': 'from-the-ui' } } });
    assert.deepEqual(saved.rateLimit, { rate: 1000, per: 'route' }, 'the field the form does not show is kept');
  });

  await t.test('the client gets gzip and the header; the decoded body is the backend\'s', async () => {
    const r = await proxyUntil((x) => x.headers['content-encoding'] === 'gzip' && x.headers['x-dev'] === 'from-the-ui', 'gzip and X-Dev through the proxy', { 'accept-encoding': 'gzip' });
    assert.equal(r.status, 200);
    assert.ok(r.raw.length < BODY.length, `the wire body is compressed (${r.raw.length} < ${BODY.length})`);
    assert.equal(zlib.gunzipSync(r.raw).toString('utf8'), BODY);
    const plain = await viaProxy();
    assert.equal(plain.headers['content-encoding'], undefined, 'no gzip for a client that does not ask for it');
    assert.equal(plain.raw.toString('utf8'), BODY);
  });

  await t.test('Purge cache empties the route\'s cache', async () => {
    const button = page.locator('tr[data-route="app.test"]').getByRole('button', { name: 'Purge cache' });
    await button.waitFor();
    await button.click();
    const label = (await page.locator('tr[data-route="app.test"]').getByRole('button', { name: /^Purged \d+$/ }).textContent())!;
    assert.ok(Number(label.replace('Purged ', '')) >= 1, `something was cached and purged: ${label}`);
    assert.deepEqual(await instance.api['cache.purge']({ routeId: 'app.test' }), { purged: 0 }, 'the cache is empty after the purge');
    assert.deepEqual(pageErrors, []);
  });

  await t.test('health: a route whose health check fails shows the check result and "All targets down"', async () => {
    const row = page.locator('tr[data-route="down.test"]');
    await row.getByText('All targets down').waitFor();
    await row.getByText(/^check failed: /).waitFor();
    assert.equal(await page.locator('tr[data-route="app.test"]').getByText('All targets down').count(), 0);
    assert.equal(await row.getByRole('button', { name: 'Purge cache' }).count(), 0, 'no purge button without a cache');
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'ui-route-health.png') });
  });
});
