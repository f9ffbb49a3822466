import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import { Recorder } from '../../main/recorder/recorder';
import type { Exchange } from '../../shared/exchange-types';
import { startFaultUpstream, type FaultUpstream } from '../support/fault-upstream';
import { startHttpsProxy, type TestHttpsProxy } from '../support/https-proxy';
import { rawExchange } from '../support/raw-http';
import { runCommand } from '../support/run-command';
import { waitUntil } from '../support/wait-until';

/**
 * An upstream that dies after its response head: while nothing of the response has
 * reached the client it can still be answered 502; once bytes went out, the client
 * must see an incomplete response (HTTP/1.1: the connection closes without the
 * chunked terminator; HTTP/2: RST_STREAM), never a clean end.
 */
describe('an upstream that dies after its response head', () => {
  let afterHead: FaultUpstream;
  let midChunked: FaultUpstream;
  let proxy: TestHttpsProxy;
  let recorder: Recorder;

  before(async () => {
    afterHead = await startFaultUpstream('reset-after-head');
    midChunked = await startFaultUpstream('reset-mid-chunked');
    proxy = await startHttpsProxy({
      routes: [
        { host: 'head.test', target: afterHead.url, redirectToHttps: false },
        { host: 'chunked.test', target: midChunked.url, redirectToHttps: false },
      ],
    });
    recorder = new Recorder({ batchMs: 10 });
    proxy.engine.setObserver(recorder);
  });

  after(async () => {
    await proxy.close();
    recorder.close();
    await Promise.all([afterHead.close(), midChunked.close()]);
  });

  function recorded(host: string, httpVersion: string): Promise<Exchange> {
    return waitUntil(
      () => recorder.all().find((x) => x.host === host && x.httpVersion === httpVersion && x.state !== 'pending'),
      `the ${host} exchange over ${httpVersion} to finish`,
    );
  }

  test('HTTP/1.1, head received but nothing written yet: the client gets the 502 page, recorded as the upstream error', async () => {
    const before = afterHead.received.length;
    const r = await runCommand('curl', ['-sS', '-i', '--max-time', '10', '-H', 'Host: head.test', '-H', 'Accept: application/json', `http://127.0.0.1:${proxy.httpPort}/x`]);
    assert.equal(r.code, 0, `curl: ${r.stderr}`);
    assert.equal(afterHead.received.length, before + 1, 'the request reached the upstream once');
    assert.match(r.stdout, /^HTTP\/1\.1 502 /);
    assert.match(r.stdout, /\r\nX-Gatehouse-Error: UPSTREAM_RESET\r\n/i);
    const body = JSON.parse(r.stdout.slice(r.stdout.indexOf('\r\n\r\n') + 4)) as { error: { code: string } };
    assert.equal(body.error.code, 'UPSTREAM_RESET');
    const x = await recorded('head.test', '1.1');
    assert.equal(x.state, 'error');
    assert.equal(x.upstreamStatus, 200, 'the upstream head is recorded');
    assert.equal(x.status, 502, 'the recorded client status is what the client got');
    assert.equal(x.errorCode, 'UPSTREAM_RESET');
  });

  test('HTTP/1.1, part of a chunked body sent: the connection closes without the terminating chunk', async () => {
    const r = await rawExchange(proxy.httpPort, 'GET /x HTTP/1.1\r\nHost: chunked.test\r\n\r\n', { waitMs: 5_000 });
    assert.equal(r.status, 200);
    assert.ok(r.closed, 'the proxy closed the connection');
    const body = r.text.slice(r.text.indexOf('\r\n\r\n') + 4);
    assert.match(body, /partial/);
    assert.ok(!/(^|\r\n)0\r\n\r\n/.test(body), `no clean chunked end: ${JSON.stringify(body)}`);
    const x = await recorded('chunked.test', '1.1');
    assert.equal(x.state, 'error');
    assert.equal(x.errorCode, 'UPSTREAM_RESET');
  });

  /** One HTTP/2 request over TLS; how its stream ended. */
  function h2Get(host: string): Promise<{ status?: number; body: string; ended: boolean; rstCode?: number; error?: string }> {
    return new Promise((resolve) => {
      const session = http2.connect(`https://127.0.0.1:${proxy.httpsPort}`, { ca: proxy.caPem, servername: host });
      session.on('error', () => {});
      const out: { status?: number; body: string; ended: boolean; rstCode?: number; error?: string } = { body: '', ended: false };
      const timer = setTimeout(() => done('timed out'), 10_000);
      const done = (error?: string) => {
        clearTimeout(timer);
        if (error) out.error = error;
        session.destroy();
        resolve(out);
      };
      const req = session.request({ ':path': '/x', ':authority': host });
      req.setEncoding('utf8');
      req.on('response', (h) => (out.status = Number(h[':status'])));
      req.on('data', (d: string) => (out.body += d));
      req.on('end', () => (out.ended = true));
      req.on('error', () => {});
      req.on('close', () => {
        out.rstCode = req.rstCode;
        done();
      });
    });
  }

  for (const host of ['head.test', 'chunked.test']) {
    test(`HTTP/2, ${host === 'head.test' ? 'head already sent' : 'part of the body sent'}: the stream is reset, not ended cleanly`, async () => {
      const r = await h2Get(host);
      assert.equal(r.error, undefined);
      assert.equal(r.status, 200, 'HTTP/2 sends the head as soon as the upstream gives it');
      assert.equal(r.ended, false, 'no clean END_STREAM');
      assert.equal(r.rstCode, http2.constants.NGHTTP2_INTERNAL_ERROR);
      if (host === 'chunked.test') assert.equal(r.body, 'partial');
      const x = await recorded(host, '2');
      assert.equal(x.state, 'error');
      assert.equal(x.errorCode, 'UPSTREAM_RESET');
    });
  }
});
