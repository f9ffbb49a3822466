import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { rawExchange } from '../support/raw-http';
import { waitUntil } from '../support/wait-until';
import { Recorder } from '../../main/recorder/recorder';
import { parseConfigText } from '../../main/config/config-parse';

function curl(args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('curl', ['-sS', '--max-time', '10', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT';

describe('static files (file: targets)', () => {
  let tmp: string;
  let proxy: TestProxy;
  let recorder: Recorder;
  const big = Buffer.alloc(100_000, 0);

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-static-'));
    const dist = path.join(tmp, 'dist');
    fs.mkdirSync(path.join(dist, 'docs'), { recursive: true });
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<h1>home</h1>');
    fs.writeFileSync(path.join(dist, 'docs', 'index.html'), '<h1>docs</h1>');
    fs.writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dist, 'assets', 'style.css'), 'body{}');
    fs.writeFileSync(path.join(dist, 'space name.txt'), 'spaced');
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    fs.writeFileSync(path.join(dist, 'data.bin'), big);
    fs.writeFileSync(path.join(tmp, 'secret.txt'), SECRET);
    fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(dist, 'escape.txt'));
    fs.symlinkSync(tmp, path.join(dist, 'up'));
    fs.symlinkSync(path.join(dist, 'assets', 'app.js'), path.join(dist, 'inside.js'));
    recorder = new Recorder({ batchMs: 10 });
    proxy = await startProxy(
      {
        routes: [
          { host: 'static.test', target: 'file:./dist', spa: true, headers: { response: { set: { 'X-Served-By': 'gatehouse' } } } },
          { host: 'plain.test', target: 'file:./dist' },
          { host: 'sub.test', path: '/site', stripPath: true, target: 'file:./dist' },
        ],
      },
      { observer: recorder, baseDir: tmp },
    );
  });

  after(async () => {
    await proxy.close();
    recorder.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('files with content types, index.html, response header rules (undici)', async () => {
    const home = await proxy.text('static.test', '/');
    assert.equal(home.status, 200);
    assert.equal(home.body, '<h1>home</h1>');
    assert.equal(home.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(home.headers['x-served-by'], 'gatehouse');
    const js = await proxy.text('static.test', '/assets/app.js?v=3');
    assert.equal(js.body, 'console.log(1)');
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal((await proxy.text('static.test', '/assets/style.css')).headers['content-type'], 'text/css; charset=utf-8');
    assert.equal((await proxy.text('static.test', '/space%20name.txt')).body, 'spaced');
    assert.equal((await proxy.text('static.test', '/docs/')).body, '<h1>docs</h1>');
    const redirect = await proxy.text('static.test', '/docs?x=1');
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, '/docs/?x=1');
    assert.equal((await proxy.text('static.test', '/inside.js')).body, 'console.log(1)', 'a symlink inside the root is served');
    const x = await waitUntil(() => recorder.all().find((e) => e.state === 'complete' && e.url === '/assets/app.js?v=3'), 'the recorded exchange');
    assert.equal(x.status, 200);
    assert.ok(x.target?.startsWith('file:'), x.target);
  });

  test('SPA fallback to index.html for unknown paths, but not for missing assets; off by default', async () => {
    const deep = await proxy.text('static.test', '/app/settings/profile');
    assert.equal(deep.status, 200);
    assert.equal(deep.body, '<h1>home</h1>');
    assert.equal((await proxy.text('static.test', '/assets/missing.js')).status, 404);
    assert.equal((await proxy.text('plain.test', '/app/settings')).status, 404);
  });

  test('the route prefix is stripped when stripPath is set', async () => {
    assert.equal((await proxy.text('sub.test', '/site/assets/app.js')).body, 'console.log(1)');
  });

  test('Range: 206 with Content-Range, suffix ranges, 416 when unsatisfiable (curl)', async () => {
    const base = ['--resolve', `plain.test:${proxy.port}:127.0.0.1`, `http://plain.test:${proxy.port}/data.bin`];
    const part = await curl(['-r', '1000-1999', ...base]);
    assert.deepEqual(part.stdout, big.subarray(1000, 2000));
    const head = await curl(['-r', '1000-1999', '-D', '-', '-o', '/dev/null', ...base]);
    const text = head.stdout.toString();
    assert.match(text, /^HTTP\/1\.1 206/);
    assert.match(text, /content-range: bytes 1000-1999\/100000/i);
    assert.match(text, /content-length: 1000\r\n/i);
    const suffix = await curl(['-r', '-10', ...base]);
    assert.deepEqual(suffix.stdout, big.subarray(big.length - 10));
    const bad = await curl(['-r', '200000-', '-D', '-', '-o', '/dev/null', ...base]);
    assert.match(bad.stdout.toString(), /^HTTP\/1\.1 416/);
    assert.match(bad.stdout.toString(), /content-range: bytes \*\/100000/i);
    const whole = await curl(base);
    assert.deepEqual(whole.stdout, big);
  });

  test('ETag / Last-Modified: conditional requests get 304; If-Range with a stale validator gets the whole file', async () => {
    const first = await proxy.request('plain.test', '/assets/app.js');
    await first.body.text();
    const etag = first.headers.etag as string;
    const lastModified = first.headers['last-modified'] as string;
    assert.match(etag, /^W\/"/);
    assert.ok(lastModified);
    const r304 = await proxy.request('plain.test', '/assets/app.js', { headers: { 'if-none-match': etag } });
    assert.equal(r304.statusCode, 304);
    assert.equal(await r304.body.text(), '');
    const ims = await proxy.request('plain.test', '/assets/app.js', { headers: { 'if-modified-since': lastModified } });
    assert.equal(ims.statusCode, 304);
    await ims.body.text();
    const changed = await proxy.request('plain.test', '/assets/app.js', { headers: { 'if-none-match': 'W/"other"' } });
    assert.equal(changed.statusCode, 200);
    assert.equal(await changed.body.text(), 'console.log(1)');
    const stale = await proxy.request('plain.test', '/data.bin', { headers: { range: 'bytes=0-9', 'if-range': '"stale"' } });
    assert.equal(stale.statusCode, 200);
    assert.equal((await stale.body.arrayBuffer()).byteLength, big.length);
  });

  test('HEAD has the headers and no body; other methods get 405 with Allow', async () => {
    const head = await proxy.request('plain.test', '/data.bin', { method: 'HEAD' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['content-length'], '100000');
    assert.equal(await head.body.text(), '');
    const post = await proxy.request('plain.test', '/data.bin', { method: 'POST', body: 'x' });
    assert.equal(post.statusCode, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    await post.body.text();
  });

  test('path traversal never serves a file outside the root: .., %2e%2e, %2f, backslashes, symlinks', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets\\..\\..\\secret.txt',
      '/%5c..%5csecret.txt',
      '/escape.txt',
      '/up/secret.txt',
      '/%00secret.txt',
      '/%ZZ',
    ];
    for (const p of attempts) {
      // Raw bytes on the socket: no client normalises the path first.
      const r = await rawExchange(proxy.port, `GET ${p} HTTP/1.1\r\nHost: plain.test\r\nConnection: close\r\n\r\n`);
      const text = r.text;
      assert.ok(!text.includes(SECRET), `${p} leaked the secret`);
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]);
      assert.ok(status === 403 || status === 404 || status === 400, `${p}: ${status}`);
    }
    // curl with --path-as-is sends the dots unchanged, too.
    const c = await curl(['--path-as-is', '-D', '-', '--resolve', `plain.test:${proxy.port}:127.0.0.1`, `http://plain.test:${proxy.port}/assets/../../secret.txt`]);
    assert.ok(!c.stdout.toString().includes(SECRET));
    assert.match(c.stdout.toString(), /^HTTP\/1\.1 40[34]/);
  });
});

test("the issue's example config (static part) is accepted by the config parser", () => {
  const r = parseConfigText('{"routes":[{"host":"static.test","target":"file:./dist","spa":true}]}', 'config.json');
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  const bad = parseConfigText('{"routes":[{"host":"static.test","targets":["file:./dist","http://127.0.0.1:3000"]}]}', 'config.json');
  assert.equal(bad.ok, false);
});
