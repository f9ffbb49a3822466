import type * as http from 'node:http';
import type * as http2 from 'node:http2';
import type * as stream from 'node:stream';
import type { RawHeaders } from '../../shared/http-types';
import { fitsHeadLine } from '../../shared/raw-headers';
import type { RenderedPage } from './error-pages';
import { H2Response } from './h2-stream';
import type { TapHeaders } from './exchange-observer';
import { flatFromPairs } from './incoming-request';
import type { Tap } from './safe-tap';

/** A response to a client: node:http's, node:http2's compat one (CONNECT, Expect), or an H2Response. */
export type AnyResponse = http.ServerResponse | http2.Http2ServerResponse | H2Response;

export function isHttp2Response(res: AnyResponse): res is http2.Http2ServerResponse | H2Response {
  return (res as http2.Http2ServerResponse | H2Response).stream !== undefined;
}

/** Writes a response head, with a status text on HTTP/1.x only (HTTP/2 has none). */
export function writeHead(res: AnyResponse, status: number, statusText: string | undefined, headers: RawHeaders): void {
  const flat = flatFromPairs(headers);
  if (res instanceof H2Response) {
    res.writeHead(status, flat);
  } else if (isHttp2Response(res)) {
    res.writeHead(status, flat as unknown as http2.OutgoingHttpHeaders);
  } else if (statusText) {
    res.writeHead(status, statusText, flat);
  } else {
    res.writeHead(status, flat);
  }
}

/**
 * The response head exactly as it went (or goes) on the wire to the client, after writeHead:
 * for HTTP/1 Node's serialised head (with the Date, Connection, Keep-Alive and
 * Transfer-Encoding it adds), as that string; for HTTP/2 the headers the stream sent,
 * lower case, without pseudo-headers, as a head block with an empty start line (pairs when
 * a value would not survive one). Falls back to what the engine passed when Node exposes
 * nothing. Only call when a recorder listens.
 */
export function headersOnWire(res: AnyResponse, passed: RawHeaders): TapHeaders {
  if (isHttp2Response(res)) {
    const sent = res.stream.sentHeaders as Record<string, string | string[] | number | undefined> | undefined;
    return sent ? h2HeadOnWire(sent) : passed;
  }
  const head = (res as unknown as { _header?: unknown })._header;
  return typeof head === 'string' ? head : passed;
}

/**
 * An HTTP/2 stream's sent headers (pseudo-headers left out) as a head block with an empty
 * start line, the form the recorder keeps: built in one pass over the object, with no pair
 * arrays on the way. Pairs instead when a value would not survive parseHeadBlock.
 */
function h2HeadOnWire(sent: Record<string, string | string[] | number | undefined>): TapHeaders {
  let head = '';
  for (const name of Object.keys(sent)) {
    if (name.charCodeAt(0) === 58 /* : */) continue;
    const value = sent[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v = String(value[i]);
        if (!fitsHeadLine(name, v)) return h2PairsOnWire(sent);
        head += `\r\n${name}: ${v}`;
      }
    } else {
      const v = String(value);
      if (!fitsHeadLine(name, v)) return h2PairsOnWire(sent);
      head += `\r\n${name}: ${v}`;
    }
  }
  return head;
}

function h2PairsOnWire(sent: Record<string, string | string[] | number | undefined>): RawHeaders {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(sent)) {
    if (name.startsWith(':') || value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.push([name, String(v)]);
    else out.push([name, String(value)]);
  }
  return out;
}

/** Sends one of the proxy's own pages (error, redirect) unless a response was already started. */
export function sendPage(res: AnyResponse, page: RenderedPage, tap: Tap): boolean {
  if (res.headersSent || res.writableEnded || res.destroyed) return false;
  try {
    writeHead(res, page.status, page.statusText, page.headers);
  } catch {
    res.destroy();
    return false;
  }
  tap.clientResponse(page.status, tap.active ? headersOnWire(res, page.headers) : page.headers);
  if (page.body.length > 0) tap.responseBody(page.body);
  res.end(page.body);
  return true;
}

/**
 * HTTP/2: once the response already written is complete on the wire (END_STREAM sent), resets the
 * stream with NO_ERROR — for a client that still owes request body bytes the proxy will not read.
 * Ending our side alone leaves the client's side open, so the stream never closes and a client
 * waiting for it waits for ever; RST_STREAM(NO_ERROR) after a complete response asks it to stop
 * sending without discarding the response (RFC 9113 §8.1).
 *
 * The compat response ends its stream through 'wantTrailers' → sendTrailers, which submits the
 * END_STREAM frame in a setImmediate; the reset is scheduled behind it (immediates run in order),
 * and Node flushes frames already submitted before an RST_STREAM (nghttp2 would send it first).
 */
export function resetWhenComplete(res: http2.Http2ServerResponse | H2Response): void {
  const stream = res.stream;
  if (stream.closed || stream.destroyed) return;
  const reset = (): void => {
    setImmediate(() => {
      if (!stream.closed && !stream.destroyed) stream.close(0 /* NGHTTP2_NO_ERROR */);
    });
  };
  if (res instanceof H2Response && !res.waitsForTrailers) {
    // No trailers step: the END_STREAM frame is queued once the writable side has finished.
    if (stream.writableFinished) reset();
    else stream.once('finish', reset);
    return;
  }
  stream.once('wantTrailers', reset);
}

/** Serialises a response head for a raw socket (upgrade requests and client errors). */
export function rawResponseHead(status: number, statusText: string, headers: RawHeaders): string {
  let head = `HTTP/1.1 ${status} ${statusText}\r\n`;
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  return `${head}\r\n`;
}

/** Sends a page on a raw socket and closes it. */
export function sendRawPage(socket: stream.Duplex, page: RenderedPage, tap?: Tap): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const headers: RawHeaders = page.headers.some(([n]) => n.toLowerCase() === 'connection')
    ? page.headers
    : [...page.headers, ['Connection', 'close']];
  tap?.clientResponse(page.status, headers);
  if (page.body.length > 0) tap?.responseBody(page.body);
  socket.end(Buffer.concat([Buffer.from(rawResponseHead(page.status, page.statusText, headers), 'latin1'), page.body]));
  // A client that never reads must not keep the socket open.
  const timer = setTimeout(() => socket.destroy(), 2_000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
