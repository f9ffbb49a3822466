/**
 * HTTP/2 requests taken straight from node:http2's core 'stream' event, without the
 * compatibility layer (Http2ServerRequest / Http2ServerResponse).
 *
 * The compat layer wraps every stream in a Readable and a response object, re-validates
 * every header, and always asks for trailers, so every response ends with an extra
 * trailers step scheduled through setImmediate. Measured on the proxy path (pinned, CPU per
 * request with h2load -c50 -m10, recording on) that was about a third of the engine's CPU
 * on HTTP/2. H2Request and H2Response offer the part of the node:http request/response
 * surface the engine uses, directly on the stream:
 *
 * - the request reads its body from the stream itself (a Duplex whose readable side is the
 *   body); it never buffers or consumes it on its own;
 * - the response builds one header object per response and calls stream.respond();
 *   trailers are asked for only when the response can carry any: a response with a
 *   Content-Length (every error page, static file, cached or fixed-length upstream body)
 *   cannot have HTTP/1.1 trailers upstream, so it ends with its last DATA frame.
 *
 * CONNECT (WebSocket over HTTP/2) and requests with Expect still go through the compat
 * layer (https-listener.ts): they are rare, and Node's handling of them is kept as is.
 */
import type * as http2 from 'node:http2';
import type * as tls from 'node:tls';

const noop = (): void => undefined;
type Listener = (...args: any[]) => void;

/** What H2Request and H2Response share: events and destroy go to the stream itself. */
abstract class OnStream {
  constructor(readonly stream: http2.ServerHttp2Stream) {}

  on(event: string, fn: Listener): this {
    this.stream.on(event, fn as (...args: unknown[]) => void);
    return this;
  }

  once(event: string, fn: Listener): this {
    this.stream.once(event, fn as (...args: unknown[]) => void);
    return this;
  }

  off(event: string, fn: Listener): this {
    this.stream.off(event, fn as (...args: unknown[]) => void);
    return this;
  }

  destroy(err?: Error): this {
    this.stream.destroy(err);
    return this;
  }
}

/** An HTTP/2 request as the engine reads it: the stream and its head. */
export class H2Request extends OnStream {
  readonly httpVersion = '2.0';
  readonly httpVersionMajor = 2;
  readonly httpVersionMinor = 0;
  readonly method: string;
  readonly url: string;
  readonly authority: string;
  /** The request's trailing HEADERS (flattened name/value pairs), once they arrived. */
  rawTrailers: string[] | undefined;

  constructor(
    stream: http2.ServerHttp2Stream,
    readonly headers: http2.IncomingHttpHeaders,
    readonly rawHeaders: string[],
  ) {
    super(stream);
    this.method = (headers[':method'] as string | undefined) ?? 'GET';
    this.url = (headers[':path'] as string | undefined) ?? '/';
    this.authority = (headers[':authority'] as string | undefined) ?? '';
    // A stream error (a reset by the client) must not become an uncaught 'error'; 'close' reports it.
    stream.on('error', noop);
    if (!stream.endAfterHeaders) {
      stream.once('trailers', (_t: unknown, _f: unknown, raw?: string[]) => {
        this.rawTrailers = raw;
      });
    }
  }

  get socket(): tls.TLSSocket {
    return this.stream.session?.socket as tls.TLSSocket;
  }

  get readableEnded(): boolean {
    return this.stream.readableEnded;
  }

  pause(): this {
    this.stream.pause();
    return this;
  }

  resume(): this {
    this.stream.resume();
    return this;
  }
}

/** The response to an H2Request, written straight onto its stream. */
export class H2Response extends OnStream {
  statusCode = 200;
  writableEnded = false;
  /** True when the stream was opened with waitForTrailers: it ends with a trailers step. */
  waitsForTrailers = false;
  private trailers: Record<string, string | string[]> | undefined;

  constructor(
    stream: http2.ServerHttp2Stream,
    readonly req: H2Request,
  ) {
    super(stream);
  }

  get headersSent(): boolean {
    return this.stream.headersSent;
  }

  get destroyed(): boolean {
    return this.stream.destroyed;
  }

  get writableNeedDrain(): boolean {
    return this.stream.writableNeedDrain;
  }

  /**
   * Sends the head: `flat` is name, value, name, value… as the engine builds them (any case;
   * repeated names are sent as repeated fields). Throws like stream.respond on headers
   * HTTP/2 forbids (connection-specific ones) or values it cannot carry.
   */
  writeHead(status: number, flat?: readonly string[]): this {
    this.statusCode = status;
    // As node:http2's compat response does: a stream the client already reset takes no head.
    if (this.stream.destroyed || this.stream.closed) return this;
    const headers: Record<string, string | string[] | number> = { ':status': status };
    let sized = false;
    if (flat) {
      for (let i = 0; i < flat.length; i += 2) {
        const name = flat[i]!.toLowerCase();
        const value = flat[i + 1]!;
        if (name === 'content-length') sized = true;
        const prev = headers[name];
        if (prev === undefined) headers[name] = value;
        else if (Array.isArray(prev)) prev.push(value);
        else headers[name] = [String(prev), value];
      }
    }
    const bodiless = (this.stream as { headRequest?: boolean }).headRequest === true || status === 204 || status === 205 || status === 304;
    this.waitsForTrailers = !sized && !bodiless;
    // Only a response that asked for trailers gets the event; the others need no listener.
    if (this.waitsForTrailers) this.stream.once('wantTrailers', () => this.sendTrailers());
    this.stream.respond(headers as http2.OutgoingHttpHeaders, { waitForTrailers: this.waitsForTrailers });
    return this;
  }

  /** 103 Early Hints (RFC 8297) before the final response. */
  writeEarlyHints(hints: Record<string, string | string[]>): void {
    if (this.stream.headersSent || this.stream.destroyed) return;
    this.stream.additionalHeaders({ ...hints, ':status': 103 } as http2.OutgoingHttpHeaders);
  }

  write(chunk: Buffer | string): boolean {
    if (!this.stream.headersSent) this.writeHead(this.statusCode);
    if (this.writableEnded || this.stream.destroyed || this.stream.writableEnded) return false;
    return this.stream.write(chunk);
  }

  end(callback?: () => void): this;
  end(data: string | Uint8Array, callback?: () => void): this;
  end(data: string | Uint8Array, encoding: BufferEncoding, callback?: () => void): this;
  end(chunk?: string | Uint8Array | (() => void)): this {
    if (this.writableEnded) return this;
    if (!this.stream.headersSent && !this.stream.destroyed) this.writeHead(this.statusCode);
    this.writableEnded = true;
    if (this.stream.destroyed || this.stream.writableEnded) return this;
    if (chunk !== undefined && typeof chunk !== 'function' && chunk.length > 0) this.stream.end(chunk);
    else this.stream.end();
    return this;
  }

  /**
   * Trailers to send after the body. Only a response without Content-Length asked for them
   * (see writeHead); on any other they cannot be sent and are dropped (returns false).
   */
  addTrailers(t: Record<string, string | string[]>): boolean {
    if (!this.waitsForTrailers) return false;
    this.trailers = { ...this.trailers, ...t };
    return true;
  }

  private sendTrailers(): void {
    const stream = this.stream;
    if (stream.destroyed || stream.closed) return;
    try {
      stream.sendTrailers(this.trailers ?? {});
    } catch {
      stream.close(2 /* NGHTTP2_INTERNAL_ERROR: trailers HTTP/2 cannot carry */);
    }
  }

  /**
   * Ends the response as incomplete: RST_STREAM(INTERNAL_ERROR), after what was already
   * written. stream.close(2) would not do on a response that asked for no trailers: its data
   * source would first end the stream (END_STREAM), and a client holding a Content-Length
   * would then report a PROTOCOL_ERROR of its own instead of the reset.
   */
  abort(): void {
    if (!this.stream.destroyed) this.stream.destroy(new Error('the response was aborted'));
  }
}

/**
 * Makes `server` hand its HTTP/2 streams to `handle` as H2Request/H2Response instead of
 * node:http2's compat objects. Call it after the server's 'request' listener was added
 * (that is what attaches the compat handler): CONNECT requests and requests with Expect are
 * still passed to the compat handler, which emits 'connect' or answers 100-continue / 417
 * and emits 'request' as Node does. HTTP/1.1 requests (allowHTTP1) never pass through here.
 */
export function handleStreamsDirectly(
  server: http2.Http2Server | http2.Http2SecureServer,
  handle: (req: H2Request, res: H2Response) => void,
): void {
  const compat = server.listeners('stream') as Array<(...args: unknown[]) => void>;
  if (compat.length === 0) throw new Error("handleStreamsDirectly: add the server's 'request' listener first");
  server.removeAllListeners('stream');
  server.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, flags: number, rawHeaders: string[]) => {
    if (headers[':method'] === 'CONNECT' || headers.expect !== undefined) {
      for (const listener of compat) listener.call(server, stream, headers, flags, rawHeaders);
      return;
    }
    const req = new H2Request(stream, headers, rawHeaders);
    handle(req, new H2Response(stream, req));
  });
}
