import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { handleStreamsDirectly, H2Request, H2Response } from '../../main/engine/h2-stream';
import { waitFor } from '../support/wait-for';

/**
 * main/engine/h2-stream.ts on a real h2c server and node:http2 client: what H2Response sends,
 * and which requests handleStreamsDirectly leaves to node:http2's compat objects.
 */
describe('H2Request / H2Response on real HTTP/2 streams', () => {
  let server: http2.Http2Server;
  let session: http2.ClientHttp2Session;
  const viaCompat: string[] = [];
  const viaConnect: string[] = [];
  const outcomes = new Map<string, string>();

  before(async () => {
    server = http2.createServer((req, res) => {
      viaCompat.push(`${req.method} ${req.url} ${req instanceof http2.Http2ServerRequest}`);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('compat');
    });
    server.on('connect', (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
      viaConnect.push(`${req.method} ${req.authority}`);
      res.writeHead(200);
      res.end();
    });
    handleStreamsDirectly(server, (req, res) => {
      assert.ok(req instanceof H2Request && res instanceof H2Response);
      switch (req.url) {
        case '/sized': {
          res.writeHead(200, ['Content-Type', 'text/plain', 'Content-Length', '2', 'X-Multi', 'a', 'x-multi', 'b']);
          outcomes.set('/sized', `waits=${res.waitsForTrailers} trailersTaken=${res.addTrailers({ 'x-late': '1' })}`);
          res.end('ok');
          break;
        }
        case '/unsized': {
          res.writeHead(200, ['Content-Type', 'text/plain']);
          res.write('part,');
          outcomes.set('/unsized', `waits=${res.waitsForTrailers} trailersTaken=${res.addTrailers({ 'x-checksum': 'abc' })}`);
          res.end('end');
          break;
        }
        case '/after-reset': {
          req.on('close', () => {
            try {
              res.writeHead(200, ['Content-Length', '1']);
              const wrote = res.write('x');
              res.end();
              outcomes.set('/after-reset', `threw=false wrote=${wrote} ended=${res.writableEnded}`);
            } catch (err) {
              outcomes.set('/after-reset', `threw=${(err as Error).message}`);
            }
          });
          break;
        }
        default:
          res.writeHead(404, ['Content-Length', '0']);
          res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    session = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  after(async () => {
    session.close();
    await new Promise((resolve) => server.close(resolve));
  });

  function get(path: string, extra: http2.OutgoingHttpHeaders = {}): Promise<{ headers: http2.IncomingHttpHeaders; body: string; trailers: http2.IncomingHttpHeaders | undefined; rstCode: number | undefined }> {
    return new Promise((resolve, reject) => {
      const req = session.request({ ':path': path, ...extra });
      let headers: http2.IncomingHttpHeaders = {};
      let trailers: http2.IncomingHttpHeaders | undefined;
      let body = '';
      req.on('response', (h) => (headers = h));
      req.on('trailers', (t) => (trailers = t));
      req.setEncoding('utf8');
      req.on('data', (d) => (body += d));
      req.on('error', reject);
      req.on('close', () => resolve({ headers, body, trailers, rstCode: req.rstCode }));
    });
  }

  test('a response with Content-Length asks for no trailers and ends with its body; repeated names stay repeated', async () => {
    const r = await get('/sized');
    assert.equal(r.headers[':status'], 200);
    assert.equal(r.headers['content-length'], '2');
    assert.equal(r.headers['x-multi'], 'a, b');
    assert.equal(r.body, 'ok');
    assert.equal(r.trailers, undefined);
    assert.equal(r.rstCode, http2.constants.NGHTTP2_NO_ERROR);
    assert.equal(outcomes.get('/sized'), 'waits=false trailersTaken=false');
  });

  test('a response without Content-Length asks for trailers and delivers them after the body', async () => {
    const r = await get('/unsized');
    assert.equal(r.body, 'part,end');
    assert.equal(r.trailers?.['x-checksum'], 'abc');
    assert.equal(outcomes.get('/unsized'), 'waits=true trailersTaken=true');
  });

  test('a head written after the client reset the stream is dropped, not thrown', async () => {
    const req = session.request({ ':path': '/after-reset' });
    req.on('error', () => {});
    // The server's handler has the stream by then; it writes only once the reset arrived.
    setTimeout(() => req.close(http2.constants.NGHTTP2_CANCEL), 50);
    await waitFor(() => outcomes.has('/after-reset'), 'the handler wrote after the reset');
    assert.equal(outcomes.get('/after-reset'), 'threw=false wrote=false ended=true');
  });

  test('requests with Expect and CONNECT go to the compat objects; others never do', async () => {
    const plain = await get('/sized');
    assert.equal(plain.body, 'ok');
    assert.deepEqual(viaCompat, []);
    const expect = await new Promise<string>((resolve, reject) => {
      const req = session.request({ ':method': 'POST', ':path': '/upload', expect: '100-continue' });
      let body = '';
      req.on('continue', () => req.end('data'));
      req.setEncoding('utf8');
      req.on('data', (d) => (body += d));
      req.on('end', () => resolve(body));
      req.on('error', reject);
    });
    assert.equal(expect, 'compat');
    assert.deepEqual(viaCompat, ['POST /upload true']);
    await new Promise<void>((resolve, reject) => {
      const req = session.request({ ':method': 'CONNECT', ':authority': 'example.test:443' }, { endStream: false });
      req.on('response', () => {
        req.close();
        resolve();
      });
      req.on('error', reject);
    });
    assert.deepEqual(viaConnect, ['CONNECT example.test:443']);
  });

  test('handleStreamsDirectly needs the request listener first (it keeps the compat handler)', () => {
    const bare = http2.createServer();
    assert.throws(() => handleStreamsDirectly(bare, () => {}), /add the server's 'request' listener first/);
  });
});
