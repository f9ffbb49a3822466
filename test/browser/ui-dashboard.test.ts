/**
 * The dashboard end to end: Debian's Chromium drives the renderer served by a
 * real headless GatehouseInstance (engine + recorder + control server) in
 * front of a real backend; requests go through the proxy with undici.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { request } from 'undici';
import { GatehouseInstance } from '../../main/instance/gatehouse-instance';
import { memoryLogger } from '../../main/engine/logger';
import { WebSocket } from 'ws';
import { header, startBackend, startWsBackend, type Backend, type WsBackend } from '../support/backends';
import { tempDataDir } from '../support/temp-data-dir';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureRendererBuilt } from '../support/renderer-build';

const SHOTS = path.resolve(__dirname, '..', '..', 'test-results');

let tmp: { dir: string; cleanup: () => void };
let backend: Backend;
let wsBackend: WsBackend;
let instance: GatehouseInstance;
let browser: Browser;
let page: Page;
let configPath: string;
const pageErrors: string[] = [];

function proxyPort(): number {
  const port = instance.info().httpPort;
  assert.ok(port, 'the HTTP listener is up');
  return port;
}

async function viaProxy(pathAndQuery: string, headers: Record<string, string> = {}) {
  const res = await request(`http://127.0.0.1:${proxyPort()}${pathAndQuery}`, { headers: { host: 'app.test', ...headers } });
  const body = await res.body.text();
  return { status: res.statusCode, body };
}

async function shot(name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `ui-${name}.png`) });
}

before(async () => {
  const staticDir = ensureRendererBuilt();
  tmp = tempDataDir('gatehouse-ui-');
  configPath = path.join(tmp.dir, 'config.json');
  // One suffix of its own besides test and localhost: the CA's name constraints list it (the HTTPS panel shows them).
  fs.writeFileSync(configPath, JSON.stringify({ routes: [], suffixes: ['internal'] }, null, 2));
  backend = await startBackend(undefined, { name: 'app' });
  wsBackend = await startWsBackend();
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
  page = await browser.newPage({ viewport: { width: 1360, height: 820 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await instance?.stop(0);
  await backend?.close();
  await wsBackend?.close();
  tmp?.cleanup();
});

test('the dashboard: add a route, inspect forwarded headers, replay, toggle off, follow hand edits', async (t) => {
  await t.test('opens with the token and teaches when there are no routes', async () => {
    const url = instance.dashboardUrl;
    assert.ok(url, 'the control server printed a dashboard URL');
    await page.goto(url);
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await page.getByText('No routes yet').waitFor();
    assert.ok(!page.url().includes('token='), 'the token is not left in the address bar');
    await shot('routes-empty');
  });

  await t.test('a route added in the UI is written to the config and shows in the table', async () => {
    await page.getByRole('button', { name: 'Map app.test to localhost:3000' }).click();
    await page.locator('#route-host').fill('app.test');
    await page.getByLabel('Serve over HTTPS').uncheck();
    // A wrong target first: the message appears next to the field and nothing is saved.
    await page.locator('#route-targets').fill('ftp://nope');
    await page.getByRole('button', { name: 'Add route' }).click();
    await page.locator('#err-targets').waitFor();
    assert.match((await page.locator('#err-targets').textContent())!, /only http/);
    await page.locator('#route-targets').fill(backend.url);
    await page.getByRole('button', { name: 'Add route' }).click();
    const row = page.locator('tr[data-route="app.test"]');
    await row.waitFor();
    assert.match((await row.textContent())!, new RegExp(backend.url.replace(/[.:/]/g, '\\$&')));
    const onDisk = JSON.parse(fs.readFileSync(configPath, 'utf8'));
    assert.equal(onDisk.routes[0].host, 'app.test');
    // No request has reached the target yet: its health is unknown, not "up"; one answer makes it up.
    await page.locator('tr[data-route="app.test"] .dot.unknown').waitFor();
    let first = await viaProxy('/warm', {});
    for (let i = 0; i < 50 && first.status === 404; i++) {
      await new Promise((r) => setTimeout(r, 100));
      first = await viaProxy('/warm', {});
    }
    assert.equal(first.status, 200);
    await page.locator('tr[data-route="app.test"] .dot.up').waitFor();
    await instance.api['recording.clear']({}); // the tests below count the exchanges they make
    await shot('routes');
    // The engine's own validation lands next to the field too: the same route again.
    await page.getByRole('button', { name: 'Add route' }).click();
    await page.locator('#route-host').fill('app.test');
    await page.locator('#route-targets').fill(backend.url);
    await page.getByRole('button', { name: 'Add route' }).last().click();
    await page.locator('#err-host').waitFor();
    assert.match((await page.locator('#err-host').textContent())!, /already exists/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(JSON.parse(fs.readFileSync(configPath, 'utf8')).routes.length, 1);
  });

  let originalId = '';
  /**
   * Opens the original exchange. A replay's row may still be landing at the top of the list,
   * moving every row down under the click, so click until the original is the one open.
   */
  const openOriginal = async (): Promise<void> => {
    const head = page.locator('.detail-head', { hasText: '/hello?x=1' });
    for (let i = 0; i < 10; i++) {
      await page.locator(`.list-row[data-id="${originalId}"]`).click();
      if (await head.isVisible()) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    await head.waitFor();
  };
  await t.test('a request through the proxy appears in the traffic list and its forwarded headers are shown', async () => {
    const res = await viaProxy('/hello?x=1', { 'x-forwarded-for': '6.6.6.6', 'user-agent': 'gatehouse-ui-test', authorization: 'Bearer secret-token-123' });
    assert.equal(res.status, 200);
    const seen = backend.seen.at(-1)!;
    const receivedXff = header(seen.headers, 'x-forwarded-for');
    assert.ok(receivedXff, 'the backend received an X-Forwarded-For');
    assert.notEqual(receivedXff, '6.6.6.6', 'a spoofed X-Forwarded-For from an untrusted client is not passed on as is');

    await page.getByRole('tab', { name: 'Traffic' }).click();
    const row = page.locator('.list-row', { hasText: '/hello?x=1' });
    await row.waitFor();
    assert.match((await row.textContent())!, /GET.*app\.test.*200/);
    originalId = (await row.getAttribute('data-id'))!;
    await row.click();
    const xff = page.locator('table.hdiff tr[data-header="x-forwarded-for"]');
    await xff.waitFor();
    assert.equal(await xff.getAttribute('data-change'), 'changed');
    // undici sends header names lower-cased; the view shows them as sent.
    assert.equal((await xff.locator('td.left').textContent())!.trim(), 'x-forwarded-for: 6.6.6.6', 'what the client sent');
    assert.equal((await xff.locator('td.right').textContent())!.replace(/^[^:]+:\s*/, '').trim(), receivedXff, 'what the backend received');
    assert.match((await xff.getAttribute('class'))!, /notable/, 'proxy headers are highlighted');
    await shot('traffic-request-headers');
    await page.getByRole('tab', { name: 'Response' }).click();
    await page.getByLabel('Response body').waitFor();
    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.getByLabel('Timings').waitFor();
    await shot('traffic-overview');
  });

  await t.test('filters, keyboard navigation and copy as curl', async () => {
    await page.getByRole('button', { name: 'Close detail' }).click();
    assert.equal((await viaProxy('/other', {})).status, 200);
    await page.locator('.list-row', { hasText: '/other' }).waitFor();
    await page.getByLabel('Filter text').fill('hello');
    await page.locator('.list-foot', { hasText: '1 of 2 exchanges' }).waitFor();
    await page.getByLabel('Filter text').fill('');
    await page.getByRole('button', { name: '2xx' }).click();
    await page.locator('.list-foot', { hasText: '2 exchanges' }).waitFor();
    await page.getByRole('button', { name: '2xx' }).click();
    // Newest first: /other on top. Down twice from nothing selects row 0 then row 1; Enter opens it.
    await page.getByRole('grid', { name: 'Exchanges' }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('.detail-head', { hasText: '/hello?x=1' }).waitFor();
    assert.match(page.url(), new RegExp(`#/traffic/${originalId}$`));
    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    const code = (await page.getByLabel('Generated code').textContent())!;
    assert.match(code, /^curl /);
    assert.match(code, /hello\?x=1/);
  });

  await t.test('HAR export (credentials redacted) and import', async () => {
    assert.equal(await page.getByLabel('Redact').isChecked(), true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export HAR' }).click()]);
    const file = path.join(tmp.dir, 'export.har');
    await download.saveAs(file);
    const har = JSON.parse(fs.readFileSync(file, 'utf8')) as { log: { entries: Array<{ request: { url: string; headers: Array<{ name: string; value: string }> } }> } };
    const entry = har.log.entries.find((e) => e.request.url.endsWith('/hello?x=1'));
    assert.ok(entry, 'the exchange is in the export');
    const auth = entry.request.headers.find((h) => h.name.toLowerCase() === 'authorization');
    assert.equal(auth?.value, 'Bearer [redacted]', 'the Authorization value is redacted');
    // A file that is not JSON: named with the line and column where it breaks, as the CLI does; nothing imported.
    const broken = path.join(tmp.dir, 'broken.har');
    const brokenText = '{\n  "log": {\n    "entries": [ nope ]\n  }\n}\n';
    fs.writeFileSync(broken, brokenText);
    const before = (await instance.api['recording.get']({})).count;
    await page.getByLabel('Import HAR file').setInputFiles(broken);
    const alert = page.getByRole('alert').filter({ hasText: 'Cannot import broken.har' });
    await alert.waitFor();
    assert.equal(
      await alert.textContent(),
      'Cannot import broken.har: the file is not valid JSON, so it is not a HAR file: expected a value (an object, array, string, number, true, false or null) or "]", ' +
        `found "n" at line 3, column 18 (character ${brokenText.indexOf('nope') + 1} of ${brokenText.length})`,
    );
    assert.equal((await instance.api['recording.get']({})).count, before, 'nothing imported');
    await page.getByLabel('Import HAR file').setInputFiles(file);
    await page.getByText(/Imported \d+ exchanges? from export\.har/).waitFor();
    assert.equal(await alert.count(), 0, 'the error is gone once a good file is imported');
    await page.locator('.list-row .tag', { hasText: 'imported' }).first().waitFor();
  });

  await t.test('pause and resume recording', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    assert.equal((await instance.api['recording.get']({})).recording, false);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    assert.equal((await instance.api['recording.get']({})).recording, true);
  });

  await t.test('replay sends it again and a linked row appears beside the original', async () => {
    const before = backend.seen.length;
    await page.locator(`.list-row[data-id="${originalId}"]`).click();
    await page.locator('.detail-head').getByRole('button', { name: 'Replay' }).click();
    await page.getByLabel('Replay comparison').waitFor();
    const replayRow = page.locator('.list-row', { has: page.locator('.tag', { hasText: 'replay' }) });
    await replayRow.waitFor();
    assert.equal(backend.seen.length, before + 1, 'the backend got the replayed request');
    assert.equal(backend.seen.at(-1)!.url, '/hello?x=1');
    const replayTag = await replayRow.locator('.tag').getAttribute('title');
    assert.equal(replayTag, `Replay of ${originalId}`);
    await page.getByText('Original vs replay').waitFor();
    await shot('replay-compare');
  });

  await t.test('edit and replay: the backend gets the edited request, the diff shows the change', async () => {
    await openOriginal();
    await page.getByRole('tab', { name: 'Replay' }).click();
    await page.getByLabel('URL').fill('/hello?x=2');
    const headers = page.getByRole('textbox', { name: 'Headers' });
    await headers.fill(`${await headers.inputValue()}\nX-Edited: yes`);
    const before = backend.seen.length;
    await page.getByRole('button', { name: 'Send edited request' }).click();
    await page.getByLabel('Replay comparison').waitFor();
    assert.equal(backend.seen.length, before + 1);
    const seen = backend.seen.at(-1)!;
    assert.equal(seen.url, '/hello?x=2');
    assert.equal(header(seen.headers, 'x-edited'), 'yes');
    await page.locator('.diff-line', { hasText: 'URL: /hello?x=1 → /hello?x=2' }).waitFor();
  });

  await t.test('edit and replay straight to a target: another upstream gets it, the route is bypassed', async () => {
    const other = await startBackend(undefined, { name: 'other' });
    try {
      await openOriginal();
      await page.getByRole('tab', { name: 'Replay' }).click();
      await page.getByRole('radio', { name: 'Straight to a target' }).check();
      const target = page.getByRole('textbox', { name: 'Target' });
      assert.equal(await target.inputValue(), backend.url, 'prefilled with the upstream that served it');
      await target.fill('not a url');
      await page.getByRole('button', { name: 'Send edited request' }).click();
      await page.getByText('The target is an origin such as http://127.0.0.1:3001').waitFor();
      await shot('replay-to-target');
      await target.fill(other.url);
      await page.getByLabel('URL').fill('/hello?x=3');
      const appBefore = backend.seen.length;
      await page.getByRole('button', { name: 'Send edited request' }).click();
      await page.getByLabel('Replay comparison').waitFor();
      for (let i = 0; i < 50 && other.seen.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(other.seen.length, 1, 'the other upstream got the replay');
      assert.equal(other.seen[0]!.url, '/hello?x=3');
      assert.equal(backend.seen.length, appBefore, "the route's own backend was not asked");
    } finally {
      await other.close();
    }
  });

  await t.test('toggling the route off in the UI makes the proxy answer 404 without reaching the backend', async () => {
    await page.getByRole('tab', { name: 'Routes' }).click();
    const toggle = page.getByRole('switch', { name: 'Enable app.test' });
    assert.equal(await toggle.isChecked(), true);
    await toggle.click({ force: true });
    await page.locator('tr[data-route="app.test"].disabled').waitFor();
    assert.equal(JSON.parse(fs.readFileSync(configPath, 'utf8')).routes[0].enabled, false);
    const seenBefore = backend.seen.length;
    // The engine applies the config as soon as the write lands; poll a bounded number of times.
    let res = await viaProxy('/after-toggle');
    for (let i = 0; i < 50 && res.status !== 404; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await viaProxy('/after-toggle');
    }
    assert.equal(res.status, 404);
    assert.match(res.body, /This route is disabled/);
    const reached = backend.seen.length;
    assert.equal(backend.seen.slice(seenBefore).every((s) => s.url === '/after-toggle'), true);
    assert.equal((await viaProxy('/after-toggle-2')).status, 404);
    assert.equal(backend.seen.length, reached, 'the backend gets nothing once the route is off');
  });

  await t.test('a hand edit of the config file shows up in the routes table', async () => {
    const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
    config.routes.push({ host: 'api.test', path: '/v1', target: backend.url });
    fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
    await page.locator('tr[data-route="api.test/v1"]').waitFor();
    assert.equal(await page.getByRole('switch', { name: 'Enable api.test/v1' }).isChecked(), true);
    await shot('routes-after-hand-edit');
  });

  await t.test('edit and delete a route from the table', async () => {
    const row = page.locator('tr[data-route="api.test/v1"]');
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.locator('#route-path').fill('/v2');
    await page.getByRole('button', { name: 'Save route' }).click();
    await page.locator('tr[data-route="api.test/v2"]').waitFor();
    assert.equal(await page.locator('tr[data-route="api.test/v1"]').count(), 0);
    assert.equal(JSON.parse(fs.readFileSync(configPath, 'utf8')).routes[1].path, '/v2');
    const v2 = page.locator('tr[data-route="api.test/v2"]');
    await v2.getByRole('button', { name: 'Delete' }).click();
    await v2.getByRole('button', { name: 'Delete api.test/v2?' }).click();
    await v2.waitFor({ state: 'detached' });
    assert.deepEqual(JSON.parse(fs.readFileSync(configPath, 'utf8')).routes.map((r: { host: string }) => r.host), ['app.test']);
    // Put it back by hand for the next steps.
    const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
    config.routes.push({ host: 'api.test', path: '/v1', target: backend.url });
    fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
    await page.locator('tr[data-route="api.test/v1"]').waitFor();
  });

  await t.test('a broken hand edit shows a banner and keeps the routes; fixing it clears the banner', async () => {
    const good = fs.readFileSync(configPath, 'utf8');
    fs.writeFileSync(configPath, good.replace('"routes"', '"routes" oops'));
    const banner = page.getByRole('alert').filter({ hasText: 'Config file not applied' });
    await banner.waitFor();
    assert.match((await banner.textContent())!, /last good config stays in effect/);
    assert.match((await banner.textContent())!, /oops/, 'the parser says what is wrong');
    assert.equal(await page.locator('tr[data-route="api.test/v1"]').count(), 1, 'the table still shows the running routes');
    await shot('config-error');
    fs.writeFileSync(configPath, good);
    await banner.waitFor({ state: 'detached' });
  });

  await t.test('WebSocket messages are listed in the detail', async () => {
    await instance.api['routes.add']({ route: { host: 'ws.test', target: wsBackend.url, https: false } });
    // The route is live once the engine has applied the written config: a plain GET then reaches the backend (426).
    let probe = await viaProxy('/live', { host: 'ws.test' });
    for (let i = 0; i < 50 && probe.status === 404; i++) {
      await new Promise((r) => setTimeout(r, 100));
      probe = await viaProxy('/live', { host: 'ws.test' });
    }
    assert.equal(probe.status, 426);
    const ws = new WebSocket(`ws://127.0.0.1:${proxyPort()}/live`, { headers: { host: 'ws.test' } });
    const messages: string[] = [];
    const echoed = new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        messages.push(String(data));
        if (String(data) === 'hello over ws') resolve();
      });
      ws.once('error', reject);
      ws.once('close', () => reject(new Error('closed before the echo')));
    });
    echoed.catch(() => {});
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send('hello over ws');
    await echoed;
    ws.close();
    await new Promise((resolve) => ws.once('close', resolve));
    await page.getByRole('tab', { name: 'Traffic' }).click();
    const row = page.locator('.list-row', { hasText: 'ws.test', has: page.locator('.method', { hasText: /^WS$/ }) });
    await row.waitFor();
    // Size: the payload carried both ways ({"type":"connected"} 20 B, the echo 13 B each way, two empty closes), not the 101's empty body.
    const size = row.locator(':scope > div:nth-child(7)');
    await size.filter({ hasText: /^46 B$/ }).waitFor();
    assert.equal(await size.getAttribute('title'), '5 messages, 46 bytes of payload in both directions');
    await row.click();
    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.getByLabel('Sizes').filter({ hasText: /^5 messages · 46 B of payload in both directions$/ }).waitFor();
    await page.getByRole('tab', { name: /WebSocket/ }).click();
    const list = page.getByLabel('WebSocket messages');
    await list.locator('.ws-msg', { hasText: 'hello over ws' }).nth(1).waitFor();
    assert.equal(await list.locator('.ws-msg .dir-out', { hasText: '↑' }).count() >= 1, true);
    await list.locator('.ws-msg', { hasText: '{"type":"connected"}' }).waitFor();
    await shot('websocket');
  });

  await t.test('the HTTPS & trust panel', async () => {
    await page.getByRole('tab', { name: 'HTTPS & trust' }).click();
    await page.getByRole('heading', { name: 'Certificate authority & trust' }).waitFor();
    await page.locator('.card').first().waitFor();
    // The name constraints the root was made with: the built-in suffixes and the configured one.
    const names = page.getByLabel('Names the CA may sign for');
    assert.match((await names.textContent())!, /^only test, localhost, internal and names under them/);
    // Nothing on this machine trusts the CA (the tests never trust it): Untrust has nothing to do, and says so.
    await page.locator('.card .pill', { hasText: 'not trusted' }).first().waitFor();
    assert.equal(await page.getByRole('table', { name: 'Trust stores' }).locator('.pill.ok').count(), 0, 'no store trusts the CA');
    const untrust = page.getByRole('button', { name: 'Untrust' });
    assert.equal(await untrust.isDisabled(), true, 'Untrust is disabled while no store trusts the CA');
    assert.match((await untrust.getAttribute('title'))!, /nothing to untrust/);
    assert.equal(await page.getByRole('button', { name: 'Trust', exact: true }).isEnabled(), true, 'Trust stays available');
    await shot('ca');
  });

  await t.test('dark theme follows the OS', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('tab', { name: 'Traffic' }).click();
    await page.locator('.list-row').first().waitFor();
    const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    assert.equal(bg, 'rgb(27, 29, 33)');
    await shot('traffic-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await t.test('when the interface chunk cannot load, the page says so instead of staying blank', async () => {
    // main.tsx is a small entry (it connects and asks for the traffic snapshot first)
    // that loads React and the views as a second chunk; that load failing must not
    // leave an empty page.
    const other = await browser.newPage();
    try {
      let aborted = 0;
      await other.route(/\/assets\/mount-[^/]*\.js$/, (route) => {
        aborted++;
        return route.abort();
      });
      await other.goto(`${instance.dashboardUrl}#/traffic`);
      await other.getByText(/Gatehouse could not load its interface .*Reload the page/).waitFor();
      // Asked for by the page's modulepreload link and again by main.tsx's import: both refused.
      assert.ok(aborted >= 1, 'the views chunk was requested, and refused');
    } finally {
      await other.close();
    }
  });

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

test('at 1280×800 every column of the traffic list fits, with the detail pane closed and open', async () => {
  // A route with a path makes a longer Route cell than a bare host (it is served over HTTPS: plain HTTP is redirected).
  assert.equal((await viaProxy('/v1/fits', { host: 'api.test' })).status, 308);
  const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await tab.goto(`${instance.dashboardUrl}#/traffic`);
    const row = tab.locator('.list-row', { hasText: '/v1/fits' });
    await row.waitFor({ timeout: 15_000 });
    const rowId = (await row.getAttribute('data-id'))!;
    type Cell = { text: string; left: number; right: number; cut: boolean };
    type Columns = { head: Cell[]; row: Cell[]; headRight: number; rowsRight: number; pageWidth: number };
    /**
     * Each column of the header and of the row: its box, and whether its text is cut short. A string,
     * not a function: tsx would wrap the function's inner helpers in its own __name(), absent in the page.
     */
    const columns = (): Promise<Columns> =>
      tab.evaluate(`(() => {
        const cells = (parent) => [...parent.children].map((c) => {
          const b = c.getBoundingClientRect();
          return { text: c.textContent ?? '', left: b.left, right: b.right, cut: c.scrollWidth > c.clientWidth };
        });
        const head = document.querySelector('.list-head');
        const grid = document.querySelector('.list-viewport');
        const row = document.querySelector('.list-row[data-id="${rowId}"]');
        // The rows' visible area stops at the grid's scrollbar.
        return { head: cells(head), row: cells(row), headRight: head.getBoundingClientRect().right, rowsRight: grid.getBoundingClientRect().left + grid.clientWidth, pageWidth: window.innerWidth };
      })()`);
    const check = async (state: string) => {
      const c = await columns();
      assert.equal(c.head.length, 8, 'eight columns');
      assert.equal(c.head[7]!.text, 'Route');
      assert.equal(c.row[7]!.text, 'api.test/v1');
      for (const [cells, right, what] of [[c.head, c.headRight, 'header'], [c.row, c.rowsRight, 'row']] as const) {
        for (let i = 0; i < cells.length; i++) {
          const cell = cells[i]!;
          assert.ok(cell.right <= right + 0.5 && cell.right <= c.pageWidth, `${state}: the ${what}'s "${c.head[i]!.text}" column ends at ${cell.right}, past the list's edge at ${right}`);
          if (i > 0) assert.ok(cell.left >= cells[i - 1]!.right - 0.5, `${state}: the ${what}'s "${c.head[i]!.text}" column overlaps the one before it`);
        }
      }
      assert.equal(c.head[7]!.cut, false, `${state}: the Route header is shown whole`);
      assert.equal(c.row[7]!.cut, false, `${state}: the row's route "api.test/v1" is shown whole`);
      assert.equal(c.row[6]!.cut, false, `${state}: the row's size is shown whole`);
    };
    await check('detail closed');
    // Loaded afresh (the snapshot's columns, not events), a WebSocket row shows the bytes its messages carried.
    const ws = tab.locator('.list-row', { hasText: 'ws.test', has: tab.locator('.method', { hasText: /^WS$/ }) });
    assert.equal(await ws.locator(':scope > div:nth-child(7)').textContent(), '46 B');
    await row.click();
    await tab.locator('.detail-head', { hasText: '/v1/fits' }).waitFor({ timeout: 15_000 });
    await check('detail open');
    await tab.screenshot({ path: path.join(SHOTS, 'ui-traffic-1280.png') });
  } finally {
    await tab.close();
  }
});

test('the dashboard link opens the dashboard when clicked on another site', async () => {
  // A link in a web terminal, chat or issue tracker: a navigation another site starts.
  // The session cookie is SameSite=Strict, which a browser withholds from every request of
  // such a navigation, redirects included; the first page must not depend on it.
  const elsewhere = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<a id="open" href="${instance.dashboardUrl}#/traffic">Gatehouse</a>`);
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  // "localhost" and "127.0.0.1" are different sites; a fresh context holds no cookie yet.
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    await tab.goto(`http://localhost:${(elsewhere.address() as AddressInfo).port}/`);
    await tab.click('#open');
    await tab.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 15_000 });
    const address = new URL(tab.url());
    assert.equal(address.search, '', 'the token is not left in the address bar');
    assert.equal(address.hash, '#/traffic', 'the fragment the link named is kept');
  } finally {
    await context.close();
    elsewhere.close();
  }
});

test('after Gatehouse restarts with a new token, an open dashboard says to open the new URL instead of reconnecting for ever', async () => {
  const dir = tempDataDir('gatehouse-ui-restart-');
  const configFile = path.join(dir.dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify({ routes: [] }));
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const controlPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const options = { configPath: configFile, dataDir: path.join(dir.dir, 'data'), headless: true, logger: memoryLogger(), httpPort: 0, listen: ['127.0.0.1'], staticDir: ensureRendererBuilt(), controlPort };
  let first: GatehouseInstance | undefined = await GatehouseInstance.start(options);
  let second: GatehouseInstance | undefined;
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    await tab.goto(first.dashboardUrl!);
    await tab.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 15_000 });
    await first.stop(0);
    first = undefined;
    second = await GatehouseInstance.start(options);
    assert.notEqual(second.dashboardUrl, undefined);
    await tab.getByRole('alert').filter({ hasText: 'Gatehouse was restarted and no longer accepts this page' }).waitFor({ timeout: 20_000 });
    await tab.getByRole('status').filter({ hasText: 'Signed out' }).waitFor();
    // The new URL works in the same browser, though it still holds the old session cookie.
    await tab.goto(second.dashboardUrl!);
    await tab.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 15_000 });
  } finally {
    await context.close();
    await first?.stop(0);
    await second?.stop(0);
    dir.cleanup();
  }
});
