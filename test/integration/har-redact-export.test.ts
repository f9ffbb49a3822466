import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { request } from 'undici';
import type { Har } from '../../shared/har-types';
import { startBackend } from '../support/backends';
import { startTestInstance } from '../support/instance-harness';

test('har.export with redact masks a real login: the JSON password sent and the token answered', async (t) => {
  const backend = await startBackend((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"access_token":"at-456","token_type":"Bearer","user":{"name":"ann"}}');
    });
  });
  t.after(() => backend.close());
  const gh = await startTestInstance({ routes: [{ host: 'api.test', target: backend.url, https: false }] });
  t.after(() => gh.close());
  const res = await request(`http://127.0.0.1:${gh.instance.info().httpPort!}/login`, {
    method: 'POST',
    headers: { host: 'api.test', 'content-type': 'application/json' },
    body: '{"user":"ann","password":"pw-123"}',
  });
  assert.equal(res.statusCode, 200);
  assert.equal(((await res.body.json()) as { access_token: string }).access_token, 'at-456', 'the client got the real token');
  assert.equal(backend.seen.length, 1);

  // The client has its answer; the recorder may finish the exchange a moment later.
  let plain = await gh.call('har.export', {});
  for (let i = 0; i < 50 && !/at-456/.test(JSON.stringify(plain.body.result)); i++) {
    await new Promise((r) => setTimeout(r, 20));
    plain = await gh.call('har.export', {});
  }
  assert.match(JSON.stringify(plain.body.result), /pw-123.*at-456/s, 'unredacted, the export has both');
  const r = await gh.call('har.export', { redact: true });
  assert.equal(r.status, 200);
  const har = (r.body.result as { har: Har }).har;
  const text = JSON.stringify(har);
  assert.doesNotMatch(text, /pw-123|at-456/);
  const e = har.log.entries.find((x) => x.request.url.endsWith('/login'))!;
  assert.equal(e.request.postData!.text, '{"user":"ann","password":"[redacted]"}');
  assert.equal(e.response.content.text, '{"access_token":"[redacted]","token_type":"Bearer","user":{"name":"ann"}}');
});
