import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'undici';
import { startBackend } from '../support/backends';
import { startProxy } from '../support/proxy-harness';
import { waitUntil } from '../support/wait-until';
import { Recorder } from '../../main/recorder/recorder';

function curlStatus(port: number, host: string): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('curl', ['-sS', '--max-time', '10', '-o', '/dev/null', '-D', '-', '-H', `Host: ${host}`, `http://127.0.0.1:${port}/x`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', () => {
      const status = Number(/^HTTP\/\S+ (\d+)/.exec(out)?.[1]);
      const ra = /^retry-after:\s*(\S+)/im.exec(out)?.[1];
      resolve(ra ? { status, retryAfter: ra } : { status });
    });
  });
}

test('rate limit: the burst passes, the next request gets 429 with Retry-After and never reaches the backend', async (t) => {
  const backend = await startBackend();
  t.after(() => backend.close());
  const recorder = new Recorder({ batchMs: 10 });
  t.after(() => recorder.close());
  // 0.01 tokens/s: no token comes back during the test, so the count is exact.
  const proxy = await startProxy(
    {
      routes: [
        { host: 'limited.test', target: backend.url, rateLimit: { rate: 0.01, burst: 3 } },
        { host: 'shared.test', target: backend.url, rateLimit: { rate: 0.01, burst: 2, per: 'route' } },
        { host: 'free.test', target: backend.url },
      ],
    },
    { observer: recorder },
  );
  t.after(() => proxy.close());

  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await proxy.request('limited.test', '/x');
    await r.body.text();
    statuses.push(r.statusCode);
    if (r.statusCode === 429) assert.equal(r.headers['retry-after'], '100');
  }
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  assert.equal(backend.seen.filter((s) => s.url === '/x').length, 3);

  // A real client (curl) sees the same 429 and Retry-After.
  assert.deepEqual(await curlStatus(proxy.port, 'limited.test'), { status: 429, retryAfter: '100' });
  // Routes without a limit are not affected.
  for (let i = 0; i < 5; i++) assert.equal((await proxy.text('free.test', '/x')).status, 200);

  const limited = await waitUntil(
    () => recorder.all().find((x) => x.state !== 'pending' && x.host === 'limited.test' && x.status === 429),
    'a recorded 429',
  );
  assert.deepEqual(limited.notes, ['rate limit: 429, retry after 100 s']);

  // per: "route": one bucket for every client (curl and undici share it).
  assert.equal((await curlStatus(proxy.port, 'shared.test')).status, 200);
  assert.equal((await proxy.text('shared.test', '/x')).status, 200);
  assert.equal((await proxy.text('shared.test', '/x')).status, 429);
});

test('rate limit per client: another client address has its own bucket', async (t) => {
  const backend = await startBackend();
  t.after(() => backend.close());
  const proxy = await startProxy({ routes: [{ host: 'limited.test', target: backend.url, rateLimit: { rate: 0.01, burst: 1 } }] }, { listen: ['127.0.0.1', '::1'] });
  t.after(() => proxy.close());
  assert.equal((await proxy.text('limited.test', '/x')).status, 200);
  assert.equal((await proxy.text('limited.test', '/x')).status, 429);
  const r = await request(`http://[::1]:${proxy.port}/x`, { headers: { host: 'limited.test' } }).catch(() => undefined);
  if (!r) return t.skip('no IPv6 loopback here');
  assert.equal(r.statusCode, 200, 'the ::1 client has a bucket of its own');
  await r.body.text();
});
