import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { header, headerAll, startBackend, type Backend } from '../support/backends';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { rawExchange } from '../support/raw-http';

function curl(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const p = spawn('curl', ['-sS', '--max-time', '10', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('routing', () => {
  let app: Backend;
  let api: Backend;
  let wild: Backend;
  let deep: Backend;
  let unixBackend: Backend;
  let proxy: TestProxy;
  let tmp: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-routing-'));
    app = await startBackend(undefined, { name: 'app' });
    api = await startBackend(undefined, { name: 'api' });
    wild = await startBackend(undefined, { name: 'wild' });
    deep = await startBackend(undefined, { name: 'deep' });
    unixBackend = await startBackend(undefined, { name: 'unix', socketPath: path.join(tmp, 'app.sock') });
    proxy = await startProxy({
      routes: [
        { host: 'app.test', target: app.url },
        { host: 'app.test', path: '/api', target: api.url, stripPath: true },
        { host: 'app.test', path: '/keep', target: api.url },
        { host: '*.app.test', target: wild.url },
        { host: '*.deep.app.test', target: deep.url },
        { host: 'hostless.test', target: app.url, preserveHost: false },
        { host: 'sock.test', target: unixBackend.url },
        { host: 'off.test', target: app.url, enabled: false },
        { host: 'app.test', path: '/paused', target: api.url, enabled: false },
      ],
    });
  });

  after(async () => {
    await proxy.close();
    await Promise.all([app.close(), api.close(), wild.close(), deep.close(), unixBackend.close()]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function who(host: string, p: string): Promise<{ name: string; url: string; headers: Array<[string, string]> }> {
    const r = await proxy.text(host, p);
    assert.equal(r.status, 200, `${host}${p}: ${r.body.slice(0, 200)}`);
    return JSON.parse(r.body);
  }

  test('exact host, case-insensitive, with a port', async () => {
    assert.equal((await who('app.test', '/')).name, 'app');
    assert.equal((await who('APP.test:8080', '/x')).name, 'app');
  });

  test('path prefix with stripping keeps the query; without stripping the path is untouched', async () => {
    assert.deepEqual(await who('app.test', '/api/users?id=7').then((r) => [r.name, r.url]), ['api', '/users?id=7']);
    assert.deepEqual(await who('app.test', '/api').then((r) => [r.name, r.url]), ['api', '/']);
    assert.deepEqual(await who('app.test', '/apix').then((r) => [r.name, r.url]), ['app', '/apix']);
    assert.deepEqual(await who('app.test', '/keep/x?y').then((r) => [r.name, r.url]), ['api', '/keep/x?y']);
  });

  test('wildcards: any depth, most specific wins', async () => {
    assert.equal((await who('x.app.test', '/')).name, 'wild');
    assert.equal((await who('a.b.app.test', '/')).name, 'wild');
    assert.equal((await who('a.deep.app.test', '/')).name, 'deep');
  });

  test('Host is preserved by default and replaced by the target host when asked', async () => {
    assert.equal(header((await who('app.test', '/')).headers, 'host'), 'app.test');
    const r = await who('hostless.test', '/');
    assert.equal(header(r.headers, 'host'), `127.0.0.1:${app.port}`);
    assert.equal(header(r.headers, 'x-forwarded-host'), 'hostless.test');
  });

  test('unix socket targets', async () => {
    const r = await who('sock.test', '/via-socket');
    assert.deepEqual([r.name, r.url], ['unix', '/via-socket']);
  });

  test('no route: 404 HTML listing the routes; JSON when asked', async () => {
    const html = await proxy.text('nowhere.test', '/');
    assert.equal(html.status, 404);
    assert.match(String(html.headers['content-type']), /text\/html/);
    assert.match(html.body, /app\.test\/api/);
    assert.match(html.body, /\*\.deep\.app\.test/);
    const json = await proxy.text('nowhere.test', '/', { accept: 'application/json' });
    assert.equal(json.status, 404);
    const body = JSON.parse(json.body);
    assert.equal(body.error.code, 'NO_ROUTE');
    assert.ok(body.error.routes.some((r: { id: string }) => r.id === 'app.test/api'));
    assert.equal(app.seen.filter((s) => header(s.headers, 'host') === 'nowhere.test').length, 0);
  });

  test("the 404 page links the routes on the port the client used, and only suggests hosts a route can have", async () => {
    const onPort = await proxy.text(`nowhere.test:${proxy.port}`, '/');
    assert.ok(onPort.body.includes(`href="http://app.test:${proxy.port}/api"`), onPort.body);
    assert.ok(onPort.body.includes(`href="http://www.deep.app.test:${proxy.port}"`));
    assert.match(onPort.body, /gatehouse route add nowhere\.test /);
    const defaultPort = await proxy.text('nowhere.test', '/');
    assert.ok(defaultPort.body.includes('href="http://app.test/api"'));
    const odd = await proxy.text('plain.test@evil', '/', { accept: 'application/json' });
    assert.equal(odd.status, 404);
    const oddMessage: string = JSON.parse(odd.body).error.message;
    assert.match(oddMessage, /not a host name a route can have/);
    assert.doesNotMatch(oddMessage, /route add/);
    const hostless = await rawExchange(proxy.port, 'GET / HTTP/1.0\r\nAccept: application/json\r\n\r\n');
    assert.equal(hostless.status, 404);
    assert.match(hostless.text, /no Host header, so no route can match it/);
    assert.doesNotMatch(hostless.text, /route add/);
  });

  test('a disabled route answers 404 saying so', async () => {
    const r = await proxy.text('off.test', '/', { accept: 'application/json' });
    assert.equal(r.status, 404);
    assert.equal(JSON.parse(r.body).error.code, 'ROUTE_DISABLED');
  });

  test('a disabled path route answers 404 too, and its requests never reach the host route', async () => {
    const before = app.seen.length + api.seen.length;
    const r = await proxy.text('app.test', '/paused/x?q=1', { accept: 'application/json' });
    assert.equal(r.status, 404);
    const error = JSON.parse(r.body).error;
    assert.equal(error.code, 'ROUTE_DISABLED');
    assert.match(error.message, /route app\.test\/paused is disabled/);
    assert.equal(app.seen.length + api.seen.length, before);
    // A neighbouring path that only shares the prefix text is still app.test's.
    assert.equal((await who('app.test', '/pausedx')).name, 'app');
  });

  test('every forwarded header as the backend saw it; a spoofed X-Forwarded-For is replaced', async () => {
    const r = await proxy.request('app.test:8080', '/fw', {
      headers: {
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'evil.test',
        'x-forwarded-port': '1',
        forwarded: 'for=6.6.6.6',
        'x-real-ip': '6.6.6.6',
        x_forwarded_for: '6.6.6.6',
      },
    });
    const seen = JSON.parse(await r.body.text()).headers as Array<[string, string]>;
    assert.deepEqual(headerAll(seen, 'x-real-ip'), []);
    assert.deepEqual(headerAll(seen, 'x_forwarded_for'), []);
    assert.deepEqual(headerAll(seen, 'x-forwarded-for'), ['127.0.0.1']);
    assert.deepEqual(headerAll(seen, 'x-forwarded-proto'), ['http']);
    assert.deepEqual(headerAll(seen, 'x-forwarded-host'), ['app.test:8080']);
    assert.deepEqual(headerAll(seen, 'x-forwarded-port'), ['8080']);
    assert.deepEqual(headerAll(seen, 'forwarded'), ['for=127.0.0.1;host="app.test:8080";proto=http']);
    assert.deepEqual(headerAll(seen, 'via'), ['1.1 gatehouse']);
    assert.deepEqual(headerAll(seen, 'x-gatehouse-hop'), [proxy.engine.instanceId]);
    assert.deepEqual(headerAll(seen, 'host'), ['app.test:8080']);
  });

  test('hop-by-hop headers and Connection-named headers never reach the backend (raw client)', async () => {
    const before = app.seen.length;
    const res = await rawExchange(
      proxy.port,
      'GET /hop HTTP/1.1\r\nHost: app.test\r\nConnection: close, X-Secret\r\nX-Secret: s3cret\r\nKeep-Alive: timeout=9\r\n' +
        'Proxy-Authorization: Basic Zm9vOmJhcg==\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\nUpgrade-Insecure-Requests: 1\r\nX-Kept: yes\r\n\r\n',
    );
    assert.equal(res.status, 200);
    const seen = app.seen[before]!;
    const names = seen.headers.map(([n]) => n.toLowerCase());
    for (const gone of ['x-secret', 'keep-alive', 'proxy-authorization', 'proxy-connection']) assert.ok(!names.includes(gone), gone);
    assert.equal(header(seen.headers, 'te'), 'trailers');
    assert.equal(header(seen.headers, 'x-kept'), 'yes');
    assert.equal(header(seen.headers, 'upgrade-insecure-requests'), '1');
    // The connection to the upstream is our own business (undici keep-alive), not the client's "close".
    assert.equal(header(seen.headers, 'connection'), 'keep-alive');
  });

  test('curl through the proxy (real client, --resolve to the proxy port)', async () => {
    const r = await curl(['--resolve', `app.test:${proxy.port}:127.0.0.1`, `http://app.test:${proxy.port}/api/curl?x=1`]);
    assert.equal(r.code, 0);
    const body = JSON.parse(r.stdout);
    assert.deepEqual([body.name, body.url], ['api', '/curl?x=1']);
  });

  test('HTTPS redirect: 308 to the HTTPS port only for routes served over HTTPS', async () => {
    proxy.engine.setHttpsPort(8443);
    try {
      const r = await proxy.request('app.test', '/page?q=1');
      await r.body.dump();
      assert.equal(r.statusCode, 308);
      assert.equal(r.headers.location, 'https://app.test:8443/page?q=1');
      proxy.engine.setHttpsPort(443);
      const r2 = await proxy.request('App.Test:80', '/');
      await r2.body.dump();
      assert.equal(r2.headers.location, 'https://app.test/');
    } finally {
      proxy.engine.setHttpsPort(undefined);
    }
    const r3 = await proxy.request('app.test', '/page');
    await r3.body.dump();
    assert.equal(r3.statusCode, 200);
  });
});

describe('trusted proxies', () => {
  test('X-Forwarded-For from a trusted proxy is appended to, Proto/Host believed', async () => {
    const app = await startBackend();
    const proxy = await startProxy({ routes: [{ host: 'app.test', target: app.url }], trustedProxies: ['127.0.0.0/8'] });
    try {
      const r = await proxy.request('app.test', '/', {
        headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example', forwarded: 'for=203.0.113.9' },
      });
      const seen = JSON.parse(await r.body.text()).headers as Array<[string, string]>;
      assert.deepEqual(headerAll(seen, 'x-forwarded-for'), ['203.0.113.9, 127.0.0.1']);
      assert.deepEqual(headerAll(seen, 'x-forwarded-proto'), ['https']);
      assert.deepEqual(headerAll(seen, 'x-forwarded-host'), ['public.example']);
      assert.deepEqual(headerAll(seen, 'forwarded'), ['for=203.0.113.9, for=127.0.0.1;host=app.test;proto=http']);
    } finally {
      await proxy.close();
      await app.close();
    }
  });
});
