import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { callApi, startControlHarness, type ControlHarness } from '../support/control-harness';
import { validateHar12 } from '../support/har-spec';
import type { ExchangeDetail, ExchangeSummary } from '../../shared/exchange-types';
import type { HarImportResult, ReplayResult } from '../../shared/api-contract';
import type { Har } from '../../shared/har-types';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('a Chromium-made HAR imports through the control API', () => {
  let site: http.Server;
  let siteUrl: string;
  const seen: Array<{ method: string; url: string; body: string }> = [];
  let h: ControlHarness;
  let harText: string;
  let importedIds: string[] = [];

  before(async () => {
    site = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, body: Buffer.concat(chunks).toString() });
        if (req.url === '/') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(`<!doctype html><title>t</title><img src="/pixel.png">
<script>
  fetch('/api/data?x=1').then(r => r.json()).then(d =>
    fetch('/api/save', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ got: d.value }) })
  ).then(r => r.text()).then(t => { document.title = 'done:' + t; });
</script>`);
        } else if (req.url === '/pixel.png') {
          res.writeHead(200, { 'content-type': 'image/png' });
          res.end(PIXEL);
        } else if (req.url === '/api/data?x=1') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"value":"ünïcødé"}');
        } else if (req.url === '/api/save') {
          res.writeHead(201, { 'content-type': 'text/plain' });
          res.end('saved');
        } else {
          res.writeHead(404);
          res.end();
        }
      });
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    h = await startControlHarness();

    const harPath = path.join(h.dir, 'chromium.har');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext({ recordHar: { path: harPath } });
      const page = await context.newPage();
      await page.goto(siteUrl);
      await page.waitForFunction(() => document.title.startsWith('done:'), undefined, { timeout: 15_000 });
      await context.close(); // writes the HAR
    } finally {
      await browser.close();
    }
    harText = fs.readFileSync(harPath, 'utf8');
  });

  after(async () => {
    await h.close();
    await new Promise<void>((resolve) => site.close(() => resolve()));
  });

  test('every HTTP entry of the file becomes an inspectable exchange', async () => {
    const har = JSON.parse(harText) as Har;
    const httpEntries = har.log.entries.filter((e) => /^https?:/.test(e.request.url));
    assert.ok(httpEntries.length >= 4, `chromium recorded ${httpEntries.length} entries`);

    const r = await callApi(h.server.port, h.server.token, 'har.import', { har: harText });
    assert.equal(r.status, 200, r.body);
    const result = r.json.result as HarImportResult;
    assert.equal(result.imported, httpEntries.length);
    importedIds = result.ids;

    const list = (await callApi(h.server.port, h.server.token, 'exchanges.list', { filter: { source: ['import'] } })).json.result as { items: ExchangeSummary[] };
    const byUrl = new Map(list.items.map((x) => [x.url, x]));
    assert.ok(byUrl.has('/'), [...byUrl.keys()].join(', '));
    const data = byUrl.get('/api/data?x=1')!;
    assert.equal(data.status, 200);
    const detail = (await callApi(h.server.port, h.server.token, 'exchanges.get', { id: data.id })).json.result as ExchangeDetail;
    assert.equal(detail.responseBody.kind, 'json');
    assert.equal(JSON.parse(detail.responseBody.text!).value, 'ünïcødé');
    const save = (await callApi(h.server.port, h.server.token, 'exchanges.get', { id: byUrl.get('/api/save')!.id })).json.result as ExchangeDetail;
    assert.equal(save.exchange.method, 'POST');
    assert.equal(Buffer.from(save.exchange.requestBody.captured, 'base64').toString(), '{"got":"ünïcødé"}');
    const pixel = (await callApi(h.server.port, h.server.token, 'exchanges.get', { id: byUrl.get('/pixel.png')!.id })).json.result as ExchangeDetail;
    assert.equal(pixel.responseBody.kind, 'image');
    assert.equal(pixel.responseBody.base64, PIXEL.toString('base64'));
  });

  test('an imported exchange can be replayed', async () => {
    const list = (await callApi(h.server.port, h.server.token, 'exchanges.list', { filter: { source: ['import'], method: 'POST' } })).json.result as { items: ExchangeSummary[] };
    const save = list.items.find((x) => x.url === '/api/save')!;
    const before = seen.length;
    const r = await callApi(h.server.port, h.server.token, 'replay', { id: save.id, via: { kind: 'target', target: siteUrl } });
    assert.equal(r.status, 200, r.body);
    assert.equal((r.json.result as ReplayResult).status, 201);
    assert.deepEqual(seen.slice(before), [{ method: 'POST', url: '/api/save', body: '{"got":"ünïcødé"}' }]);
  });

  test('re-exporting the imported exchanges gives a valid HAR 1.2 with the same requests', async () => {
    const r = await callApi(h.server.port, h.server.token, 'har.export', { ids: importedIds });
    const har = (r.json.result as { har: Har }).har;
    assert.deepEqual(validateHar12(har), []);
    const urls = har.log.entries.map((e) => `${e.request.method} ${e.request.url}`).sort();
    const original = (JSON.parse(harText) as Har).log.entries.filter((e) => /^https?:/.test(e.request.url)).map((e) => `${e.request.method} ${e.request.url}`).sort();
    assert.deepEqual(urls, original);
  });

  test('a broken file imports nothing and names the entry and field', async () => {
    const countBefore = ((await callApi(h.server.port, h.server.token, 'recording.get')).json.result as { count: number }).count;
    const broken = JSON.parse(harText) as { log: { entries: Array<{ response: { status: unknown } }> } };
    broken.log.entries[broken.log.entries.length - 1]!.response.status = 'two hundred';
    const r = await callApi(h.server.port, h.server.token, 'har.import', { har: broken });
    assert.equal(r.status, 400);
    assert.equal(r.json.error!.code, 'har-invalid');
    assert.match(r.json.error!.message, new RegExp(`^HAR entry ${broken.log.entries.length - 1} \\(.+\\): response\\.status must be a number, got a string$`));
    const countAfter = ((await callApi(h.server.port, h.server.token, 'recording.get')).json.result as { count: number }).count;
    assert.equal(countAfter, countBefore);
  });
});
