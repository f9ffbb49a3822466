import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { request } from 'undici';
import WebSocket from 'ws';
import { deadPort, startBackend, startWsBackend, type Backend, type WsBackend } from '../support/backends';
import { startFaultUpstream, type FaultMode, type FaultUpstream } from '../support/fault-upstream';
import { openDescriptors, settleToBaseline } from '../support/open-handles';
import { startProxy, type TestProxy } from '../support/proxy-harness';

/**
 * Upstream faults: each gives the client the right status or an aborted body,
 * the proxy keeps serving a healthy route, and the process's open descriptors
 * and sockets come back to their baseline.
 */
describe('upstream faults', () => {
  let healthy: Backend;
  let wsBackend: WsBackend;
  let proxy: TestProxy;
  const faults = new Map<FaultMode, FaultUpstream>();
  const modes: FaultMode[] = ['reset-mid-headers', 'reset-mid-body', 'stall-after-headers', 'invalid-http', 'close-before-response'];
  let baseline: { fds: number; sockets: number };

  before(async () => {
    healthy = await startBackend(undefined, { name: 'healthy' });
    wsBackend = await startWsBackend();
    for (const m of modes) faults.set(m, await startFaultUpstream(m));
    const dead = await deadPort();
    proxy = await startProxy({
      routes: [
        { host: 'ok.test', target: healthy.url },
        { host: 'ws.test', target: wsBackend.url },
        { host: 'refused.test', target: `http://127.0.0.1:${dead}` },
        ...modes.map((m) => ({ host: `${m}.test`, target: faults.get(m)!.url })),
      ],
      timeouts: { upstreamHeaders: '1s', upstreamBody: '1s', keepAlive: '1s' },
    });
    // warm up the healthy path (one pooled upstream connection), then take the baseline
    assert.equal((await proxy.text('ok.test', '/warm')).status, 200);
    baseline = await settleToBaseline(openDescriptors(), 3_000);
  });

  after(async () => {
    await proxy.close();
    await healthy.close();
    await wsBackend.close();
    for (const f of faults.values()) await f.close();
  });

  /** A fresh connection per request (no pooling in the client), body read to the end or its error. */
  async function fetchOnce(host: string): Promise<{ status: number; body?: string; bodyError?: string }> {
    const res = await request(`http://127.0.0.1:${proxy.port}/x`, { headers: { host, connection: 'close' }, reset: true } as never);
    try {
      return { status: res.statusCode, body: await res.body.text() };
    } catch (err) {
      return { status: res.statusCode, bodyError: (err as Error).message };
    }
  }

  async function stillServes(): Promise<void> {
    const r = await proxy.text('ok.test', '/still');
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).url, '/still');
  }

  const expectations: Array<{ host: string; check: (r: Awaited<ReturnType<typeof fetchOnce>>) => void }> = [
    { host: 'refused.test', check: (r) => assert.equal(r.status, 502) },
    { host: 'reset-mid-headers.test', check: (r) => assert.equal(r.status, 502) },
    { host: 'invalid-http.test', check: (r) => assert.equal(r.status, 502) },
    { host: 'close-before-response.test', check: (r) => assert.equal(r.status, 502) },
    { host: 'reset-mid-body.test', check: (r) => { assert.equal(r.status, 200); assert.ok(r.bodyError, 'the truncated body is an error at the client, not a short success'); } },
    { host: 'stall-after-headers.test', check: (r) => { assert.equal(r.status, 200); assert.ok(r.bodyError, 'the stalled body is aborted after upstreamBody'); } },
  ];

  for (const e of expectations) {
    test(`${e.host.replace('.test', '')}: right answer, others still served`, async () => {
      e.check(await fetchOnce(e.host));
      await stillServes();
    });
  }

  test('the upstream closes a WebSocket abruptly: the client sees the connection end', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/sock`, { headers: { host: 'ws.test' } });
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => {});
    for (const c of wsBackend.clients) c.terminate();
    assert.equal(await closed, 1006, 'abnormal closure reaches the client');
    await stillServes();
  });

  test('a burst of every fault at once, then descriptors and sockets return to the baseline', async () => {
    const hosts = expectations.map((e) => e.host);
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => fetchOnce(hosts[i % hosts.length]!).catch((err: Error) => ({ status: 0, bodyError: err.message }))));
    assert.equal(results.filter((r) => r.status === 0).length, 0, 'every request got an answer');
    await stillServes();
    const now = await settleToBaseline(baseline, 15_000);
    assert.ok(now.fds <= baseline.fds, `open fds back to baseline (${baseline.fds}), now ${now.fds}`);
    assert.ok(now.sockets <= baseline.sockets, `open sockets back to baseline (${baseline.sockets}), now ${now.sockets}`);
  });
});
