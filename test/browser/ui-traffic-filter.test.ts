/**
 * The traffic list's filters and the detail pane against real traffic: Debian's
 * Chromium drives the renderer of a real headless GatehouseInstance; requests
 * and WebSockets go through the proxy on its (non-default) port.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { request } from 'undici';
import { WebSocket } from 'ws';
import { GatehouseInstance } from '../../main/instance/gatehouse-instance';
import { formatDuration } from '../../renderer/src/model/format';
import { memoryLogger } from '../../main/engine/logger';
import { startBackend, startWsBackend, type Backend, type WsBackend } from '../support/backends';
import { tempDataDir } from '../support/temp-data-dir';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureRendererBuilt } from '../support/renderer-build';

const SHOTS = path.resolve(__dirname, '..', '..', 'test-results');

/** What before() starts: an app backend and a WebSocket backend behind a Gatehouse instance, and Chromium on its dashboard. */
interface Setup {
  tmp: { dir: string; cleanup: () => void };
  backend: Backend;
  wsBackend: WsBackend;
  instance: GatehouseInstance;
  browser: Browser;
}
const s = {} as Partial<Setup>;
let page: Page;
const pageErrors: string[] = [];

function port(): number {
  return s.instance!.info().httpPort!;
}

/** A GET through the proxy, with Host "<name>:<port>" as a browser sends it on a non-default port. */
async function get(name: string, pathAndQuery: string, address = '127.0.0.1'): Promise<number> {
  const origin = address.includes(':') ? `http://[${address}]:${port()}` : `http://${address}:${port()}`;
  const res = await request(`${origin}${pathAndQuery}`, { headers: { host: `${name}:${port()}` } });
  await res.body.dump();
  return res.statusCode;
}

async function openWebSocket(pathAndQuery: string): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${port()}${pathAndQuery}`, { headers: { host: `hmr.localhost:${port()}` } });
  await new Promise((resolve, reject) => ws.once('message', resolve).once('error', reject));
  ws.close();
  await new Promise((resolve) => ws.once('close', resolve));
}

before(async () => {
  const staticDir = ensureRendererBuilt();
  const tmp = (s.tmp = tempDataDir('gatehouse-ui-filter-'));
  s.backend = await startBackend(undefined, { name: 'app' });
  s.wsBackend = await startWsBackend();
  const configPath = path.join(tmp.dir, 'config.json');
  const routes = [
    { host: 'app.localhost', target: s.backend.url, https: false },
    { host: 'hmr.localhost', target: s.wsBackend.url, https: false },
    // HTTPS: plain HTTP requests get Gatehouse's own 308 to https.
    { host: 'secure.localhost', target: s.backend.url, https: true },
  ];
  fs.writeFileSync(configPath, JSON.stringify({ routes }));
  s.instance = await GatehouseInstance.start({ configPath, dataDir: path.join(tmp.dir, 'data'), headless: true, logger: memoryLogger(), httpPort: 0, listen: ['127.0.0.1', '::1'], staticDir });
  assert.equal(await get('app.localhost', '/api/items?page=2'), 200);
  assert.equal(await get('app.localhost', '/about'), 200);
  await openWebSocket('/socket?token=abc');
  assert.equal(await get('app.localhost', '/from-ipv6', '::1'), 200);
  s.browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await s.browser.newPage({ viewport: { width: 1360, height: 820 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(15_000);
  await page.goto(`${s.instance.dashboardUrl}#/traffic`);
  await page.locator('.list-foot', { hasText: /^4 exchanges/ }).waitFor();
});

after(async () => {
  await s.browser?.close();
  await s.instance?.stop(0);
  await s.backend?.close();
  await s.wsBackend?.close();
  s.tmp?.cleanup();
});

async function shownPaths(): Promise<string[]> {
  return page.locator('.list-row .mono').evaluateAll((cells) => cells.map((c) => c.getAttribute('title') ?? '').sort());
}

test('the text filter finds host/path without the port, and "ws" finds the WS rows', async () => {
  const filter = page.getByLabel('Filter text');
  await filter.fill('app.localhost/api');
  await page.locator('.list-foot', { hasText: /^1 of 4 exchanges/ }).waitFor();
  assert.deepEqual(await shownPaths(), ['/api/items?page=2']);
  await filter.fill(`app.localhost:${port()}/api`);
  await page.locator('.list-foot', { hasText: /^1 of 4 exchanges/ }).waitFor();
  await filter.fill('ws');
  await page.locator('.list-foot', { hasText: /^1 of 4 exchanges/ }).waitFor();
  assert.equal(await page.locator('.list-row .method').textContent(), 'WS');
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'ui-filter-ws-text.png') });
  await filter.fill('');
  await page.locator('.list-foot', { hasText: /^4 exchanges/ }).waitFor();
});

test('the Method menu offers WS, which shows the WebSocket rows, and GET shows the rows the column calls GET', async () => {
  const method = page.getByLabel('Method');
  await method.selectOption('WS');
  await page.locator('.list-foot', { hasText: /^1 of 4 exchanges/ }).waitFor();
  assert.deepEqual(await page.locator('.list-row .method').allTextContents(), ['WS']);
  // GET, as the column shows it: the WebSocket (opened with a GET) is not among them.
  await method.selectOption('GET');
  await page.locator('.list-foot', { hasText: /^3 of 4 exchanges/ }).waitFor();
  assert.deepEqual(await page.locator('.list-row .method').allTextContents(), ['GET', 'GET', 'GET']);
  await method.selectOption('');
  await page.locator('.list-foot', { hasText: /^4 exchanges/ }).waitFor();
  assert.deepEqual(pageErrors, []);
});

test('the timings of a request on a reused upstream connection show no connect', async () => {
  // /about went second to the same backend: undici reused the keep-alive connection.
  const x = (await s.instance!.api['exchanges.list']({ filter: { text: '/about' } })).items[0]!;
  const detail = await s.instance!.api['exchanges.get']({ id: x.id });
  assert.equal(detail.exchange.timings.connectionReused, true);
  await page.locator(`.list-row[data-id="${x.id}"]`).click();
  await page.getByRole('tab', { name: 'Overview' }).click();
  const timings = page.getByLabel('Timings');
  await timings.waitFor();
  const labels = await timings.locator('.wf-row .muted').allTextContents();
  assert.equal(labels[0], 'Before sending (reused)');
  assert.ok(!labels.some((l) => /connect/i.test(l)), labels.join(', '));
  assert.match((await timings.locator('.wf-row[data-phase="queue"]').getAttribute('title'))!, /no connect/);
  await page.screenshot({ path: path.join(SHOTS, 'ui-timings-reused.png') });
  await page.getByRole('button', { name: 'Close detail' }).click();
});

test('the Overview shows an IPv6 client as [address]:port', async () => {
  const row = page.locator('.list-row', { hasText: '/from-ipv6' });
  await row.click();
  await page.getByRole('tab', { name: 'Overview' }).click();
  const client = page.locator('dl.kv dt', { hasText: /^Client$/ }).locator('xpath=following-sibling::dd[1]');
  assert.match((await client.textContent())!, /^\[::1\]:\d+ · HTTP\/1\.1 · http$/);
  await page.getByRole('button', { name: 'Close detail' }).click();
});

test('an answer Gatehouse made itself, exported to HAR and imported, shows its time in whole milliseconds', async () => {
  const res = await request(`http://127.0.0.1:${port()}/old`, { headers: { host: `secure.localhost:${port()}` } });
  await res.body.dump();
  assert.equal(res.statusCode, 308);
  const redirect = page.locator('.list-row', { hasText: 'secure.localhost' });
  await redirect.waitFor();
  const id = (await redirect.getAttribute('data-id'))!;
  const { har } = await s.instance!.api['har.export']({ ids: [id] });
  const file = path.join(s.tmp!.dir, 'redirect.har');
  fs.writeFileSync(file, JSON.stringify(har));
  await page.getByLabel('Import HAR file').setInputFiles(file);
  await page.getByText(/Imported 1 exchange from redirect\.har/).waitFor();
  const imported = page.locator('.list-row', { hasText: 'secure.localhost', has: page.locator('.tag', { hasText: 'imported' }) });
  await imported.waitFor();
  // The export carries the real time (HAR keeps three decimals), and the import brings it back.
  const durationOf = (x: { startedAt: number; endedAt?: number }) => x.endedAt! - x.startedAt;
  const original = durationOf((await s.instance!.api['exchanges.get']({ id })).exchange);
  const copy = durationOf((await s.instance!.api['exchanges.get']({ id: (await imported.getAttribute('data-id'))! })).exchange);
  assert.ok(copy > 0 && Math.abs(copy - original) < 0.002, `imported ${copy} ms, original ${original} ms`);
  // Shown by the rule every row follows: whole ms from 1 ms ("3 ms"), up to two decimals below
  // ("0.94 ms": a redirect Gatehouse answers itself often takes less), never padded ("0.00 ms").
  const DURATION = /^(\d+|0\.\d?[1-9]|< 0\.01) ms$/;
  const time = (await imported.locator('.num').nth(2).textContent())!;
  assert.equal(time, formatDuration(copy));
  assert.match(time, DURATION, time);
  await imported.click();
  await page.getByRole('tab', { name: 'Overview' }).click();
  const duration = page.locator('dl.kv dt', { hasText: /^Duration$/ }).locator('xpath=following-sibling::dd[1]');
  assert.equal(await duration.textContent(), formatDuration(copy));
  for (const cell of await page.getByLabel('Timings').locator('.num').allTextContents()) assert.match(cell, DURATION, cell);
  await page.screenshot({ path: path.join(SHOTS, 'ui-imported-redirect.png') });
  assert.deepEqual(pageErrors, []);
});
