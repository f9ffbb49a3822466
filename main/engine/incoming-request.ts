import type * as http from 'node:http';
import type * as http2 from 'node:http2';
import type { HttpVersion, RawHeaders } from '../../shared/http-types';
import { normalizeClientAddress } from './address-matcher';
import type { ErrorInfo } from './error-pages';
import type { H2Request } from './h2-stream';

/**
 * What the engine needs from a client request, the same for HTTP/1.x and for
 * HTTP/2 compat requests: raw header pairs as received, the host it was sent
 * to, the path, and whether a body follows.
 */
export interface IncomingHead {
  method: string;
  /** Path and query (origin form), also for absolute-form HTTP/1.1 request targets. */
  url: string;
  /** Host as the client sent it: absolute-form authority, else Host, else :authority. */
  host: string;
  rawHeaders: RawHeaders;
  httpVersion: HttpVersion;
  clientAddress: string;
  clientPort: number;
  hasBody: boolean;
  accept: string | undefined;
  /** The request target was absolute-form: its authority replaces the Host header (RFC 9112 §3.2.2). */
  absoluteForm: boolean;
}

/** A client's request: node:http's, node:http2's compat one (CONNECT, Expect), or an H2Request. */
export type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest | H2Request;

export function isHttp2Request(req: AnyRequest): req is http2.Http2ServerRequest | H2Request {
  return (req as http2.Http2ServerRequest | H2Request).stream !== undefined && req.httpVersionMajor === 2;
}

export function pairsFromFlat(flat: readonly string[]): RawHeaders {
  const out: RawHeaders = new Array(flat.length >> 1);
  for (let i = 0, j = 0; i < flat.length; i += 2, j++) out[j] = [flat[i]!, flat[i + 1]!];
  return out;
}

export function flatFromPairs(pairs: RawHeaders): string[] {
  const out: string[] = new Array(pairs.length * 2);
  for (let i = 0, j = 0; i < pairs.length; i++, j += 2) {
    out[j] = pairs[i]![0];
    out[j + 1] = pairs[i]![1];
  }
  return out;
}

const ABSOLUTE_FORM = /^https?:\/\/([^/?#]*)([^#]*)/i;

export type IncomingResult = { ok: true; head: IncomingHead } | { ok: false; error: ErrorInfo; head: IncomingHead };

export function readIncoming(req: AnyRequest): IncomingResult {
  const h2 = isHttp2Request(req);
  const rawHeaders = pairsFromFlat(req.rawHeaders);
  const socket = req.socket;
  let hostHeader: string | undefined;
  let hostCount = 0;
  let accept: string | undefined;
  let contentLength: string | undefined;
  let chunked = false;
  let transferEncoding: string | undefined;
  for (const [name, value] of rawHeaders) {
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === 'host') {
          hostCount++;
          hostHeader ??= value;
        }
        break;
      case 6:
        if (accept === undefined && name.toLowerCase() === 'accept') accept = value;
        break;
      case 14:
        if (name.toLowerCase() === 'content-length') contentLength = value;
        break;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') {
          chunked = true;
          transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
        }
        break;
      default:
        break;
    }
  }
  let url = req.url ?? '/';
  let host = hostHeader ?? '';
  let absoluteForm = false;
  if (h2) host = (req as http2.Http2ServerRequest | H2Request).authority || host;
  if (url.charCodeAt(0) !== 47 /* / */) {
    const m = ABSOLUTE_FORM.exec(url);
    if (m) {
      host = m[1]!;
      url = m[2] || '/';
      absoluteForm = true;
    }
  }
  const hasBody = h2
    ? !(req as http2.Http2ServerRequest | H2Request).stream.endAfterHeaders
    : chunked || (contentLength !== undefined && contentLength !== '0');
  const head: IncomingHead = {
    method: req.method ?? 'GET',
    url,
    host,
    rawHeaders,
    httpVersion: h2 ? '2' : req.httpVersion === '1.0' ? '1.0' : '1.1',
    clientAddress: normalizeClientAddress(socket?.remoteAddress),
    clientPort: socket?.remotePort ?? 0,
    hasBody,
    accept,
    absoluteForm,
  };
  if (!h2 && head.httpVersion === '1.1' && hostCount === 0) {
    return { ok: false, head, error: { status: 400, code: 'BAD_REQUEST', message: 'an HTTP/1.1 request needs a Host header' } };
  }
  if (hostCount > 1) {
    return { ok: false, head, error: { status: 400, code: 'BAD_REQUEST', message: 'the request has more than one Host header' } };
  }
  if (url.charCodeAt(0) !== 47) {
    return { ok: false, head, error: { status: 400, code: 'BAD_REQUEST', message: `unsupported request target "${url.slice(0, 100)}"` } };
  }
  if (!h2 && transferEncoding !== undefined) {
    // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 is faulty framing; codings other than chunked are not implemented.
    if (head.httpVersion === '1.0') {
      return { ok: false, head, error: { status: 400, code: 'BAD_REQUEST', message: 'an HTTP/1.0 request cannot use Transfer-Encoding — send Content-Length, or use HTTP/1.1' } };
    }
    const codings = transferEncoding.toLowerCase().split(',').map((c) => c.trim());
    if (codings.at(-1) !== 'chunked') {
      // Without chunked last the body's length cannot be known (RFC 9112 §6.3).
      return { ok: false, head, error: { status: 400, code: 'BAD_REQUEST', message: `Transfer-Encoding "${transferEncoding.slice(0, 100)}" does not end in chunked: the body's length cannot be determined` } };
    }
    if (codings.length !== 1) {
      return {
        ok: false,
        head,
        error: { status: 501, code: 'NOT_IMPLEMENTED', message: `Transfer-Encoding "${transferEncoding.slice(0, 100)}" is not supported — send the body with plain chunked or Content-Length` },
      };
    }
  }
  if (head.method === 'CONNECT') {
    return { ok: false, head, error: { status: 400, code: 'BAD_REQUEST', message: 'Gatehouse is a reverse proxy, not a forward proxy: CONNECT is not supported' } };
  }
  return { ok: true, head };
}
