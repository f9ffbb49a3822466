// A bare HTTP/1.1 keep-alive client on Node's own llhttp parser (the legacy `_http_common`
// module, documentation-deprecated as DEP0199), for the benchmark only: the Node floor with
// it in place of undici ("Node floor, bare client") shows what undici itself costs per
// request on this machine.
//
// Not a product and not complete: one request at a time per connection, connections kept
// in a LIFO of idle ones (as many as requests in flight), no timeouts, no retries, no TLS,
// no request bodies (the benchmark's loads are GETs; a body is refused with an error). It does
// the per-request work an upstream client cannot skip: write the request head, parse the
// response head and body (Content-Length, chunked or until close), keep the connection for
// the next request when the response allows it, pause and resume with the client.

import * as net from 'node:net';

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  finish(): number | Error | undefined;
  [callback: number]: unknown;
}
interface HttpCommon {
  HTTPParser: {
    new (): LlhttpParser;
    RESPONSE: number;
    kOnHeaders: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HTTPParser } = require('_http_common') as HttpCommon;

/** The subset of undici's DispatchHandler the Node floor passes (raw headers as latin1 strings here). */
export interface BareHandler {
  onConnect?(abort: (err?: Error) => void): void;
  onHeaders?(status: number, rawHeaders: string[], resume: () => void, statusText: string): boolean;
  onData?(chunk: Buffer): boolean;
  onComplete?(trailers: string[] | null): void;
  onError?(err: Error): void;
}

export interface BareRequest {
  path: string;
  method: string;
  /** name, value, name, value… */
  headers: string[];
  body: unknown;
}

class BareConnection {
  readonly socket: net.Socket;
  private readonly parser = new HTTPParser();
  private handler: BareHandler | undefined;
  private head = false;
  private keepAlive = false;
  /** Header pairs llhttp flushed before the head was complete (more than 32 fields), then trailers. */
  private early: string[] = [];
  private headDone = false;

  constructor(
    private readonly pool: BareH1Pool,
    port: number,
    host: string,
  ) {
    this.socket = net.connect({ port, host, noDelay: true });
    this.parser.initialize(HTTPParser.RESPONSE, {}, 0, 0);
    this.parser[HTTPParser.kOnHeaders] = (fields: string[]) => {
      for (const f of fields) this.early.push(f);
    };
    this.parser[HTTPParser.kOnHeadersComplete] = (
      _major: number,
      _minor: number,
      fields: string[],
      _method: unknown,
      _url: unknown,
      status: number,
      statusText: string,
      _upgrade: boolean,
      keepAlive: boolean,
    ) => {
      const raw = this.early.length > 0 ? [...this.early, ...fields] : fields;
      this.early = [];
      // 1xx: no body, and the final response follows on the same connection.
      if (status < 200) return 1;
      this.headDone = true;
      this.keepAlive = keepAlive;
      this.handler?.onHeaders?.(status, raw, this.resume, statusText);
      return this.head ? 1 : 0; // 1: no body follows (the answer to a HEAD)
    };
    this.parser[HTTPParser.kOnBody] = (chunk: Buffer) => {
      if (this.handler?.onData?.(chunk) === false) this.socket.pause();
    };
    this.parser[HTTPParser.kOnMessageComplete] = () => {
      if (!this.headDone) return; // the end of a 1xx
      const h = this.handler;
      const trailers = this.early.length > 0 ? this.early : null;
      this.handler = undefined;
      this.early = [];
      this.headDone = false;
      // A last chunk the client could not take at once paused the socket: the next response must still be read.
      this.socket.resume();
      if (this.keepAlive) this.pool.release(this);
      else this.socket.end();
      h?.onComplete?.(trailers);
    };
    this.socket.on('data', (d: Buffer) => {
      const r = this.parser.execute(d);
      if (r instanceof Error) this.fail(r);
    });
    this.socket.on('end', () => {
      // A body delimited by the close ends here.
      const r = this.parser.finish();
      if (r instanceof Error) this.fail(r);
    });
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => {
      this.pool.forget(this);
      this.fail(new Error('the upstream closed the connection before the response was complete'));
    });
  }

  private readonly resume = (): void => {
    this.socket.resume();
  };

  send(req: BareRequest, handler: BareHandler): void {
    this.handler = handler;
    this.head = req.method === 'HEAD';
    handler.onConnect?.((err) => this.fail(err ?? new Error('aborted')));
    if (this.handler !== handler) return; // aborted in onConnect
    let text = `${req.method} ${req.path} HTTP/1.1\r\n`;
    const h = req.headers;
    for (let i = 0; i < h.length; i += 2) text += `${h[i]}: ${h[i + 1]}\r\n`;
    this.socket.write(`${text}\r\n`, 'latin1');
  }

  private fail(err: Error): void {
    const h = this.handler;
    this.handler = undefined;
    this.socket.destroy();
    h?.onError?.(err);
  }
}

/** Connections to one upstream: the most recently freed idle one first, a new one when none is idle. */
export class BareH1Pool {
  private readonly idle: BareConnection[] = [];

  constructor(
    private readonly port: number,
    private readonly host = '127.0.0.1',
  ) {}

  dispatch(req: BareRequest, handler: BareHandler): boolean {
    if (req.body != null) {
      handler.onError?.(new Error('the bare client sends no request bodies'));
      return true;
    }
    let c = this.idle.pop();
    while (c && c.socket.destroyed) c = this.idle.pop();
    (c ?? new BareConnection(this, this.port, this.host)).send(req, handler);
    return true;
  }

  release(c: BareConnection): void {
    this.idle.push(c);
  }

  forget(c: BareConnection): void {
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
  }
}
