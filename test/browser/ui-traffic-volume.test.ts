/**
 * The traffic list under volume: thousands of exchanges streamed through a real
 * proxy while the page is open. Asserts correctness only (every exchange
 * listed, the DOM stays windowed, the ends of the list are reachable); speed
 * belongs to the benchmark.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Agent, request } from 'undici';
import { GatehouseInstance } from '../../main/instance/gatehouse-instance';
import { memoryLogger } from '../../main/engine/logger';
import { startBackend, type Backend } from '../support/backends';
import { tempDataDir } from '../support/temp-data-dir';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureRendererBuilt } from '../support/renderer-build';

const TOTAL = 3000;
const CONCURRENCY = 16;

let tmp: { dir: string; cleanup: () => void };
let backend: Backend;
let instance: GatehouseInstance;
let browser: Browser;
let page: Page;
let agent: Agent;

before(async () => {
  const staticDir = ensureRendererBuilt();
  tmp = tempDataDir('gatehouse-ui-volume-');
  backend = await startBackend(undefined, { name: 'volume' });
  const configPath = path.join(tmp.dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify({ routes: [{ host: 'app.test', target: backend.url, https: false }] }));
  instance = await GatehouseInstance.start({ configPath, dataDir: path.join(tmp.dir, 'data'), headless: true, logger: memoryLogger(), httpPort: 0, listen: ['127.0.0.1'], staticDir });
  agent = new Agent({ connections: CONCURRENCY });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(60_000);
});

after(async () => {
  await browser?.close();
  await agent?.close();
  await instance?.stop(0);
  await backend?.close();
  tmp?.cleanup();
});

test(`${TOTAL} exchanges streamed in while the list is open are all listed, and the DOM stays windowed`, async () => {
  await page.goto(`${instance.dashboardUrl}#/traffic`);
  await page.getByText('No traffic yet').waitFor();
  const port = instance.info().httpPort!;
  let next = 0;
  const statuses = new Map<number, number>();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < TOTAL; i = next++) {
        const res = await request(`http://127.0.0.1:${port}/item/${i}`, { headers: { host: 'app.test' }, dispatcher: agent });
        await res.body.dump();
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      }
    }),
  );
  assert.deepEqual([...statuses], [[200, TOTAL]]);
  assert.equal(backend.seen.length, TOTAL);
  await page.locator('.list-foot', { hasText: `${TOTAL} exchanges` }).waitFor();
  const rendered = await page.locator('.list-row').count();
  assert.ok(rendered > 10 && rendered < 120, `only the visible rows are in the DOM (${rendered})`);
  // Every exchange finished: none is still shown as pending.
  await page.getByRole('button', { name: 'pending' }).click();
  await page.getByText('Nothing matches the filter').waitFor();
  await page.getByRole('button', { name: 'pending' }).click();
  // Newest first: the top row is the last request's seq; End reaches the first.
  const grid = page.getByRole('grid', { name: 'Exchanges' });
  await grid.focus();
  const selectedSeq = async () => (await page.locator('.list-row.selected .num').first().textContent())!.trim();
  await page.keyboard.press('Home');
  await page.locator('.list-row.selected').waitFor();
  assert.equal(await selectedSeq(), String(TOTAL));
  await page.keyboard.press('End');
  await page.locator('.list-row.selected .num', { hasText: /^1$/ }).waitFor();
  assert.equal(await selectedSeq(), '1');
  // A filter over the whole set: /item/1234 matches exactly one exchange.
  await page.getByLabel('Filter text').fill('/item/1234');
  await page.locator('.list-foot', { hasText: `1 of ${TOTAL} exchanges` }).waitFor();
});

test(`a page opened after the traffic loads all ${TOTAL} recorded exchanges in one snapshot call, with every column`, async () => {
  const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    const calls: string[] = [];
    fresh.on('request', (r) => {
      const m = /\/api\/([\w.]+)$/.exec(new URL(r.url()).pathname);
      if (m) calls.push(m[1]!);
    });
    await fresh.goto(`${instance.dashboardUrl}#/traffic`);
    await fresh.locator('.list-foot', { hasText: `${TOTAL} exchanges` }).waitFor();
    assert.equal(await fresh.getByRole('grid', { name: 'Exchanges' }).getAttribute('aria-rowcount'), String(TOTAL));
    assert.deepEqual(
      calls.filter((c) => c.startsWith('exchanges.')),
      ['exchanges.snapshot'],
      'one snapshot call, no paging',
    );
    // The top row (newest first) is the last request, with the cells the events would have given it.
    const top = fresh.locator('.list-row').first();
    const cells = (await top.locator(':scope > div').allTextContents()).map((s) => s.trim());
    assert.equal(cells[0], String(TOTAL));
    assert.equal(cells[1], 'GET');
    assert.equal(cells[2], 'app.test');
    assert.equal(cells[3], `/item/${TOTAL - 1}`);
    assert.equal(cells[4], '200');
    assert.match(cells[5]!, /\d/, 'a duration');
    assert.match(cells[7]!, /^app\.test/, 'the route');
    // Rows loaded by the snapshot open like any other.
    await top.click();
    await fresh.getByText(`/item/${TOTAL - 1}`).first().waitFor();
    // And new traffic still arrives on top of the snapshot, written into the row
    // elements already on screen (rows are keyed by slot, not re-created per frame).
    await fresh.locator('.list-row').first().evaluate((el) => el.setAttribute('data-probe', 'top'));
    const port = instance.info().httpPort!;
    const res = await request(`http://127.0.0.1:${port}/after-snapshot`, { headers: { host: 'app.test' }, dispatcher: agent });
    await res.body.dump();
    await fresh.locator('.list-foot', { hasText: `${TOTAL + 1} exchanges` }).waitFor();
    assert.equal((await fresh.locator('.list-row .num').first().textContent())!.trim(), String(TOTAL + 1));
    assert.equal((await fresh.locator('.list-row[data-probe=top] .num').first().textContent())!.trim(), String(TOTAL + 1), 'the same element');
  } finally {
    await fresh.close();
  }
});

test('the list columns line up with the header, wide and narrower than the columns need, and never run off its edge', async () => {
  const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await fresh.goto(`${instance.dashboardUrl}#/traffic`);
    await fresh.locator('.list-foot', { hasText: `exchanges` }).waitFor();
    await fresh.locator('.list-row').first().waitFor();
    // A script string: functions passed to evaluate would carry tsx's __name helper.
    const columns = async () =>
      (await fresh.evaluate(`(() => {
        const box = (el) => { const r = el.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.width)]; };
        return {
          head: [...document.querySelectorAll('.list-head > div')].map(box),
          row: [...document.querySelectorAll('.list-row:first-child > div')].map(box),
        };
      })()`)) as { head: number[][]; row: number[][] };
    const wide = await columns();
    assert.equal(wide.head.length, 8);
    assert.deepEqual(wide.row, wide.head, 'each row cell sits under its header cell');
    const widths = wide.row.map(([, w]) => w);
    assert.deepEqual([widths[0], widths[1], widths[2], widths[4], widths[5], widths[6], widths[7]], [56, 72, 160, 60, 70, 72, 120], 'the fixed columns');
    assert.ok(widths[3]! > 120, 'the path takes the rest');
    // Opening an exchange: at 1280px the detail pane leaves the list the room its columns
    // need, and they stay aligned with the header.
    const listWidth = () => fresh.locator('.list-viewport').evaluate((el) => el.getBoundingClientRect().width);
    await fresh.locator('.list-row').first().click();
    await fresh.locator('.traffic-detail').waitFor();
    const opened = await columns();
    assert.deepEqual(opened.row, opened.head);
    assert.ok((await listWidth()) >= 730, `the list keeps the width its columns need (${await listWidth()}px)`);
    // A 1000px window: the list is narrower than that. The host shrinks to its 90px, the path
    // takes what is left, and the right-hand columns stay whole inside the list, aligned.
    await fresh.setViewportSize({ width: 1000, height: 800 });
    const narrow = await columns();
    const width = await listWidth();
    assert.ok(width < 730, `the list is narrower than its columns' full widths (${width}px)`);
    assert.deepEqual(narrow.row, narrow.head);
    const narrowWidths = narrow.row.map(([, w]) => w);
    assert.deepEqual([narrowWidths[0], narrowWidths[1], narrowWidths[2], narrowWidths[4], narrowWidths[5], narrowWidths[6], narrowWidths[7]], [56, 72, 90, 60, 70, 72, 120]);
    assert.ok(narrowWidths[3]! > 0, 'the path keeps what is left');
    const [routeLeft, routeWidth] = narrow.row[7]!;
    assert.ok(routeLeft! + routeWidth! <= Math.round(width), `the Route column ends inside the list (${routeLeft! + routeWidth!} <= ${width})`);
  } finally {
    await fresh.close();
  }
});
