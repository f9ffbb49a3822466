import type { HttpVersion, RawHeaders } from '../../shared/http-types';

/**
 * Header policy of the forward path, as pure functions over raw [name, value]
 * pairs (case and order survive; inputs are never mutated).
 *
 * Request side:
 * - hop-by-hop headers go (Connection, Keep-Alive, Proxy-Connection, Proxy-Authenticate,
 *   Proxy-Authorization, TE, Trailer, Transfer-Encoding, Upgrade) and so does every header
 *   named in Connection; `TE: trailers` is kept. Expect goes too (Node already answered
 *   100-continue). HTTP/2 pseudo-headers go; :authority becomes Host when there is none;
 *   several cookie headers (HTTP/2) are joined with "; ".
 * - X-Forwarded-For/-Proto/-Host/-Port and RFC 7239 Forwarded are set. What the client sent
 *   is replaced, unless the client is a trusted proxy: then For/Forwarded are appended to and
 *   Proto/Host/Port are kept.
 * - Via gets "1.1 gatehouse" ("2 gatehouse" for HTTP/2, "1.0 gatehouse" for HTTP/1.0) appended.
 * - X-Gatehouse-Hop gets this instance's id appended; finding the id already there means the
 *   request looped back through this proxy.
 * - Host is kept unless the route sends the target's host instead.
 */

/** Hop-by-hop headers (lower case) — never forwarded on requests. */
export const HOP_BY_HOP_REQUEST: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'http2-settings',
]);

/**
 * Hop-by-hop headers never copied from an upstream response. `Trailer` stays: the
 * proxy delivers the trailers it announces.
 */
export const HOP_BY_HOP_RESPONSE: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

export const HOP_HEADER = 'X-Gatehouse-Hop';

const FORWARDING = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'forwarded']);

/**
 * Client-address claims that Gatehouse does not set but backends believe: X-Real-IP (nginx's),
 * and the forwarding headers spelt with "_" ("X_Forwarded_For"), which CGI-style servers (PHP,
 * WSGI) read as the very same HTTP_X_FORWARDED_FOR. From an untrusted client they are dropped,
 * as nginx drops names with "_" by default; a trusted proxy's pass through unchanged.
 */
const SPOOFABLE = new Set(['x-real-ip', ...[...FORWARDING].filter((n) => n.includes('-')).map((n) => n.replace(/-/g, '_'))]);

export interface ForwardingContext {
  /** Client address, IPv4-mapped IPv6 already unwrapped ("" when unknown). */
  clientAddress: string;
  /** The client is in config.trustedProxies: append to / keep its forwarding headers. */
  trusted: boolean;
  scheme: 'http' | 'https';
  /** Host as the client sent it (Host header or :authority), port included if given. */
  host: string;
  httpVersion: HttpVersion;
  /** Replace the Host header with this value (route.preserveHost === false); undefined keeps it. */
  hostOverride?: string;
  /** This instance's loop-detection id. */
  hopId: string;
  /** For upgrade requests: the Upgrade value to keep (with Connection: Upgrade). */
  upgrade?: string;
}

export interface ForwardedRequest {
  headers: RawHeaders;
  /** The request already carried this instance's hop id: it looped back through the proxy. */
  loop: boolean;
}

/** Whether `s` is `lower` (all lower case, letters and "-") in any case, without building a lower-cased copy. */
function equalsIgnoringCase(s: string, lower: string): boolean {
  if (s.length !== lower.length) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Only an upper-case letter folds (c | 0x20 alone would also take "\r" for "-").
    if (c !== lower.charCodeAt(i) && !(c >= 0x41 && c <= 0x5a && (c | 0x20) === lower.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * Lower-cased tokens of every Connection header ("keep-alive, X-Foo" → keep-alive, x-foo).
 * The usual value, a lone "keep-alive", names a header every caller drops anyway, so it
 * yields nothing and costs no allocation.
 */
export function connectionTokens(headers: RawHeaders): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i < headers.length; i++) {
    const pair = headers[i]!;
    if (!equalsIgnoringCase(pair[0], 'connection')) continue;
    const value = pair[1];
    if (equalsIgnoringCase(value, 'keep-alive')) continue;
    for (const t of value.split(',')) {
      const token = t.trim().toLowerCase();
      if (token) (tokens ??= new Set()).add(token);
    }
  }
  return tokens;
}

function hasToken(list: string, token: string): boolean {
  for (const t of list.split(',')) if (t.trim().toLowerCase() === token) return true;
  return false;
}

function join(existing: string | undefined, next: string): string {
  return existing ? `${existing}, ${next}` : next;
}

/** RFC 9110 tchar: ALPHA / DIGIT / "!#$%&'*+-.^_`|~". */
function isTokenChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2e || c === 0x2d || c === 0x5f || c === 0x7e ||
    c === 0x21 || c === 0x23 || c === 0x24 || c === 0x25 || c === 0x26 || c === 0x27 ||
    c === 0x2a || c === 0x2b || c === 0x5e || c === 0x60 || c === 0x7c
  );
}

/** A Forwarded parameter value: a token as is, anything else quoted (RFC 7239 §4). */
export function forwardedValue(value: string): string {
  let token = value.length > 0;
  for (let i = 0; token && i < value.length; i++) token = isTokenChar(value.charCodeAt(i));
  if (token) return value;
  let quoted = '"';
  for (const ch of value) quoted += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  return `${quoted}"`;
}

/** The Forwarded "for=" node: IPv6 in brackets and quoted ("[::1]"), "unknown" when not known. */
export function forwardedNode(address: string): string {
  if (!address) return 'unknown';
  return address.includes(':') ? `"[${address}]"` : address;
}

/** The port in a Host value ("app.test:8080" → "8080"), else the scheme's default. */
export function hostPort(host: string, scheme: 'http' | 'https'): string {
  const bracket = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  if (colon > bracket && colon < host.length - 1) return host.slice(colon + 1);
  return scheme === 'https' ? '443' : '80';
}

/** The scheme an X-Forwarded-Proto value names, for its default port: the first element of a list, "https"/"wss" → https. */
function protoScheme(proto: string): 'http' | 'https' {
  const comma = proto.indexOf(',');
  const first = (comma < 0 ? proto : proto.slice(0, comma)).trim().toLowerCase();
  return first === 'https' || first === 'wss' ? 'https' : 'http';
}

export function viaProtocol(version: HttpVersion): string {
  return version === '2' ? '2' : version;
}

export function forwardRequestHeaders(input: RawHeaders, ctx: ForwardingContext): ForwardedRequest {
  const named = connectionTokens(input);
  const out: RawHeaders = [];
  const trusted = ctx.trusted;
  let xff: string | undefined;
  let xfProto: string | undefined;
  let xfHost: string | undefined;
  let xfPort: string | undefined;
  let forwarded: string | undefined;
  let via: string | undefined;
  let hops: string | undefined;
  let te = false;
  let hasHost = false;
  let authority: string | undefined;
  let cookieAt = -1;
  let cookies: string[] | undefined;

  for (const pair of input) {
    const name = pair[0];
    const value = pair[1];
    if (name.charCodeAt(0) === 58 /* : */) {
      if (name === ':authority') authority ??= value;
      continue;
    }
    const lower = name.toLowerCase();
    if (lower === 'host') {
      if (hasHost) continue;
      hasHost = true;
      out.push(ctx.hostOverride === undefined ? pair : [name, ctx.hostOverride]);
      continue;
    }
    if (HOP_BY_HOP_REQUEST.has(lower) || named?.has(lower)) {
      if (lower === 'te' && hasToken(value, 'trailers')) te = true;
      continue;
    }
    if (FORWARDING.has(lower)) {
      if (!trusted) continue;
      if (lower === 'x-forwarded-for') xff = join(xff, value);
      else if (lower === 'forwarded') forwarded = join(forwarded, value);
      else if (lower === 'x-forwarded-proto') xfProto ??= value;
      else if (lower === 'x-forwarded-host') xfHost ??= value;
      else xfPort ??= value;
      continue;
    }
    if (!trusted && SPOOFABLE.has(lower)) continue;
    if (lower === 'via') {
      via = join(via, value);
      continue;
    }
    if (lower === 'x-gatehouse-hop') {
      hops = join(hops, value);
      continue;
    }
    if (lower === 'cookie' && ctx.httpVersion === '2') {
      if (cookieAt < 0) {
        cookieAt = out.length;
        out.push(pair);
        cookies = [value];
      } else {
        cookies!.push(value);
      }
      continue;
    }
    out.push(pair);
  }

  if (cookies && cookies.length > 1) out[cookieAt] = [out[cookieAt]![0], cookies.join('; ')];
  if (!hasHost) out.unshift(['Host', ctx.hostOverride ?? authority ?? ctx.host]);
  if (te) out.push(['TE', 'trailers']);
  if (ctx.upgrade !== undefined) {
    out.push(['Connection', 'Upgrade'], ['Upgrade', ctx.upgrade]);
  }

  const client = ctx.clientAddress;
  const host = ctx.host;
  out.push(['X-Forwarded-For', join(xff, client || 'unknown')]);
  out.push(['X-Forwarded-Proto', xfProto ?? ctx.scheme]);
  out.push(['X-Forwarded-Host', xfHost ?? host]);
  // A port the trusted proxy did not send follows the host and scheme it did send, so the three agree.
  out.push(['X-Forwarded-Port', xfPort ?? hostPort(xfHost ?? host, xfProto === undefined ? ctx.scheme : protoScheme(xfProto))]);
  const element = `for=${forwardedNode(client)};host=${forwardedValue(host)};proto=${ctx.scheme}`;
  out.push(['Forwarded', join(forwarded, element)]);
  out.push(['Via', join(via, `${viaProtocol(ctx.httpVersion)} gatehouse`)]);
  out.push([HOP_HEADER, join(hops, ctx.hopId)]);

  return { headers: out, loop: hops !== undefined && hasToken(hops, ctx.hopId.toLowerCase()) };
}

/** Name lengths of the hop-by-hop response headers: a name of any other length is kept without lower-casing it. */
const HOP_BY_HOP_RESPONSE_LENGTHS = new Set([...HOP_BY_HOP_RESPONSE].map((name) => name.length));

/** Response headers as sent to the client: hop-by-hop and Connection-named headers removed. */
export function forwardResponseHeaders(input: RawHeaders): RawHeaders {
  const named = connectionTokens(input);
  const out: RawHeaders = [];
  for (let i = 0; i < input.length; i++) {
    const pair = input[i]!;
    const name = pair[0];
    if (named === undefined && !HOP_BY_HOP_RESPONSE_LENGTHS.has(name.length)) {
      out.push(pair);
      continue;
    }
    const lower = name.toLowerCase();
    if (HOP_BY_HOP_RESPONSE.has(lower) || named?.has(lower)) continue;
    out.push(pair);
  }
  return out;
}

/**
 * The 101 response head for an upgrade, as sent to the client: like a response
 * but Connection: Upgrade and the Upgrade value kept.
 */
export function forwardUpgradeResponseHeaders(input: RawHeaders): RawHeaders {
  const named = connectionTokens(input);
  const out: RawHeaders = [];
  for (const pair of input) {
    const lower = pair[0].toLowerCase();
    if (lower === 'connection' || lower === 'upgrade') {
      out.push(pair);
      continue;
    }
    if (HOP_BY_HOP_RESPONSE.has(lower) || (named?.has(lower) && lower !== 'upgrade')) continue;
    out.push(pair);
  }
  return out;
}
