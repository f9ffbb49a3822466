import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startBackend } from '../support/backends';
import { startHttpsProxy } from '../support/https-proxy';

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

test('over HTTP/2: compression, header rules and the cache work (curl --http2 --compressed)', async (t) => {
  const page = 'hello over h2\n'.repeat(500);
  const backend = await startBackend((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60', 'content-length': Buffer.byteLength(page) });
    res.end(page);
  });
  t.after(() => backend.close());
  const proxy = await startHttpsProxy({
    routes: [{ host: 'h2.test', target: backend.url, compress: true, cache: true, headers: { response: { set: { 'X-Route': '{route}' } } } }],
  });
  t.after(() => proxy.close());
  const args = ['--http2', '--cacert', proxy.caPath, '--resolve', `h2.test:${proxy.httpsPort}:127.0.0.1`, `https://h2.test:${proxy.httpsPort}/p`];
  const split = (out: string) => {
    const i = out.indexOf('\r\n\r\n');
    return { head: out.slice(0, i), body: out.slice(i + 4) };
  };
  const first = await curl(['--compressed', '-D', '-', ...args]);
  assert.equal(first.code, 0, first.stderr);
  const a = split(first.stdout);
  assert.equal(a.body, page);
  assert.match(a.head, /^HTTP\/2 200/m);
  assert.match(a.head, /content-encoding: br/i);
  assert.match(a.head, /x-route: h2\.test/i);
  assert.match(a.head, /x-cache: MISS/i);
  const second = await curl(['--compressed', '-D', '-', ...args]);
  const b = split(second.stdout);
  assert.equal(b.body, page);
  assert.match(b.head, /x-cache: HIT/i);
  assert.equal(backend.seen.length, 1);
});
