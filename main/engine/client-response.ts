import type * as http from 'node:http';
import type * as http2 from 'node:http2';
import type * as stream from 'node:stream';
import type { RawHeaders } from '../../shared/http-types';
import type { RenderedPage } from './error-pages';
import { flatFromPairs } from './incoming-request';
import type { Tap } from './safe-tap';

export type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;

export function isHttp2Response(res: AnyResponse): res is http2.Http2ServerResponse {
  return (res as http2.Http2ServerResponse).stream !== undefined;
}

/** Writes a response head, with a status text on HTTP/1.x only (HTTP/2 has none). */
export function writeHead(res: AnyResponse, status: number, statusText: string | undefined, headers: RawHeaders): void {
  const flat = flatFromPairs(headers);
  if (isHttp2Response(res)) {
    res.writeHead(status, flat as unknown as http2.OutgoingHttpHeaders);
  } else if (statusText) {
    res.writeHead(status, statusText, flat);
  } else {
    res.writeHead(status, flat);
  }
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
  tap.clientResponse(page.status, page.headers);
  if (page.body.length > 0) tap.responseBody(page.body);
  res.end(page.body);
  return true;
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
