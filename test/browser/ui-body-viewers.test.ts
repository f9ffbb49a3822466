/**
 * Body viewers against real recorded bodies: an image preview, JSON as a
 * collapsible tree, a body over the capture cap marked truncated, and the hex
 * view of binary bytes.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { request } from 'undici';
import { GatehouseInstance } from '../../main/instance/gatehouse-instance';
import { memoryLogger } from '../../main/engine/logger';
import { startBackend, type Backend } from '../support/backends';
import { tempDataDir } from '../support/temp-data-dir';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureRendererBuilt } from '../support/renderer-build';

const ICON = fs.readFileSync(path.resolve(__dirname, '..', '..', 'resources', 'icons', '32x32.png'));
const CAP = 64 * 1024;

let tmp: { dir: string; cleanup: () => void };
let backend: Backend;
let instance: GatehouseInstance;
let browser: Browser;
let page: Page;

before(async () => {
  const staticDir = ensureRendererBuilt();
  tmp = tempDataDir('gatehouse-ui-bodies-');
  backend = await startBackend((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/icon.png') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': ICON.length });
        res.end(ICON);
      } else if (req.url === '/data.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ user: { name: 'Ada', roles: ['admin', 'dev'] }, ok: true }));
      } else if (req.url === '/big.txt') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(CAP * 3));
      } else {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x47, 0x48]));
      }
    });
  });
  const configPath = path.join(tmp.dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify({ routes: [{ host: 'app.test', target: backend.url, https: false }], recording: { bodyCap: CAP } }));
  instance = await GatehouseInstance.start({ configPath, dataDir: path.join(tmp.dir, 'data'), headless: true, logger: memoryLogger(), httpPort: 0, listen: ['127.0.0.1'], staticDir });
  for (const p of ['/icon.png', '/data.json', '/big.txt', '/bytes']) {
    const res = await request(`http://127.0.0.1:${instance.info().httpPort}${p}`, { headers: { host: 'app.test' } });
    await res.body.dump();
    assert.equal(res.statusCode, 200);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15_000);
  await page.goto(`${instance.dashboardUrl}#/traffic`);
});

after(async () => {
  await browser?.close();
  await instance?.stop(0);
  await backend?.close();
  tmp?.cleanup();
});

async function openResponse(pathName: string) {
  await page.locator('.list-row', { hasText: pathName }).click();
  await page.locator('.detail-head', { hasText: pathName }).waitFor();
  await page.getByRole('tab', { name: 'Response' }).click();
  const body = page.getByLabel('Response body');
  await body.waitFor();
  return body;
}

test('an image response is previewed', async () => {
  const body = await openResponse('/icon.png');
  const img = body.getByRole('img');
  await img.waitFor();
  await page.waitForFunction(`document.querySelector('.body-content img')?.naturalWidth === 32`);
});

test('JSON is a collapsible tree', async () => {
  const body = await openResponse('/data.json');
  const tree = body.getByRole('tree');
  await tree.getByText('"Ada"').waitFor();
  await tree.getByRole('button', { name: 'Collapse' }).first().click();
  await tree.getByText('2 keys').waitFor();
  assert.equal(await tree.getByText('"Ada"').count(), 0);
  await tree.getByRole('button', { name: 'Expand' }).click();
  await tree.getByText('"Ada"').waitFor();
});

test('a body over the capture cap says it is truncated and shows its full size', async () => {
  const body = await openResponse('/big.txt');
  await body.getByText(/truncated — first 64 KiB captured/).waitFor();
  assert.match((await body.locator('.body-bar').textContent())!, /192 KiB/);
});

test('binary bytes in the hex view', async () => {
  const body = await openResponse('/bytes');
  await body.getByRole('button', { name: 'hex' }).click();
  await body.getByText('00000000  00 01 fe ff 47 48').waitFor();
  assert.match((await body.locator('pre.hex').textContent())!, /\|\.\.\.\.GH\|/);
});
