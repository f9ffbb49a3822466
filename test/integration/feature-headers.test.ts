import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { header, headerAll, startBackend, type Backend } from '../support/backends';
import { startHttpsProxy } from '../support/https-proxy';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { waitUntil } from '../support/wait-until';
import { Recorder } from '../../main/recorder/recorder';
import type { Exchange } from '../../shared/exchange-types';

function curl(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('curl', ['-sS', '--max-time', '10', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Header lines of curl -D - output, as [name, value] pairs of the last response head. */
function curlHeaders(out: string): Array<[string, string]> {
  const heads = out.split('\r\n\r\n').filter((h) => /^HTTP\//.test(h));
  const last = heads[heads.length - 1] ?? '';
  return last
    .split('\r\n')
    .slice(1)
    .map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1).trim()] as [string, string];
    });
}

describe('header rules, path rewrite, security headers', () => {
  let backend: Backend;
  let proxy: TestProxy;
  let recorder: Recorder;

  before(async () => {
    backend = await startBackend((req, res, seen) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('X-Powered-By', 'Express');
        res.setHeader('Server', 'dev-server/1.0');
        res.setHeader('X-Upstream', 'kept');
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ url: seen.url, headers: seen.headers }));
      });
    });
    recorder = new Recorder({ batchMs: 10 });
    proxy = await startProxy(
      {
        routes: [
          {
            host: 'rules.test',
            target: backend.url,
            headers: {
              request: {
                set: { 'X-Env': 'dev', 'X-Client': '{remote_addr} via {scheme}://{host} ({route})' },
                add: { 'X-Tag': 'added' },
                remove: ['X-Debug'],
              },
              response: { set: { 'X-Served-By': 'gatehouse' }, add: { 'X-Upstream': 'second' }, remove: ['X-Powered-By'] },
            },
          },
          { host: 'prefix.test', target: backend.url, rewrite: { prefix: '/old', to: '/new' } },
          { host: 'regex.test', target: backend.url, rewrite: { regex: '^/u/(\\d+)/(\\w+)$', to: '/users/$2/$1' } },
          { host: 'strip.test', path: '/api', stripPath: true, target: `${backend.url}/base`, rewrite: { prefix: '/v1', to: '/v2' } },
          { host: 'secure.test', target: backend.url, securityHeaders: { contentSecurityPolicy: "default-src 'self'" } },
          { host: 'plain.test', target: backend.url },
        ],
      },
      { observer: recorder },
    );
  });

  after(async () => {
    await proxy.close();
    await backend.close();
    recorder.close();
  });

  function finished(host: string, url: string): Promise<Exchange> {
    return waitUntil(
      () => recorder.all().find((x) => x.state !== 'pending' && x.host === host && x.url === url),
      `the exchange ${host}${url} to finish`,
    );
  }

  test('request headers are set, added and removed before forwarding; placeholders filled (curl)', async () => {
    const r = await curl(['-D', '-', '-o', '/dev/null', '-H', 'X-Debug: 1', '-H', 'X-Env: prod', '-H', 'X-Tag: client',
      '--resolve', `rules.test:${proxy.port}:127.0.0.1`, `http://rules.test:${proxy.port}/hello`]);
    assert.equal(r.code, 0, r.stderr);
    const seen = backend.seen.at(-1)!;
    assert.equal(seen.url, '/hello');
    assert.equal(header(seen.headers, 'x-debug'), undefined);
    assert.deepEqual(headerAll(seen.headers, 'x-env'), ['dev']);
    assert.deepEqual(headerAll(seen.headers, 'x-tag'), ['client', 'added']);
    assert.equal(header(seen.headers, 'x-client'), `127.0.0.1 via http://rules.test:${proxy.port} (rules.test)`);
    const got = curlHeaders(r.stdout);
    assert.equal(header(got, 'x-served-by'), 'gatehouse');
    assert.equal(header(got, 'x-powered-by'), undefined);
    assert.deepEqual(headerAll(got, 'x-upstream'), ['kept', 'second']);
    assert.equal(header(got, 'server'), 'dev-server/1.0', 'Server is only removed by the security preset');
    const x = await finished(`rules.test:${proxy.port}`, '/hello');
    assert.ok(x.notes.includes('request headers: remove X-Debug; set X-Env, X-Client; add X-Tag'), x.notes.join(' | '));
    assert.ok(x.notes.includes('response headers: remove X-Powered-By; set X-Served-By; add X-Upstream'), x.notes.join(' | '));
  });

  test('a route without rules forwards the headers unchanged and records no notes', async () => {
    const r = await proxy.request('plain.test', '/p', { headers: { 'x-debug': '1' } });
    assert.equal(header(Object.entries(r.headers) as Array<[string, string]>, 'x-powered-by'), 'Express');
    await r.body.text();
    assert.equal(header(backend.seen.at(-1)!.headers, 'x-debug'), '1');
    const x = await finished('plain.test', '/p');
    assert.deepEqual(x.notes, []);
  });

  test('path rewrite by prefix (segment boundary, query kept)', async () => {
    const a = await proxy.text('prefix.test', '/old/x?q=1');
    assert.equal(a.status, 200);
    assert.equal(backend.seen.at(-1)!.url, '/new/x?q=1');
    await proxy.text('prefix.test', '/old');
    assert.equal(backend.seen.at(-1)!.url, '/new');
    await proxy.text('prefix.test', '/older');
    assert.equal(backend.seen.at(-1)!.url, '/older', 'not a segment boundary: unchanged');
    const x = await finished('prefix.test', '/old/x?q=1');
    assert.ok(x.notes.some((n) => n.startsWith('path rewrite (prefix /old → /new): /new/x?q=1')), x.notes.join(' | '));
  });

  test('path rewrite by regular expression with capture groups', async () => {
    await proxy.text('regex.test', '/u/42/profile?tab=2');
    assert.equal(backend.seen.at(-1)!.url, '/users/profile/42?tab=2');
    await proxy.text('regex.test', '/other');
    assert.equal(backend.seen.at(-1)!.url, '/other');
  });

  test('rewrite applies after stripPath and before the target base path', async () => {
    await proxy.text('strip.test', '/api/v1/items');
    assert.equal(backend.seen.at(-1)!.url, '/base/v2/items');
  });

  test('security preset over plain HTTP: headers added, Server and X-Powered-By removed, no HSTS', async () => {
    const r = await curl(['-D', '-', '-o', '/dev/null', '--resolve', `secure.test:${proxy.port}:127.0.0.1`, `http://secure.test:${proxy.port}/`]);
    const got = curlHeaders(r.stdout);
    assert.equal(header(got, 'x-content-type-options'), 'nosniff');
    assert.equal(header(got, 'x-frame-options'), 'SAMEORIGIN');
    assert.equal(header(got, 'referrer-policy'), 'strict-origin-when-cross-origin');
    assert.equal(header(got, 'content-security-policy'), "default-src 'self'");
    assert.equal(header(got, 'server'), undefined);
    assert.equal(header(got, 'x-powered-by'), undefined);
    assert.equal(header(got, 'strict-transport-security'), undefined);
  });
});

test('security preset over HTTPS adds HSTS with a short max-age (curl with the Gatehouse CA)', async (t) => {
  const backend = await startBackend();
  t.after(() => backend.close());
  const proxy = await startHttpsProxy({ routes: [{ host: 'secure.test', target: backend.url, securityHeaders: true }] });
  t.after(() => proxy.close());
  const r = await curl(['-D', '-', '-o', '/dev/null', '--cacert', proxy.caPath, '--resolve', `secure.test:${proxy.httpsPort}:127.0.0.1`,
    `https://secure.test:${proxy.httpsPort}/`]);
  assert.equal(r.code, 0, r.stderr);
  const got = curlHeaders(r.stdout);
  assert.equal(header(got, 'strict-transport-security'), 'max-age=300');
  assert.equal(header(got, 'x-content-type-options'), 'nosniff');
  assert.equal(header(got, 'content-security-policy'), undefined, 'no CSP unless configured');
});
