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
// 600 bytes: below the default minimum size for compression (1024), above the one set in the UI.
const MID_BODY = BODY.slice(0, 600);

let tmp: { dir: string; cleanup: () => void };
let backend: Backend;
let instance: GatehouseInstance;
let browser: Browser;
let page: Page;
let configPath: string;
const pageErrors: string[] = [];

async function viaProxy(headers: Record<string, string> = {}, pathname = '/page.txt') {
  const port = instance.info().httpPort;
  assert.ok(port, 'the HTTP listener is up');
  const res = await request(`http://127.0.0.1:${port}${pathname}`, { headers: { host: 'app.test', ...headers } });
  const raw = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, raw };
}

/** Polls the proxy (bounded) until `ok` holds for a response: the engine applies config edits asynchronously. */
async function proxyUntil(ok: (r: Awaited<ReturnType<typeof viaProxy>>) => boolean, what: string, headers: Record<string, string> = {}, pathname?: string) {
  let last: Awaited<ReturnType<typeof viaProxy>> | undefined;
  for (let i = 0; i < 100; i++) {
    last = await viaProxy(headers, pathname);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; last response headers: ${JSON.stringify(last?.headers)}`);
}

before(async () => {
  const staticDir = ensureRendererBuilt();
  tmp = tempDataDir('gatehouse-ui-features-');
  configPath = path.join(tmp.dir, 'config.json');
  backend = await startBackend((req, res) => {
    // The health endpoint answers 418: only a check told to expect it passes.
    if (req.url === '/health') return void res.writeHead(418, { 'content-length': '0' }).end();
    const body = req.url === '/mid.txt' ? MID_BODY : BODY;
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'max-age=60' });
    res.end(body);
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

  await t.test('a rewrite the engine would refuse: the message lands next to the field', async () => {
    await page.locator('#route-headers').fill('');
    await page.locator('#route-rewrite').fill('{"prefix": "/old"}');
    await page.getByRole('button', { name: 'Save route' }).click();
    await page.locator('#err-rewrite').waitFor();
    assert.match((await page.locator('#err-rewrite').textContent())!, /rewrite needs "to"/);
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

test('route editor: health check timeout and statuses, compression and security header options, rate limit per — set in the UI, applied by the engine', async (t) => {
  const appRow = () => page.locator('tr[data-route="app.test"]');
  const fileRoute = (id: string) => (JSON.parse(fs.readFileSync(configPath, 'utf8')) as { routes: Array<Record<string, unknown>> }).routes.find((r) => r.host === id)!;
  const errorText = async (input: string) => (await page.locator(`#err-${input}`).textContent())!;
  /** The whole route form in one picture: a viewport tall enough for it, then back. */
  const formShot = async (name: string) => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.setViewportSize({ width: 1360, height: 2000 });
    await page.locator('form[aria-label="Save route"]').screenshot({ path: path.join(SHOTS, name) });
    await page.setViewportSize({ width: 1360, height: 900 });
  };
  const save = async (id: string) => {
    await page.getByRole('button', { name: 'Save route' }).click();
    await page.locator(`tr[data-route="${id}"]`).getByRole('button', { name: 'Edit' }).waitFor();
  };

  await t.test('values the engine would refuse get a message next to their input; nothing is saved', async () => {
    const before = fs.readFileSync(configPath, 'utf8');
    await appRow().getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Health check path').fill('/health');
    await page.getByLabel('Health check timeout').fill('5 sec');
    await page.getByLabel('Health check expected status').fill('200, 99');
    await page.getByLabel('Minimum size (bytes)').fill('-1'); // compress is on since the test above: its options show
    await page.getByLabel('Security headers').check();
    await page.getByLabel('HSTS max-age (s)').fill('1y');
    await page.getByRole('button', { name: 'Save route' }).click();
    await page.locator('#err-healthCheckExpectStatus').waitFor();
    assert.match(await errorText('healthCheckTimeout'), /"5 sec" is not a duration; write milliseconds \(5000\) or a number with ms, s, m or h/);
    assert.match(await errorText('healthCheckExpectStatus'), /"99" is not an HTTP status; use whole numbers from 100 to 599/);
    assert.match(await errorText('compressMinSize'), /Minimum size must be a whole number, 0 or more, e\.g\. 1024/);
    assert.match(await errorText('hstsMaxAge'), /HSTS max-age must be a whole number, 0 or more/);
    assert.equal(await page.getByLabel('Health check timeout').getAttribute('aria-describedby'), 'err-healthCheckTimeout');
    assert.equal(await page.getByLabel('Health check timeout').getAttribute('aria-invalid'), 'true');
    await formShot('ui-route-options-invalid.png');
    await page.getByLabel('Health check timeout').fill('300ms');
    assert.equal(await page.locator('#err-healthCheckTimeout').count(), 0, 'editing an input clears its message');
    assert.equal(fs.readFileSync(configPath, 'utf8'), before, 'the file is untouched');
  });

  await t.test('save without an expected status: the health endpoint\'s 418 fails the check', async () => {
    await page.getByLabel('Health check interval').fill('200ms');
    await page.getByLabel('Health check expected status').fill('');
    await page.getByLabel('Encodings').selectOption({ label: 'gzip only' });
    await page.getByLabel('Minimum size (bytes)').fill('100');
    await page.getByLabel('HSTS max-age (s)').fill('0');
    await page.getByLabel('X-Frame-Options').fill('DENY');
    await page.getByLabel('Referrer-Policy').fill('no-referrer');
    await page.getByLabel('Content-Security-Policy').fill("default-src 'self'");
    await page.getByLabel('Cache responses').uncheck(); // a cached copy would hide the new headers
    await page.getByLabel('Burst').fill('500');
    await page.getByLabel('Limit per').selectOption('client');
    await formShot('ui-route-options.png');
    await save('app.test');
    assert.deepEqual(fileRoute('app.test'), {
      host: 'app.test',
      target: backend.url,
      https: false,
      rateLimit: { rate: 1000, per: 'client', burst: 500 },
      compress: { encodings: ['gzip'], minSize: 100 },
      headers: { response: { set: { 'X-Dev': 'from-the-ui' } } },
      securityHeaders: { hstsMaxAge: 0, frameOptions: 'DENY', referrerPolicy: 'no-referrer', contentSecurityPolicy: "default-src 'self'" },
      healthCheck: { path: '/health', interval: '200ms', timeout: '300ms' },
    });
    await appRow().getByText(/^check failed: health check \/health answered 418/).waitFor();
  });

  await t.test('expect status 418: the check passes and the route is back', async () => {
    await appRow().getByRole('button', { name: 'Edit' }).click();
    assert.equal(await page.getByLabel('Health check timeout').inputValue(), '300ms', 'the form shows what the file says');
    await page.getByLabel('Health check expected status').fill('418, 204');
    await save('app.test');
    assert.deepEqual(fileRoute('app.test').healthCheck, { path: '/health', interval: '200ms', timeout: '300ms', expectStatus: [418, 204] });
    await appRow().getByText(/^check ok \(418\)/).waitFor();
    const [view] = (await instance.api['routes.list']({})).filter((r) => r.id === 'app.test');
    assert.deepEqual(view!.route, fileRoute('app.test'), 'the engine runs the route the file has');
  });

  await t.test('the client gets gzip (not br) above the 100-byte minimum, and the configured security headers', async () => {
    const r = await proxyUntil((x) => x.status === 200 && x.headers['x-frame-options'] === 'DENY', 'the route back in rotation with its security headers', { 'accept-encoding': 'br, gzip' }, '/mid.txt');
    assert.equal(r.headers['content-encoding'], 'gzip', 'br is preferred by default; the route allows gzip only');
    assert.equal(zlib.gunzipSync(r.raw).toString('utf8'), MID_BODY, '600 bytes are compressed: above the minimum size set (the default is 1024)');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
    assert.equal(r.headers['content-security-policy'], "default-src 'self'");
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['x-dev'], 'from-the-ui', 'the header rule saved earlier still applies');
  });

  await t.test('weights, balance policy, TLS verification and recording on another route', async () => {
    const row = page.locator('tr[data-route="down.test"]');
    await row.getByRole('button', { name: 'Edit' }).click();
    const dead = (fileRoute('down.test').target as string).replace('http://', '');
    await page.locator('#route-targets').fill(`${dead} weight=3\nhttp://127.0.0.1:${backend.port}`);
    await page.getByLabel('Record traffic').uncheck();
    await page.getByLabel('Balance').selectOption('weighted');
    await page.getByLabel('Verify upstream TLS').selectOption({ label: 'Verify certificates' });
    await save('down.test');
    assert.deepEqual(fileRoute('down.test'), {
      host: 'down.test',
      https: false,
      healthCheck: { path: '/health', interval: '200ms', timeout: '200ms' },
      targets: [{ url: `http://${dead}`, weight: 3 }, backend.url],
      record: false,
      balance: 'weighted',
      verifyTls: true,
    });
  });

  await t.test('saving a route unchanged writes back exactly what the file had', async () => {
    const before = fileRoute('app.test');
    await appRow().getByRole('button', { name: 'Edit' }).click();
    await save('app.test');
    assert.equal(JSON.stringify(fileRoute('app.test')), JSON.stringify(before));
    assert.deepEqual(pageErrors, []);
  });
});

test('route editor: weights under a policy that ignores them get a note next to the targets, with the weighted policy one click away', async () => {
  const note = page.getByRole('note', { name: 'Weights ignored' });
  await page.getByRole('button', { name: 'Add route' }).first().click();
  await page.locator('#route-host').fill('weights.test');
  // Not saved: the second target need not exist.
  await page.locator('#route-targets').fill(`${backend.url}\nhttp://127.0.0.1:4001 weight=2`);
  await note.waitFor();
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.locator('form[aria-label="Add route"]').screenshot({ path: path.join(SHOTS, 'ui-route-weights-ignored.png') });
  assert.match((await note.textContent())!, /These weights are ignored: round-robin, the default policy, does not use them, only weighted does/);
  await page.locator('details.advanced > summary').click();
  await page.getByLabel('Balance').selectOption('least-connections');
  assert.match((await note.textContent())!, /ignored: the least-connections policy does not use them/);
  await note.getByRole('button', { name: 'Use weighted' }).click();
  assert.equal(await page.getByLabel('Balance').inputValue(), 'weighted');
  await note.waitFor({ state: 'detached' });
  // Back to round-robin without any weight: nothing to say.
  await page.getByLabel('Balance').selectOption('round-robin');
  await note.waitFor();
  await page.locator('#route-targets').fill(`${backend.url}\nhttp://127.0.0.1:4001`);
  await note.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.deepEqual(pageErrors, []);
});

test('route editor: a host HTTPS cannot serve is explained in the form\'s words, and either way out works', async () => {
  await page.getByRole('button', { name: 'Add route' }).first().click();
  await page.locator('#route-host').fill('google.com');
  await page.locator('#route-targets').fill(backend.url);
  assert.equal(await page.getByLabel('Serve over HTTPS').isChecked(), true, 'HTTPS is on for a new route');
  await page.getByRole('button', { name: 'Add route' }).last().click();
  const message = page.locator('#err-host');
  await message.waitFor();
  const text = (await message.textContent())!;
  assert.equal(
    text,
    'google.com cannot be served over HTTPS: Gatehouse\'s certificate authority signs only names under test, localhost. ' +
      'Either add "google.com" to the HTTPS suffixes in the settings ("suffixes" in the config file), or untick "Serve over HTTPS" for this route.',
  );
  assert.doesNotMatch(text, /^host:|"https": false/, 'not the config file\'s wording');
  assert.equal(await page.locator('#route-host').getAttribute('aria-describedby'), 'err-host');
  assert.equal(JSON.parse(fs.readFileSync(configPath, 'utf8')).routes.some((r: { host: string }) => r.host === 'google.com'), false, 'nothing saved');
  // The way out the form offers: untick HTTPS, and the route is added.
  await page.getByLabel('Serve over HTTPS').uncheck();
  await page.getByRole('button', { name: 'Add route' }).last().click();
  await page.locator('tr[data-route="google.com"]').waitFor();
  const saved = (JSON.parse(fs.readFileSync(configPath, 'utf8')) as { routes: Array<{ host: string; https?: boolean }> }).routes.find((r) => r.host === 'google.com');
  assert.equal(saved?.https, false);
  assert.deepEqual(pageErrors, []);
});
