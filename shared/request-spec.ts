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
  /**
   * The request is a WebSocket opening handshake in its HTTP/1.1 form (GET with
   * Connection: Upgrade): it only works over HTTP/1.1, so code that sends it
   * must not let the client negotiate HTTP/2.
   */
  websocket?: boolean;
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
 * The sample nonce of RFC 6455 §1.3. A handshake key only has to be base64 of
 * 16 bytes; servers check its form, not its freshness, and a fixed one keeps
 * the generated code the same each time it is copied.
 */
export const SAMPLE_WEBSOCKET_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/**
 * An HTTP/2 WebSocket opening (CONNECT with `:protocol`, no key) as the HTTP/1.1
 * Upgrade handshake that opens the same WebSocket, which is what the proxy sends
 * upstream too (main/tls/h2-websocket.ts): GET, Connection: Upgrade, Upgrade:
 * websocket, a Sec-WebSocket-Key, Sec-WebSocket-Version 13. Pseudo-headers go.
 */
function http1Handshake(headers: RawHeaders): RawHeaders {
  const out = withoutHeaders(withoutPseudoHeaders(headers), ['connection', 'upgrade', 'sec-websocket-key']);
  out.push(['Connection', 'Upgrade'], ['Upgrade', 'websocket'], ['Sec-WebSocket-Key', SAMPLE_WEBSOCKET_KEY]);
  if (headerValue(out, 'sec-websocket-version') === undefined) out.push(['Sec-WebSocket-Version', '13']);
  return out;
}

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
    // A WebSocket opened with CONNECT is HTTP/2 extended CONNECT (RFC 8441, `:protocol: websocket`).
    if (x.websocket && x.method.toUpperCase() === 'CONNECT') {
      method = 'GET';
      headers = http1Handshake(headers);
      warnings.push('the client opened this WebSocket over HTTP/2 (extended CONNECT); this is the equivalent HTTP/1.1 Upgrade handshake, with a sample Sec-WebSocket-Key');
    }
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
  if (!x.websocket) return { method, url, headers, body, warnings };
  warnings.push('this was a WebSocket exchange; only its opening handshake request is reproduced');
  return { method, url, headers, body, warnings, websocket: true };
}
