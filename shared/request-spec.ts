/**
 * The concrete request to resend or to turn into code, built from a recorded
 * exchange plus optional edits. Pure: shared by replay, curl and fetch generation.
 */
import type { RawHeaders } from './http-types';
import type { Exchange } from './exchange-types';
import type { BodyInput, RequestEdit } from './api-contract';
import { base64ToBytes, utf8Encode } from './base64';
import { headerValue, withoutHeaders, withoutPseudoHeaders } from './raw-headers';

export interface RequestSpec {
  method: string;
  /** Absolute URL. */
  url: string;
  /** Headers to send, without Content-Length / Transfer-Encoding (the sender computes framing). */
  headers: RawHeaders;
  body: Uint8Array;
  warnings: string[];
}

/** Framing headers are recomputed by whoever sends the request. */
export const FRAMING_HEADERS: readonly string[] = ['content-length', 'transfer-encoding'];

export function bodyFromInput(input: BodyInput): Uint8Array {
  return 'text' in input ? utf8Encode(input.text) : base64ToBytes(input.base64);
}

function originOf(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)/i.exec(url);
  if (!m) throw new Error(`not an absolute URL: ${url}`);
  return m[1]!;
}

function isAbsolute(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
}

/** Path and query of an absolute URL ("http://a/b?c" -> "/b?c"). */
export function pathOf(url: string): string {
  const rest = url.slice(originOf(url).length);
  const noFragment = rest.split('#')[0]!;
  return noFragment === '' ? '/' : noFragment.startsWith('?') ? `/${noFragment}` : noFragment;
}

export type RequestDestination = 'proxy' | 'upstream';

/**
 * proxy: scheme://<Host as the client sent it><url>, client request headers.
 * upstream: <target origin><forwarded path>, forwarded headers.
 */
export function requestSpecOf(x: Exchange, edit: RequestEdit = {}, to: RequestDestination = 'proxy'): RequestSpec {
  const warnings: string[] = [];
  let method: string;
  let url: string;
  let headers: RawHeaders;
  if (to === 'upstream') {
    if (!x.target || !x.headers.forwardedRequest) {
      throw new Error(`exchange ${x.id} was never forwarded upstream, so there is no upstream request to use`);
    }
    method = x.forwardedMethod ?? x.method;
    url = x.target.startsWith('unix:') ? `http://localhost${x.forwardedPath ?? x.url}` : originOf(x.target) + (x.forwardedPath ?? x.url);
    if (x.target.startsWith('unix:')) warnings.push(`the upstream is a unix socket (${x.target}); use curl --unix-socket`);
    headers = x.headers.forwardedRequest;
  } else {
    method = x.method;
    const host = headerValue(x.headers.clientRequest, 'host') ?? headerValue(x.headers.clientRequest, ':authority') ?? x.host;
    url = isAbsolute(x.url) ? x.url : `${x.scheme}://${host}${x.url.startsWith('/') ? '' : '/'}${x.url}`;
    headers = x.headers.clientRequest;
  }
  if (edit.method) method = edit.method;
  if (edit.url) url = isAbsolute(edit.url) ? edit.url : originOf(url) + (edit.url.startsWith('/') ? '' : '/') + edit.url;
  headers = withoutHeaders(withoutPseudoHeaders(edit.headers ?? headers), FRAMING_HEADERS);
  let body: Uint8Array;
  if (edit.body) body = bodyFromInput(edit.body);
  else {
    body = base64ToBytes(x.requestBody.captured);
    if (x.requestBody.truncated) {
      warnings.push(`the recorded request body was truncated: only ${body.length} of ${x.requestBody.size} bytes are sent`);
    }
  }
  if (x.websocket) warnings.push('this was a WebSocket exchange; only its opening handshake request is reproduced');
  return { method, url, headers, body, warnings };
}
