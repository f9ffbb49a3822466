import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { request } from 'undici';
import WebSocket from 'ws';
import { Engine } from '../../main/engine/engine';
import { memoryLogger } from '../../main/engine/logger';
import { isLoopbackAddress, lanExposureWarning } from '../../main/instance/lan-exposure';
import { startTestInstance, type TestInstance } from '../support/instance-harness';

/**
 * The control server (the headless dashboard's API) and the listen defaults:
 * token required, Host and Origin checked (DNS rebinding, cross-site), no CORS
 * wildcard, the token never logged, loopback-only binds, 0700/0600 on disk.
 */
describe('control server and listen defaults', () => {
  let gh: TestInstance;
  let port: number;

  before(async () => {
    gh = await startTestInstance({ routes: [{ host: 'app.test', target: 'http://127.0.0.1:9' }] });
    port = Number(new URL(gh.controlUrl).port);
  });
  after(() => gh.close());

  const api = (headers: Record<string, string>, method = 'instance.info') =>
    request(`${gh.controlUrl}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

  test('the control server binds 127.0.0.1 only', () => {
    assert.equal(new URL(gh.controlUrl).hostname, '127.0.0.1');
  });

  test('no token, a wrong token, a token of another length, or the token in the query of an API call: 401', async () => {
    for (const headers of [{}, { authorization: `Bearer ${gh.token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}` }, { authorization: 'Bearer x' }, { authorization: `Basic ${gh.token}` }] as Array<Record<string, string>>) {
      const res = await api(headers);
      assert.equal(res.statusCode, 401, JSON.stringify(headers));
      await res.body.text();
    }
    const q = await request(`${gh.controlUrl}/api/instance.info?token=${gh.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(q.statusCode, 401, 'query tokens are for page loads only');
    await q.body.text();
    const ok = await api({ authorization: `Bearer ${gh.token}` });
    assert.equal(ok.statusCode, 200);
    await ok.body.text();
  });

  test('DNS rebinding: a foreign Host is refused even with the right token', async () => {
    for (const host of ['evil.test', `evil.test:${port}`, `127.0.0.1.evil.test:${port}`, `127.0.0.1:${port + 1}`]) {
      const res = await api({ authorization: `Bearer ${gh.token}`, host });
      assert.equal(res.statusCode, 403, host);
      await res.body.text();
    }
  });

  test('cross-site: a foreign Origin is refused even with the token; no CORS header is ever sent', async () => {
    for (const origin of ['http://evil.test', 'null', `https://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const res = await api({ authorization: `Bearer ${gh.token}`, origin });
      assert.equal(res.statusCode, 403, origin);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      await res.body.text();
    }
    const preflight = await request(`${gh.controlUrl}/api/instance.info`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    assert.equal(preflight.headers['access-control-allow-headers'], undefined);
    await preflight.body.text();
    const same = await api({ authorization: `Bearer ${gh.token}`, origin: `http://127.0.0.1:${port}` });
    assert.equal(same.statusCode, 200);
    assert.equal(same.headers['access-control-allow-origin'], undefined);
    await same.body.text();
  });

  test('the event WebSocket refuses a foreign Origin and a missing token', async () => {
    const attempt = (headers: Record<string, string>, query = '') =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events${query}`, { headers });
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('open', () => {
          resolve(101);
          ws.close();
        });
        ws.on('error', () => resolve(-1));
      });
    assert.equal(await attempt({}), 401);
    assert.equal(await attempt({ origin: 'http://evil.test' }, `?token=${gh.token}`), 403);
    assert.equal(await attempt({ authorization: `Bearer ${gh.token}` }), 101);
  });

  test('the token is compared in constant time (hashed, then timingSafeEqual)', () => {
    const src = fs.readFileSync(path.join(__dirname, '../../main/control/control-auth.ts'), 'utf8');
    const fn = src.slice(src.indexOf('export function tokenMatches'), src.indexOf('export function allowedHosts'));
    assert.match(fn, /timingSafeEqual\(/);
    assert.doesNotMatch(fn, /given\s*===\s*token|token\s*===\s*given/);
  });

  test('the token never appears in the log, the config or anywhere but instance.json', async () => {
    // exercise paths that log: a failed auth, a config reload, a bad config
    await (await api({ authorization: 'Bearer wrong' })).body.text();
    const text = fs.readFileSync(gh.configPath, 'utf8');
    fs.writeFileSync(gh.configPath, text.replace('"routes"', '"routes" ,, '));
    await new Promise((r) => setTimeout(r, 600));
    fs.writeFileSync(gh.configPath, text);
    await new Promise((r) => setTimeout(r, 600));
    assert.ok(gh.logger.lines.length > 0, 'the instance logged something');
    for (const line of gh.logger.lines) assert.ok(!line.includes(gh.token), `token in log line: ${line}`);
    assert.ok(!fs.readFileSync(gh.configPath, 'utf8').includes(gh.token));
  });

  test('data dir 0700, CA key and instance.json 0600', () => {
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    assert.equal(mode(gh.dataDir), 0o700);
    assert.equal(mode(path.join(gh.dataDir, 'instance.json')) & 0o077, 0, 'instance.json (holds the token) is private');
    const keys = fs.readdirSync(gh.dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /key/i.test(e.name));
    assert.ok(keys.length > 0, 'a CA key file exists');
    for (const k of keys) assert.equal(mode(path.join(k.parentPath, k.name)), 0o600, k.name);
  });

  test('the default listen addresses are loopback only (as bound), and no LAN warning is logged', async () => {
    const logger = memoryLogger();
    const engine = await Engine.start({ config: { routes: [] }, httpPort: 0, logger });
    try {
      const line = logger.lines.find((l) => l.includes('HTTP listening on'))!;
      const addrs = line.slice(line.indexOf('listening on ') + 13).split(', ');
      assert.ok(addrs.length >= 1, line);
      for (const a of addrs) assert.ok(isLoopbackAddress(a.replace(/:\d+$/, '')), `bound ${a}`);
    } finally {
      await engine.stop(0);
    }
    assert.ok(!gh.logger.lines.some((l) => /reachable from other machines/.test(l)));
  });

  test('a LAN opt-in in "listen" produces the warning', () => {
    assert.equal(lanExposureWarning(['127.0.0.1', '::1']), undefined);
    assert.equal(lanExposureWarning(['127.0.0.2', '::ffff:127.0.0.1']), undefined);
    assert.match(lanExposureWarning(['127.0.0.1', '0.0.0.0'])!, /0\.0\.0\.0.*reachable from other machines/);
    assert.match(lanExposureWarning(['192.168.1.5'])!, /192\.168\.1\.5/);
    assert.match(lanExposureWarning(['::'])!, /::/);
  });
});
