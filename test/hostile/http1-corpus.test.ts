import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { header, startBackend, type Backend } from '../support/backends';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { rawExchange } from '../support/raw-http';

/**
 * A hostile HTTP/1.1 corpus, byte-exact over raw sockets, complementing the 20
 * cases in test/integration/proxy-malformed.test.ts (none repeated here).
 *
 * Every payload is followed by a pipelined `GET /smuggled`. A "reject" case must
 * be answered by the proxy (one of `status`) and no complete request may reach the
 * backend except the ones listed in `allow` (a valid request pipelined before the
 * bad one). A body streamed before a framing error was found may reach the backend
 * partially, but never complete. An "accept" case is legal HTTP and must arrive at
 * the backend re-framed exactly as `forwarded` says.
 */
const FOLLOW_UP = 'GET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n';
const H = 'Host: app.test\r\n';
const TE = 'Transfer-Encoding: chunked\r\n';

interface RejectCase { kind: 'reject'; name: string; payload: string; status: number[]; allow?: string[]; todo?: string; answeredFirst?: boolean }
interface AcceptCase { kind: 'accept'; name: string; payload: string; forwarded: Array<{ method: string; url: string; bodyBytes: number }>; check?: (b: Backend) => void }
type Case = RejectCase | AcceptCase;

const r = (name: string, payload: string, status: number[] = [400], extra: Partial<RejectCase> = {}): RejectCase => ({ kind: 'reject', name, payload, status, ...extra });

const CASES: Case[] = [
  // Content-Length
  r('signed Content-Length (+5)', `POST / HTTP/1.1\r\n${H}Content-Length: +5\r\n\r\nhello`),
  r('signed Content-Length (-5)', `POST / HTTP/1.1\r\n${H}Content-Length: -5\r\n\r\nhello`),
  r('hex Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: 0x5\r\n\r\nhello`),
  r('Content-Length with trailing junk', `POST / HTTP/1.1\r\n${H}Content-Length: 5a\r\n\r\nhello`),
  r('Content-Length with an inner space', `POST / HTTP/1.1\r\n${H}Content-Length: 5 5\r\n\r\nhello`),
  r('Content-Length overflowing 64 bits', `POST / HTTP/1.1\r\n${H}Content-Length: 99999999999999999999999\r\n\r\nhello`),
  r('empty Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: \r\n\r\nhello`),
  r('Content-Length shorter than the bytes sent (rest is a bad request)', `POST / HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nhelloGARBAGE\r\n\r\n`, [400], { allow: ['/'] }),
  // Transfer-Encoding
  r('Transfer-Encoding: chunked, chunked', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n`),
  r('Transfer-Encoding twice, identity last', `POST / HTTP/1.1\r\n${H}${TE}Transfer-Encoding: identity\r\n\r\n0\r\n\r\n`),
  r('Transfer-Encoding: identity', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: identity\r\n\r\n0\r\n\r\n`),
  r('Transfer-Encoding with a vertical tab', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: \x0bchunked\r\n\r\n0\r\n\r\n`),
  r('Transfer-Encoding plus Content-Length: 0', `POST / HTTP/1.1\r\n${H}${TE}Content-Length: 0\r\n\r\n0\r\n\r\n`),
  r('HTTP/1.0 with Transfer-Encoding and Content-Length', `POST / HTTP/1.0\r\n${H}${TE}Content-Length: 3\r\n\r\n5\r\nhello\r\n0\r\n\r\n`),
  r('HTTP/1.0 with Transfer-Encoding: chunked (RFC 9112 §6.1: faulty framing)', `POST / HTTP/1.0\r\n${H}${TE}\r\n5\r\nhello\r\n0\r\n\r\n`, [400]),
  r('Transfer-Encoding: gzip, chunked (unknown coding: 501)', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`, [501, 400]),
  // chunked bodies
  r('chunk size overflowing 64 bits', `POST / HTTP/1.1\r\n${H}${TE}\r\nfffffffffffffffffff\r\nhello\r\n0\r\n\r\n`),
  r('negative chunk size', `POST / HTTP/1.1\r\n${H}${TE}\r\n-5\r\nhello\r\n0\r\n\r\n`),
  r('chunk data without its CRLF', `POST / HTTP/1.1\r\n${H}${TE}\r\n5\r\nhelloXX0\r\n\r\n`),
  r('bare CR in a chunk extension', `POST / HTTP/1.1\r\n${H}${TE}\r\n5;a\rb\r\nhello\r\n0\r\n\r\n`),
  r('space after the chunk size', `POST / HTTP/1.1\r\n${H}${TE}\r\n5 \r\nhello\r\n0\r\n\r\n`),
  r('bare LF after the chunk size', `POST / HTTP/1.1\r\n${H}${TE}\r\n5\nhello\r\n0\r\n\r\n`),
  r('Content-Length smuggled in a trailer', `POST / HTTP/1.1\r\n${H}${TE}\r\n0\r\nContent-Length: 50\r\n\r\n`),
  // names, values, control bytes
  r('NUL in a header name', `GET / HTTP/1.1\r\n${H}X-\x00A: b\r\n\r\n`),
  r('DEL in a header value', `GET / HTTP/1.1\r\n${H}X-A: a\x7fb\r\n\r\n`),
  r('ESC in a header value', `GET / HTTP/1.1\r\n${H}X-A: a\x1bb\r\n\r\n`),
  r('bare LF inside a header value', `GET / HTTP/1.1\r\n${H}X-A: a\nb: c\r\n\r\n`),
  r('bare CR in the request line', `GET /\r HTTP/1.1\r\n${H}\r\n`),
  r('header line without a colon', `GET / HTTP/1.1\r\n${H}NoColon\r\n\r\n`),
  r('whitespace before the first header', `GET / HTTP/1.1\r\n ${H}\r\n`),
  r('empty header name', `GET / HTTP/1.1\r\n${H}: x\r\n\r\n`),
  // request line and targets
  r('authority-form target on GET', `GET app.test:80 HTTP/1.1\r\n${H}\r\n`),
  r('CONNECT (authority-form)', `CONNECT app.test:443 HTTP/1.1\r\n${H}\r\n`, [400, 405]),
  r('asterisk-form OPTIONS', `OPTIONS * HTTP/1.1\r\n${H}\r\n`),
  r('asterisk-form GET', `GET * HTTP/1.1\r\n${H}\r\n`),
  r('absolute-form with an ftp scheme', `GET ftp://app.test/x HTTP/1.1\r\n${H}\r\n`),
  r('HTTP/0.9 request', 'GET /\r\n\r\n'),
  r('HTTP/2 preface on the HTTP/1.1 port', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  r('lower-case method', `get / HTTP/1.1\r\n${H}\r\n`),
  r('unknown method', `FOO / HTTP/1.1\r\n${H}\r\n`),
  r('tab in the request line', `GET\t/ HTTP/1.1\r\n${H}\r\n`),
  r('request line over 64 kB', `GET /${'a'.repeat(70_000)} HTTP/1.1\r\n${H}\r\n`, [414, 431, 400]),
  r('3,000 header fields', `GET / HTTP/1.1\r\n${H}${Array.from({ length: 3000 }, (_, i) => `X-${i}: v\r\n`).join('')}\r\n`, [431, 400]),
  r('20 kB header name', `GET / HTTP/1.1\r\n${H}X-${'n'.repeat(20_000)}: v\r\n\r\n`, [431, 400]),
  // Host oddities the proxy answers itself (no route), connection stays usable
  r('Host with userinfo', 'GET / HTTP/1.1\r\nHost: evil@app.test\r\n\r\n', [400, 404], { allow: ['/smuggled'], answeredFirst: true }),
  r('Host with a path', 'GET / HTTP/1.1\r\nHost: app.test/evil\r\n\r\n', [400, 404], { allow: ['/smuggled'], answeredFirst: true }),
  r('Host with a space', 'GET / HTTP/1.1\r\nHost: app .test\r\n\r\n', [400, 404], { allow: ['/smuggled'], answeredFirst: true }),
  r('empty Host', 'GET / HTTP/1.1\r\nHost: \r\n\r\n', [400, 404], { allow: ['/smuggled'], answeredFirst: true }),
  r('unknown Expect', `POST / HTTP/1.1\r\n${H}Expect: 100-evil\r\nContent-Length: 5\r\n\r\nhello`, [417], { allow: ['/smuggled'], answeredFirst: true }),
  // pipelining
  r('valid request pipelined before a CL.TE conflict', `GET /first HTTP/1.1\r\n${H}\r\nPOST / HTTP/1.1\r\n${H}Content-Length: 5\r\n${TE}\r\n0\r\n\r\n`, [200, 400], { allow: ['/first'] }),
  r('three valid requests then bare LF', `GET /1 HTTP/1.1\r\n${H}\r\nGET /2 HTTP/1.1\r\n${H}\r\nGET /3 HTTP/1.1\r\n${H}\r\nGET /4 HTTP/1.1\nHost: app.test\n\n`, [200, 400], { allow: ['/1', '/2', '/3'] }),
  // legal but unusual: must be forwarded re-framed, never ambiguous
  { kind: 'accept', name: 'Content-Length with leading zeros', payload: `POST / HTTP/1.1\r\n${H}Content-Length: 005\r\n\r\nhello`, forwarded: [{ method: 'POST', url: '/', bodyBytes: 5 }, { method: 'GET', url: '/smuggled', bodyBytes: 0 }] },
  { kind: 'accept', name: 'tab before chunked (OWS)', payload: `POST / HTTP/1.1\r\n${H}Transfer-Encoding:\tchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`, forwarded: [{ method: 'POST', url: '/', bodyBytes: 5 }, { method: 'GET', url: '/smuggled', bodyBytes: 0 }] },
  { kind: 'accept', name: 'absolute-form for another host uses that host (404 here)', payload: `GET http://evil.test/ HTTP/1.1\r\n${H}\r\n`, forwarded: [{ method: 'GET', url: '/smuggled', bodyBytes: 0 }] },
  { kind: 'accept', name: 'absolute-form with userinfo', payload: 'GET http://user@app.test/ HTTP/1.1\r\nHost: app.test\r\n\r\n', forwarded: [{ method: 'GET', url: '/smuggled', bodyBytes: 0 }] },
  {
    kind: 'accept',
    name: 'Connection naming Host and X-Forwarded-For does not strip them',
    payload: `GET /c HTTP/1.1\r\n${H}Connection: host, x-forwarded-for\r\n\r\n`,
    forwarded: [{ method: 'GET', url: '/c', bodyBytes: 0 }, { method: 'GET', url: '/smuggled', bodyBytes: 0 }],
    check: (b) => {
      const seen = b.seen.find((s) => s.url === '/c')!;
      assert.equal(header(seen.headers, 'host'), 'app.test');
      assert.equal(header(seen.headers, 'x-forwarded-for'), '127.0.0.1');
    },
  },
];

describe('hostile HTTP/1.1 corpus', () => {
  let backend: Backend;
  let proxy: TestProxy;
  let tried = 0;
  const leaked: string[] = [];

  before(async () => {
    backend = await startBackend(undefined, { name: 'corpus' });
    proxy = await startProxy({ routes: [{ host: 'app.test', target: backend.url }] });
  });

  after(async () => {
    await proxy.close();
    await backend.close();
    console.log(`hostile corpus: ${tried} tried, ${leaked.length} reached the backend when they should not have${leaked.length ? ` (${leaked.join('; ')})` : ''}`);
  });

  for (const c of CASES) {
    const opts = c.kind === 'reject' && c.todo ? { todo: c.todo } : {};
    test(c.name, opts, async () => {
      const from = backend.seen.length;
      const res = await rawExchange(proxy.port, c.payload + FOLLOW_UP, { waitMs: 2_000 });
      await sleep(50); // let the backend's parser finish what it was given
      const seen = backend.seen.slice(from);
      const statuses = (res.text.match(/^HTTP\/1\.1 (\d{3})/gm) ?? []).map((s) => Number(s.slice(9)));
      if (c.kind === 'reject') {
        if (!c.todo) tried++;
        const allowed = c.allow ?? [];
        const bad = seen.filter((s) => s.complete && !allowed.includes(s.url));
        if (bad.length && !c.todo) leaked.push(c.name);
        assert.deepEqual(bad.map((s) => `${s.method} ${s.url}`), [], 'nothing ambiguous reached the backend');
        const answer = c.answeredFirst ? statuses[0] : statuses[statuses.length - 1];
        assert.ok(answer !== undefined && c.status.includes(answer), `answered ${c.status.join('/')}, got ${statuses.join(',')}: ${res.text.slice(0, 200)}`);
        if (c.answeredFirst) assert.equal(statuses[1], 200, 'the connection stays usable: the pipelined request is served');
        else assert.equal(res.closed, true, 'the connection is closed after a framing error');
      } else {
        tried++;
        assert.deepEqual(seen.map((s) => ({ method: s.method, url: s.url, bodyBytes: s.bodyBytes })), c.forwarded);
        assert.ok(seen.every((s) => s.complete), 'each forwarded request is complete');
        c.check?.(backend);
      }
    });
  }

  test('the proxy still serves normal requests after the corpus', async () => {
    const res = await proxy.text('app.test', '/after');
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).url, '/after');
  });
});
