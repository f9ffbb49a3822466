import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import { startBackend } from '../support/backends';
import { startTestInstance } from '../support/instance-harness';
import { waitUntil } from '../support/wait-until';

/**
 * Replaying an HTTPS exchange through its route with the Host header edited: the
 * replay's TLS server name follows the Host it carries. An HTTPS connection serves only
 * the name it was opened for (421 Misdirected Request for any other), so a replay that
 * opened its connection for the original URL's host reached no backend at all.
 */
test('an HTTPS replay with an edited Host reaches the route of that Host', async (t) => {
  const a = await startBackend(undefined, { name: 'a' });
  const b = await startBackend(undefined, { name: 'b' });
  const gh = await startTestInstance({
    routes: [
      { host: 'a.test', target: a.url },
      { host: 'b.test', target: b.url },
    ],
  });
  t.after(async () => {
    await gh.close();
    await Promise.all([a.close(), b.close()]);
  });
  const port = gh.instance.info().httpsPort!;

  // The original: a real HTTPS request for a.test.
  const status = await new Promise<number>((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, servername: 'a.test', path: '/orig', headers: { host: 'a.test' }, rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('original request timed out')));
    req.end();
  });
  assert.equal(status, 200);
  let listed: { id: string } | undefined;
  for (let i = 0; i < 100 && !listed; i++) {
    const r = await gh.call('exchanges.list', { limit: 10 });
    listed = (r.body.result.items as Array<{ id: string; url: string; state: string }>).find((x) => x.url === '/orig' && x.state === 'complete');
    if (!listed) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.ok(listed, 'the original exchange was recorded');

  const seenByA = a.seen.length;
  const replay = await gh.call('replay', { id: listed.id, edit: { headers: [['Host', 'b.test']] } });
  assert.equal(replay.status, 200, JSON.stringify(replay.body));
  assert.equal(replay.body.result.status, 200, `the replay's answer: ${JSON.stringify(replay.body)}`);
  await waitUntil(() => b.seen.some((s) => s.url === '/orig'), 'the replay at b.test');
  assert.equal(a.seen.length, seenByA, 'a.test was not asked again');
  const host = b.seen.find((s) => s.url === '/orig')!.headers.find(([k]) => k.toLowerCase() === 'host')?.[1];
  assert.equal(host, 'b.test');
});
