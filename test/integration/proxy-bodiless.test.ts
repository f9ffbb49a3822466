import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startBackend } from '../support/backends';
import { startProxy } from '../support/proxy-harness';
import { startHttpsProxy } from '../support/https-proxy';
import { envWithoutExtraCa, runCommand } from '../support/run-command';

/**
 * 204 and 304 never have a body, but upstreams often send the Content-Length the body
 * would have had (a 304 may, RFC 9110 §8.6). undici held them to it and failed the
 * response, so clients got an empty reply (HTTP/1.1) or a reset stream (HTTP/2).
 */
test('a 204 or 304 with a Content-Length reaches HTTP/1.1 and HTTP/2 clients intact', async (t) => {
  const backend = await startBackend((req, res) => {
    req.resume();
    if (req.url === '/304') res.writeHead(304, { etag: '"v1"', 'content-length': '1234' });
    else res.writeHead(204, { 'content-length': '5', 'x-kept': 'yes' });
    res.end();
  });
  t.after(() => backend.close());
  const plain = await startProxy({ routes: [{ host: 'app.test', target: backend.url }] });
  t.after(() => plain.close());
  const secure = await startHttpsProxy({ routes: [{ host: 'app.test', target: backend.url }] });
  t.after(() => secure.close());

  for (const path of ['/304', '/204', '/304']) {
    // curl, not undici: undici's own client trips over a 304's Content-Length the same way.
    const h1 = await runCommand('curl', ['-sS', '-i', '--max-time', '10', '-H', 'Host: app.test', `http://127.0.0.1:${plain.port}${path}`]);
    assert.equal(h1.code, 0, `${path} over HTTP/1.1: ${h1.stderr}`);
    assert.match(h1.stdout, new RegExp(`^HTTP/1\\.1 ${path.slice(1)} `));
    if (path === '/304') assert.match(h1.stdout, /\r\netag: "v1"\r\n/i);
    else {
      assert.match(h1.stdout, /\r\nx-kept: yes\r\n/i);
      assert.doesNotMatch(h1.stdout, /content-length/i, 'a 204 goes out without Content-Length');
    }

    const h2 = await runCommand(
      'curl',
      ['-sS', '--http2', '--max-time', '10', '--cacert', secure.caPath, '--resolve', `app.test:${secure.httpsPort}:127.0.0.1`, '-o', '/dev/null', '-w', '%{http_code} %{http_version}', `https://app.test:${secure.httpsPort}${path}`],
      { env: envWithoutExtraCa() },
    );
    assert.equal(h2.code, 0, `${path} over HTTP/2: ${h2.stderr}`);
    assert.equal(h2.stdout, `${path.slice(1)} 2`);
  }
  assert.equal(backend.seen.length, 6);
});
