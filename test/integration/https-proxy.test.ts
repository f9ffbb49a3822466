import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import type { ExchangeObserver, ExchangeStart } from '../../main/engine/exchange-observer';
import { NOOP_TAP } from '../../main/engine/safe-tap';
import { FrozenExchange } from '../../main/recorder/frozen-exchange';
import { Recorder } from '../../main/recorder/recorder';
import { header, startBackend, type Backend } from '../support/backends';
import { startHttpsProxy, type TestHttpsProxy } from '../support/https-proxy';
import { envWithoutExtraCa, runCommand } from '../support/run-command';
import { waitFor } from '../support/wait-for';

async function setup(t: { after(fn: () => Promise<void> | void): void }): Promise<{ proxy: TestHttpsProxy; backend: Backend }> {
  const backend = await startBackend();
  t.after(() => backend.close());
  const proxy = await startHttpsProxy({
    routes: [
      { host: 'app.test', target: backend.url },
      { host: '*.wild.test', target: backend.url },
      { host: 'plain.test', target: backend.url, https: false },
    ],
  });
  t.after(() => proxy.close());
  return { proxy, backend };
}

function curl(proxy: TestHttpsProxy, host: string, path: string, ...extra: string[]) {
  return runCommand(
    'curl',
    ['-sS', '--max-time', '10', '--cacert', proxy.caPath, '--resolve', `${host}:${proxy.httpsPort}:127.0.0.1`, ...extra, `https://${host}:${proxy.httpsPort}${path}`],
    { env: envWithoutExtraCa() },
  );
}

test('curl --cacert --resolve gets a verified response over h2 and over HTTP/1.1', async (t) => {
  const { proxy, backend } = await setup(t);
  const h2 = await curl(proxy, 'app.test', '/hello?x=1', '--http2', '-w', '\n%{http_version} %{ssl_verify_result}');
  assert.equal(h2.code, 0, h2.stderr);
  const [json, meta] = h2.stdout.split('\n');
  assert.equal(meta, '2 0');
  assert.equal(JSON.parse(json!).url, '/hello?x=1');
  const seen = backend.seen.at(-1)!;
  assert.equal(header(seen.headers, 'x-forwarded-proto'), 'https');
  assert.equal(header(seen.headers, 'host'), `app.test:${proxy.httpsPort}`);
  assert.match(header(seen.headers, 'forwarded')!, /proto=https/);
  assert.equal(header(seen.headers, 'via'), '2 gatehouse');

  const h1 = await curl(proxy, 'app.test', '/one', '--http1.1', '-w', '\n%{http_version}');
  assert.equal(h1.code, 0, h1.stderr);
  assert.equal(h1.stdout.split('\n')[1], '1.1');
  assert.equal(header(backend.seen.at(-1)!.headers, 'via'), '1.1 gatehouse');

  // A wildcard route gets a certificate for the exact name asked for.
  const wild = await curl(proxy, 'deep.sub.wild.test', '/', '-o', '/dev/null', '-w', '%{http_code}');
  assert.equal(wild.stdout, '200', wild.stderr);
});

test('without the CA, curl refuses the certificate', async (t) => {
  const { proxy } = await setup(t);
  const r = await runCommand(
    'curl',
    ['-sS', '--max-time', '10', '--resolve', `app.test:${proxy.httpsPort}:127.0.0.1`, `https://app.test:${proxy.httpsPort}/`],
    { env: envWithoutExtraCa() },
  );
  assert.equal(r.code, 60, r.stderr);
  // The listener explains the rejection once, with the fix.
  for (let i = 0; i < 100 && !proxy.logger.lines.some((l) => /rejected the Gatehouse certificate/.test(l)); i++) {
    await new Promise((res) => setTimeout(res, 10));
  }
  assert.match(proxy.logger.lines.join('\n'), /warn: HTTPS: a client rejected the Gatehouse certificate.*gatehouse trust/);
});

test('HTTP/2 requests reach the HTTP/1.1 upstream with :authority as Host and cookies joined', async (t) => {
  const { proxy, backend } = await setup(t);
  const session = http2.connect(`https://127.0.0.1:${proxy.httpsPort}`, { ca: proxy.caPem, servername: 'app.test' });
  t.after(() => session.close());
  const stream = session.request({
    ':method': 'POST',
    ':path': '/h2?q=1',
    ':authority': `app.test:${proxy.httpsPort}`,
    cookie: ['a=1', 'b=2'],
    'content-type': 'text/plain',
  });
  stream.end('body over h2');
  const [status, body] = await new Promise<[number, string]>((resolve, reject) => {
    let text = '';
    let code = 0;
    stream.on('response', (h) => (code = Number(h[':status'])));
    stream.setEncoding('utf8').on('data', (d: string) => (text += d));
    stream.on('end', () => resolve([code, text]));
    stream.on('error', reject);
  });
  assert.equal(status, 200);
  assert.equal(JSON.parse(body).bodyBytes, 'body over h2'.length);
  const seen = backend.seen.at(-1)!;
  assert.equal(seen.httpVersion, '1.1');
  assert.equal(seen.method, 'POST');
  assert.equal(header(seen.headers, 'host'), `app.test:${proxy.httpsPort}`);
  assert.equal(header(seen.headers, 'cookie'), 'a=1; b=2');
  assert.ok(!seen.headers.some(([n]) => n.startsWith(':')), 'no pseudo-headers upstream');
});

test('a finished HTTP/2 exchange is recorded with the pseudo-headers the client sent and leaves the V8 heap', async (t) => {
  const { proxy } = await setup(t);
  const recorder = new Recorder();
  t.after(() => recorder.close());
  proxy.engine.setObserver(recorder);
  const session = http2.connect(`https://127.0.0.1:${proxy.httpsPort}`, { ca: proxy.caPem, servername: 'app.test' });
  t.after(() => session.close());
  const status = await new Promise<number>((resolve, reject) => {
    const stream = session.request({ ':path': '/frozen?h2=1', ':authority': `app.test:${proxy.httpsPort}` });
    let code = 0;
    stream.on('response', (h) => (code = Number(h[':status'])));
    stream.resume().on('end', () => resolve(code));
    stream.on('error', reject);
  });
  assert.equal(status, 200);
  const held = () => (recorder as unknown as { store: { all(): object[] } }).store.all();
  await waitFor(() => held().length === 1 && held()[0] instanceof FrozenExchange, 'the finished HTTP/2 exchange to be frozen (moved into the arena)');
  const x = recorder.all()[0]!;
  assert.equal(x.httpVersion, '2');
  assert.equal(x.state, 'complete');
  assert.deepEqual(
    x.headers.clientRequest.filter(([n]) => n.startsWith(':')).sort(([a], [b]) => a.localeCompare(b)),
    [
      [':authority', `app.test:${proxy.httpsPort}`],
      [':method', 'GET'],
      [':path', '/frozen?h2=1'],
      [':scheme', 'https'],
    ],
  );
});

test('names outside the suffixes, without a route, or with https:false get no certificate; logged once each', async (t) => {
  const { proxy } = await setup(t);
  for (let i = 0; i < 3; i++) {
    for (const host of ['evil.com', 'nothing.test', 'plain.test']) {
      const r = await curl(proxy, host, '/');
      assert.equal(r.code, 35, `${host}: ${r.stderr}`);
      // A TLS alert, as nginx's ssl_reject_handshake gives, not a connection cut off mid-handshake
      // ("unexpected eof", SSL_ERROR_SYSCALL): the client can tell it was refused.
      assert.match(r.stderr, /alert handshake failure/, `${host}: ${r.stderr}`);
    }
  }
  const warnings = proxy.logger.lines.filter((l) => l.startsWith('warn: TLS: no certificate'));
  assert.equal(warnings.length, 3, warnings.join('\n'));
  assert.ok(!proxy.logger.lines.some((l) => /without a server name/.test(l)), 'these clients sent a name: no SNI hint');
  assert.match(warnings.join('\n'), /"evil\.com"/);
  assert.match(warnings.join('\n'), /"nothing\.test": no enabled route/);
  assert.equal(proxy.leaves.stats.minted, 0);
});

test('a client without SNI (https://127.0.0.1:PORT) is told, once, to use a host name', async (t) => {
  const { proxy } = await setup(t);
  for (let i = 0; i < 3; i++) {
    const r = await runCommand('curl', ['-sS', '--max-time', '10', '-k', `https://127.0.0.1:${proxy.httpsPort}/`], { env: envWithoutExtraCa() });
    assert.notEqual(r.code, 0, 'no certificate without a server name');
  }
  for (let i = 0; i < 100 && !proxy.logger.lines.some((l) => /without a server name/.test(l)); i++) await new Promise((res) => setTimeout(res, 10));
  const hints = proxy.logger.lines.filter((l) => /without a server name \(SNI\)/.test(l));
  assert.equal(hints.length, 1, proxy.logger.lines.join('\n'));
  assert.match(hints[0]!, /^warn: HTTPS: a client connected without a server name \(SNI\), so no certificate could be chosen: connect by a route's host name/);
});

test('TLS 1.1 and below are refused', async (t) => {
  const { proxy } = await setup(t);
  const r = await curl(proxy, 'app.test', '/', '--tlsv1.0', '--tls-max', '1.1');
  assert.notEqual(r.code, 0);
});

test('plain HTTP to a route served over HTTPS redirects to the HTTPS port', async (t) => {
  const { proxy } = await setup(t);
  const r = await runCommand('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', '-H', 'Host: app.test', `http://127.0.0.1:${proxy.httpPort}/a?b=1`]);
  assert.equal(r.stdout, `308 https://app.test:${proxy.httpsPort}/a?b=1`);
  const plain = await runCommand('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: plain.test', `http://127.0.0.1:${proxy.httpPort}/`]);
  assert.equal(plain.stdout, '200');
});

test('the recorder sees scheme https with SNI, ALPN, version and cipher', async (t) => {
  const { proxy } = await setup(t);
  const starts: ExchangeStart[] = [];
  const observer: ExchangeObserver = { begin: (s) => (starts.push(s), NOOP_TAP) };
  proxy.engine.setObserver(observer);
  assert.equal((await curl(proxy, 'app.test', '/rec', '--http2')).code, 0);
  assert.equal((await curl(proxy, 'app.test', '/rec1', '--http1.1')).code, 0);
  assert.equal(starts.length, 2);
  assert.equal(starts[0]!.scheme, 'https');
  assert.equal(starts[0]!.httpVersion, '2');
  assert.equal(starts[0]!.tls?.sni, 'app.test');
  assert.equal(starts[0]!.tls?.alpn, 'h2');
  assert.match(starts[0]!.tls?.version ?? '', /^TLSv1\.[23]$/);
  assert.ok(starts[0]!.tls?.cipher);
  assert.equal(starts[1]!.tls?.alpn, 'http/1.1');
});

test('HTTPS sockets have Nagle off, as node:https sets by default and node:http2 does not', async (t) => {
  const { proxy } = await setup(t);
  // What the listener passes to net.Server (the effect, no delayed-ACK stall between a head and
  // a later body or HTTP/2 frame, is a timing matter for the benchmark).
  const servers = (proxy.listener as unknown as { servers: Array<{ noDelay?: boolean }> }).servers;
  assert.ok(servers.length > 0);
  for (const server of servers) assert.equal(server.noDelay, true);
  assert.equal((await curl(proxy, 'app.test', '/nodelay', '--http2')).code, 0);
});

test('h2load: a small bounded HTTP/2 run through the proxy succeeds completely', async (t) => {
  const { proxy, backend } = await setup(t);
  const r = await runCommand('h2load', ['-n', '200', '-c', '5', '-m', '4', `--connect-to=127.0.0.1:${proxy.httpsPort}`, `https://app.test:${proxy.httpsPort}/load`], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Application protocol: h2/);
  assert.match(r.stdout, /requests: 200 total, 200 started, 200 done, 200 succeeded, 0 failed, 0 errored, 0 timeout/);
  assert.match(r.stdout, /status codes: 200 2xx/);
  assert.equal(backend.seen.filter((s) => s.url === '/load').length, 200);
});
