/**
 * The traffic filter (shared/exchange-filter.ts), as the list shows rows: the
 * renderer's live list and the engine's exchanges.list both use matchesFilter.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { hostSansPort, matchesFilter, summaryOf } from '../../shared/exchange-filter';
import type { ExchangeFilter } from '../../shared/exchange-types';
import { Recorder } from '../../main/recorder/recorder';
import { rowCells } from '../../renderer/src/model/traffic-view';
import { exchangeStart } from '../support/exchange-start';

/** A recorder holding rows on default and other ports, IPv6, and both kinds of WebSocket. */
function recorded(): Recorder {
  const recorder = new Recorder();
  const add = (start: Parameters<typeof exchangeStart>[0], status: number) => {
    const tap = recorder.begin(exchangeStart(start))!;
    tap.clientResponse(status, []);
    tap.finish();
  };
  add({ scheme: 'https', httpVersion: '2', host: 'app.localhost:20443', url: '/api/items?page=2' }, 200);
  add({ host: 'app.localhost:20080', url: '/api/login', method: 'POST' }, 308);
  add({ host: 'app.test', url: '/api/other' }, 200);
  add({ host: '[::1]:8080', url: '/api/v6' }, 200);
  add({ scheme: 'https', httpVersion: '2', host: 'app.localhost:20443', url: '/?token=hmr', method: 'CONNECT', websocket: true }, 200);
  add({ host: 'app.localhost:20080', url: '/socket', websocket: true }, 101);
  return recorder;
}

/** The urls of the rows the filter keeps, in the renderer's predicate and in the engine's exchanges.list. */
function kept(recorder: Recorder, filter: ExchangeFilter): string[] {
  const inRenderer = recorder.all().map(summaryOf).filter((s) => matchesFilter(s, filter)).map((s) => s.url);
  const inEngine = recorder.list({ filter }).items.map((s) => s.url);
  assert.deepEqual(inEngine, inRenderer, 'exchanges.list filters exactly like the renderer');
  return inRenderer;
}

test('host/path text matches with and without the port, as typed', () => {
  const r = recorded();
  assert.deepEqual(kept(r, { text: 'app.localhost/api' }), ['/api/items?page=2', '/api/login']);
  assert.deepEqual(kept(r, { text: 'app.localhost:20443/api' }), ['/api/items?page=2']);
  assert.deepEqual(kept(r, { text: 'APP.localhost/API/LOGIN' }), ['/api/login']);
  assert.deepEqual(kept(r, { text: 'app.test/api' }), ['/api/other']);
  assert.deepEqual(kept(r, { text: '[::1]/api' }), ['/api/v6']);
  assert.deepEqual(kept(r, { text: '[::1]:8080/api' }), ['/api/v6']);
  // Still a substring of status, method and the port itself.
  assert.deepEqual(kept(r, { text: '308' }), ['/api/login']);
  assert.deepEqual(kept(r, { text: ':20443' }), ['/api/items?page=2', '/?token=hmr']);
  r.close();
});

test('"ws" finds the WebSocket rows, whose Method column shows WS (sent as GET or CONNECT)', () => {
  const r = recorded();
  const wsRows = r.all().map(summaryOf).filter((s) => s.websocket);
  assert.deepEqual(wsRows.map((s) => rowCells(s).method), ['WS', 'WS']);
  assert.deepEqual(kept(r, { text: 'ws' }), ['/?token=hmr', '/socket']);
  assert.deepEqual(kept(r, { websocket: true }), ['/?token=hmr', '/socket']);
  r.close();
});

test('hostSansPort drops only a numeric port, keeping IPv6 brackets', () => {
  assert.equal(hostSansPort('app.test:8080'), 'app.test');
  assert.equal(hostSansPort('app.test'), 'app.test');
  assert.equal(hostSansPort('[::1]:80'), '[::1]');
  assert.equal(hostSansPort('[::1]'), '[::1]');
  assert.equal(hostSansPort('::1'), '::1');
  assert.equal(hostSansPort('app.test:http'), 'app.test:http');
});
