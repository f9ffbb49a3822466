import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import WebSocket from 'ws';
import { callApi, controlRequest, startControlHarness, type ControlHarness } from '../support/control-harness';
import { exchangeStart } from '../support/exchange-start';
import { waitUntil } from '../support/wait-until';
import type { EventMessage } from '../../shared/api-contract';

function noCors(headers: Record<string, unknown>): void {
  for (const k of Object.keys(headers)) assert.ok(!k.startsWith('access-control-'), `unexpected CORS header ${k}`);
}

/** Opens a WebSocket to the events endpoint; resolves with the socket or the HTTP status it was refused with. */
function openEvents(port: number, opts: { query?: string; headers?: Record<string, string>; origin?: string }): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events${opts.query ?? ''}`, {
      headers: opts.headers ?? {},
      ...(opts.origin ? { origin: opts.origin } : {}),
      handshakeTimeout: 5_000,
    });
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => resolve(-1));
  });
}

describe('control server guards', () => {
  let h: ControlHarness;
  let port: number;
  let token: string;

  before(async () => {
    h = await startControlHarness();
    port = h.server.port;
    token = h.server.token;
  });
  after(() => h.close());

  test('listens on loopback only, with a 43-character base64url token', () => {
    assert.match(h.server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(h.server.dashboardUrl, `${h.server.url}/?token=${token}`);
  });

  test('no token: 401; wrong token: 401; the right token: 200', async () => {
    const none = await controlRequest(port, { method: 'POST', path: '/api/recording.get', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(none.status, 401);
    assert.equal(JSON.parse(none.body).error.code, 'unauthorized');
    const wrong = await callApi(port, `${token.slice(0, -1)}x`, 'recording.get');
    assert.equal(wrong.status, 401);
    const short = await callApi(port, 'x', 'recording.get');
    assert.equal(short.status, 401);
    const ok = await callApi(port, token, 'recording.get');
    assert.equal(ok.status, 200);
    assert.equal(ok.json.ok, true);
    assert.equal((ok.json.result as { recording: boolean }).recording, true);
    noCors(ok.headers);
  });

  test('a foreign Origin gets 403 even with the token; the own origin is fine', async () => {
    for (const origin of ['http://evil.test', `http://127.0.0.1:${port + 1}`, 'null', `https://127.0.0.1:${port}`]) {
      const r = await callApi(port, token, 'recording.get', {}, { origin });
      assert.equal(r.status, 403, origin);
      noCors(r.headers);
    }
    const own = await callApi(port, token, 'recording.get', {}, { origin: `http://127.0.0.1:${port}` });
    assert.equal(own.status, 200);
  });

  test('a foreign Host gets 403 even with the token (DNS rebinding); own loopback names are fine', async () => {
    for (const host of ['evil.test', `evil.test:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `0.0.0.0:${port}`]) {
      const r = await callApi(port, token, 'recording.get', {}, { host });
      assert.equal(r.status, 403, host);
    }
    for (const host of [`localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const r = await callApi(port, token, 'recording.get', {}, { host, origin: `http://${host}` });
      assert.equal(r.status, 200, host);
    }
  });

  test('the dashboard URL trades ?token= for an HttpOnly SameSite=Strict cookie and strips it from the URL', async () => {
    const wrong = await controlRequest(port, { path: '/?token=nope' });
    assert.equal(wrong.status, 401);
    // Not a redirect (see the browser test for why): a page that moves on to the URL without the token.
    const first = await controlRequest(port, { path: `/traffic?q=<b>&token=${token}` });
    assert.equal(first.status, 200);
    assert.equal(first.headers.location, undefined);
    assert.ok(first.body.includes('<a id="next" href="/traffic?q=%3Cb%3E">'), first.body);
    assert.ok(!first.body.includes(token), 'the page does not repeat the token');
    // Its one inline script is allowed by hash, nothing else is.
    const script = /<script>(.*)<\/script>/.exec(first.body)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    assert.equal(first.headers['content-security-policy'], `default-src 'none'; script-src 'sha256-${hash}'; frame-ancestors 'none'`);
    const cookie = first.headers['set-cookie']![0]!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const pair = cookie.split(';')[0]!;
    const page = await controlRequest(port, { path: '/', headers: { cookie: pair } });
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Gatehouse<\/title>/);
    assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
    const asset = await controlRequest(port, { path: '/app.js', headers: { cookie: pair } });
    assert.equal(asset.body, 'console.log("ui")');
    const spa = await controlRequest(port, { path: '/traffic/e1', headers: { cookie: pair } });
    assert.match(spa.body, /<title>Gatehouse/);
    const traversal = await controlRequest(port, { path: '/..%2f..%2fetc%2fpasswd.txt', headers: { cookie: pair } });
    assert.equal(traversal.status, 404);
    // The cookie works for the API too (same origin), and never without the right Host.
    const api = await controlRequest(port, { method: 'POST', path: '/api/recording.get', headers: { cookie: pair, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(api.status, 200);
    const rebound = await controlRequest(port, { path: '/', headers: { cookie: pair, host: `attacker.test:${port}` } });
    assert.equal(rebound.status, 403);
    // No page without a token. A browser's page load (Accept: text/html) is told what to do in a
    // page; anything else gets the coded JSON error.
    assert.equal((await controlRequest(port, { path: '/' })).status, 401);
    const bare = await controlRequest(port, { path: '/traffic', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    assert.equal(bare.status, 401);
    assert.match(String(bare.headers['content-type']), /^text\/html/);
    assert.match(bare.body, /This Gatehouse dashboard needs its token/);
    assert.match(bare.body, /printed when it started/);
    assert.ok(!bare.body.includes(token) && !/<script/i.test(bare.body), 'no token and no script in it');
    assert.equal(bare.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    const apiHtml = await controlRequest(port, { method: 'POST', path: '/api/recording.get', headers: { accept: 'text/html', 'content-type': 'application/json' }, body: '{}' });
    assert.equal(JSON.parse(apiHtml.body).error.code, 'unauthorized', 'the API answers JSON whatever it is asked for');
    // A cookie left from before a restart (another token) does not shadow a fresh ?token=, nor a right Bearer.
    const stale = `${pair.split('=')[0]}=stale-token-from-before`;
    assert.equal((await controlRequest(port, { path: `/?token=${token}`, headers: { cookie: stale } })).status, 200);
    const bearer = await controlRequest(port, { method: 'POST', path: '/api/recording.get', headers: { cookie: stale, authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(bearer.status, 200);
    assert.equal((await controlRequest(port, { path: '/', headers: { cookie: stale } })).status, 401);
    // ?token= is not accepted for API calls.
    const q = await controlRequest(port, { method: 'POST', path: `/api/recording.get?token=${token}`, headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(q.status, 401);
  });

  test('no CORS anywhere: a preflight gets no Access-Control-* headers', async () => {
    const pre = await controlRequest(port, { method: 'OPTIONS', path: '/api/recording.get', headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' } });
    assert.notEqual(pre.status, 204);
    noCors(pre.headers);
  });

  test('API errors are coded: unknown method 404, not JSON 415, bad JSON 400, missing exchange 404', async () => {
    const unknown = await callApi(port, token, 'nope.never');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error!.code, 'unknown-method');
    const form = await controlRequest(port, { method: 'POST', path: '/api/recording.pause', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    assert.equal(form.status, 415);
    const bad = await controlRequest(port, { method: 'POST', path: '/api/recording.get', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{nope' });
    assert.equal(bad.status, 400);
    const missing = await callApi(port, token, 'exchanges.get', { id: 'e999' });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error!.code, 'not-found');
    const ca = await callApi(port, token, 'ca.status');
    assert.equal(ca.status, 503);
    assert.equal(ca.json.error!.code, 'not-available');
    const get = await controlRequest(port, { path: '/api/recording.get', headers: { authorization: `Bearer ${token}` } });
    assert.equal(get.status, 405);
  });

  test('the event WebSocket needs the token and the right Origin, then streams batched events', async () => {
    assert.equal(await openEvents(port, {}), 401);
    assert.equal(await openEvents(port, { query: '?token=wrong' }), 401);
    assert.equal(await openEvents(port, { query: `?token=${token}`, origin: 'http://evil.test' }), 403);
    assert.equal(await openEvents(port, { query: `?token=${token}`, headers: { host: `evil.test:${port}` } }), 403);
    const viaHeader = await openEvents(port, { headers: { authorization: `Bearer ${token}` } });
    assert.ok(viaHeader instanceof WebSocket);
    viaHeader.close();
    const ws = await openEvents(port, { query: `?token=${token}`, origin: `http://127.0.0.1:${port}` });
    assert.ok(ws instanceof WebSocket);
    const messages: EventMessage[] = [];
    const gotExchanges = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as EventMessage;
        messages.push(m);
        if (m.event === 'exchange.finished') resolve();
      }),
    );
    for (let i = 0; i < 50; i++) h.recorder.begin(exchangeStart({ url: `/e/${i}` }))!.finish();
    await gotExchanges;
    const started = messages.filter((m) => m.event === 'exchange.started');
    assert.equal(started.length, 1, 'fifty exchanges, one batched started event');
    assert.equal((started[0]!.payload as unknown[]).length, 50);
    const paused = await callApi(port, token, 'recording.pause');
    assert.equal((paused.json.result as { recording: boolean }).recording, false);
    await waitUntil(() => messages.some((m) => m.event === 'recording.state'), 'the recording.state event');
    ws.close();
    await callApi(port, token, 'recording.resume');
  });
});
