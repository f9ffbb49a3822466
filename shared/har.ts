/**
 * HAR 1.2 export of recorded exchanges. Pure, so the renderer can export too.
 *
 * The HAR shows the client-facing request and response (what a browser's
 * devtools would show); what the proxy did (forwarded headers, upstream status,
 * target, TLS) goes into the `_gatehouse` extension of each entry.
 *
 * HAR content is decoded (no Content-Encoding). The engine passes decoded
 * response bytes (it has zlib); without them the wire bytes are exported and the
 * content gets a comment saying so.
 */
import type { RawHeaders } from './http-types';
import type { Exchange, WsMessage } from './exchange-types';
import type {
  GatehouseEntryExtension,
  Har,
  HarCookie,
  HarEntry,
  HarNameValue,
  HarPostData,
  HarRequest,
  HarResponse,
  HarTimings,
  HarWsMessage,
} from './har-types';
import { base64ToBytes, bytesToBase64, utf8DecodeStrict } from './base64';
import { headerValue, headerValues } from './raw-headers';
import { stringEnd } from './json-syntax-error';
import { statusText } from './status-text';

export const HAR_VERSION = '1.2';
export const REDACTED = '[redacted]';

export interface HarExportItem {
  exchange: Exchange;
  /**
   * The response body with its Content-Encoding removed, when the exporter could
   * decode it. `undefined` means: use the captured bytes as they are.
   */
  decodedResponseBody?: Uint8Array;
}

export interface HarExportOptions {
  redact?: boolean;
  creatorVersion?: string;
}

export function harHttpVersion(v: Exchange['httpVersion']): string {
  return v === '2' ? 'HTTP/2' : `HTTP/${v}`;
}

function pairs(headers: RawHeaders): HarNameValue[] {
  return headers.map(([name, value]) => ({ name, value }));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export function queryStringOf(url: string): HarNameValue[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  const query = url.slice(q + 1).split('#')[0]!;
  if (query === '') return [];
  return query.split('&').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? { name: safeDecode(part), value: '' } : { name: safeDecode(part.slice(0, eq)), value: safeDecode(part.slice(eq + 1)) };
  });
}

export function requestCookiesOf(headers: RawHeaders): HarCookie[] {
  return headerValues(headers, 'cookie').flatMap((line) =>
    line
      .split(';')
      .map((c) => c.trim())
      .filter((c) => c !== '')
      .map((c) => {
        const eq = c.indexOf('=');
        return eq < 0 ? { name: '', value: c } : { name: c.slice(0, eq).trim(), value: c.slice(eq + 1).trim() };
      }),
  );
}

export function responseCookiesOf(headers: RawHeaders): HarCookie[] {
  return headerValues(headers, 'set-cookie').map((line) => {
    const [first = '', ...attrs] = line.split(';');
    const eq = first.indexOf('=');
    const cookie: HarCookie = eq < 0 ? { name: '', value: first.trim() } : { name: first.slice(0, eq).trim(), value: first.slice(eq + 1).trim() };
    for (const attr of attrs) {
      const aeq = attr.indexOf('=');
      const key = (aeq < 0 ? attr : attr.slice(0, aeq)).trim().toLowerCase();
      const val = aeq < 0 ? '' : attr.slice(aeq + 1).trim();
      if (key === 'path') cookie.path = val;
      else if (key === 'domain') cookie.domain = val;
      else if (key === 'expires') {
        const t = Date.parse(val);
        if (!Number.isNaN(t)) cookie.expires = new Date(t).toISOString();
      } else if (key === 'httponly') cookie.httpOnly = true;
      else if (key === 'secure') cookie.secure = true;
      else if (key === 'samesite') cookie.sameSite = val;
    }
    return cookie;
  });
}

/** Body bytes as HAR text: UTF-8 text when it is valid UTF-8, otherwise base64 with encoding "base64". */
export function harText(bytes: Uint8Array): { text: string; encoding?: 'base64' } {
  const text = utf8DecodeStrict(bytes);
  return text !== undefined ? { text } : { text: bytesToBase64(bytes), encoding: 'base64' };
}

export function absoluteUrlOf(x: Pick<Exchange, 'scheme' | 'host' | 'url'>): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(x.url) ? x.url : `${x.scheme}://${x.host}${x.url.startsWith('/') ? '' : '/'}${x.url}`;
}

/** Hosts that stand in for a missing or malformed Host in an exported URL (.invalid never resolves: RFC 6761). */
export const NO_HOST_PLACEHOLDER = 'no-host.invalid';
export const BAD_HOST_PLACEHOLDER = 'unparsable-host.invalid';

/** True when `host` (with an optional port) can be the authority of an http(s) URL that URL parsers accept. */
export function isUrlHost(host: string): boolean {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=]+)(?::(\d*))?$/.exec(host);
  if (!m) return false;
  // A name ending in a number is read as an IPv4 address, which must then be one.
  const last = m[1]!.replace(/\.$/, '').split('.').at(-1)!;
  if (/^\d+$/.test(last) && !/^(\d{1,3})(\.\d{1,3}){3}\.?$/.test(m[1]!)) return false;
  if (/^\d+$/.test(last) && m[1]!.split('.').some((n) => n !== '' && Number(n) > 255)) return false;
  return m[2] === undefined || m[2] === '' || Number(m[2]) <= 65535;
}

/**
 * The request URL for a HAR entry. A request with no Host (HTTP/1.0) or one no
 * URL can hold ("a b", port 99999) gets a placeholder host, so the URL still
 * parses; `host` is then what the client sent, for `_gatehouse.host`.
 */
export function harRequestUrlOf(x: Pick<Exchange, 'scheme' | 'host' | 'url'>): { url: string; host?: string } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(x.url) || isUrlHost(x.host)) return { url: absoluteUrlOf(x) };
  return { url: absoluteUrlOf({ ...x, host: x.host === '' ? NO_HOST_PLACEHOLDER : BAD_HOST_PLACEHOLDER }), host: x.host };
}

function nonNegative(n: number | undefined): number {
  return n === undefined || !Number.isFinite(n) || n < 0 ? 0 : n;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function harTimingsOf(x: Exchange): { timings: HarTimings; time: number } {
  const t = x.timings;
  const start = t.received;
  const connected = t.upstreamConnected;
  const headers = t.responseHeaders;
  const end = t.responseEnd ?? x.endedAt;
  const connect = connected !== undefined && !t.connectionReused ? round3(nonNegative(connected - start)) : -1;
  const blocked = connected !== undefined && t.connectionReused ? round3(nonNegative(connected - start)) : -1;
  const waitFrom = connected ?? start;
  // An answer with no upstream response head (a redirect, error page or static file Gatehouse
  // made itself) spent its whole time waiting on the proxy: HAR's time must still add up to it.
  const answered = headers ?? end;
  const wait = answered !== undefined ? round3(nonNegative(answered - waitFrom)) : 0;
  const receive = headers !== undefined && end !== undefined ? round3(nonNegative(end - headers)) : 0;
  const timings: HarTimings = { blocked, dns: -1, connect, send: 0, wait, receive, ssl: -1 };
  const time = round3(Math.max(0, blocked) + Math.max(0, connect) + wait + receive);
  return { timings, time };
}

function wsMessagesOf(messages: readonly WsMessage[]): HarWsMessage[] {
  return messages.map((m) => {
    const bytes = base64ToBytes(m.data);
    const text = m.opcode === 1 ? utf8DecodeStrict(bytes) : undefined;
    return {
      type: m.direction === 'client-to-upstream' ? 'send' : 'receive',
      time: m.time / 1000,
      opcode: m.opcode,
      data: text ?? bytesToBase64(bytes),
    };
  });
}

function serverIpOf(target: string | undefined): string | undefined {
  if (!target) return undefined;
  const m = /^[a-z]+:\/\/(\[[^\]]+\]|[^/:]+)/i.exec(target);
  if (!m) return undefined;
  const host = m[1]!.replace(/^\[|\]$/g, '');
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':') ? host : undefined;
}

export function harEntryOf(item: HarExportItem): HarEntry {
  const x = item.exchange;
  const version = harHttpVersion(x.httpVersion);
  const reqHeaders = x.headers.clientRequest;
  const resHeaders = x.headers.clientResponse ?? [];
  const requestUrl = harRequestUrlOf(x);
  const request: HarRequest = {
    method: x.method,
    url: requestUrl.url,
    httpVersion: version,
    cookies: requestCookiesOf(reqHeaders),
    headers: pairs(reqHeaders),
    queryString: queryStringOf(x.url),
    headersSize: -1,
    bodySize: x.requestBody.size,
  };
  if (requestUrl.host !== undefined) {
    request.comment =
      requestUrl.host === '' ? 'the request had no Host header; the URL has a placeholder host' : `the request's Host (${JSON.stringify(requestUrl.host)}) cannot be a URL host; the URL has a placeholder host`;
  }
  if (x.requestBody.size > 0 || x.requestBody.captured !== '') {
    const postData: HarPostData = { mimeType: headerValue(reqHeaders, 'content-type') ?? '', ...harText(base64ToBytes(x.requestBody.captured)) };
    request.postData = postData;
  }

  const captured = base64ToBytes(x.responseBody.captured);
  const decoded = x.responseBody.contentDecoded ? captured : item.decodedResponseBody;
  const body = decoded ?? captured;
  const contentEncoding = headerValue(resHeaders, 'content-encoding');
  const response: HarResponse = {
    status: x.status ?? 0,
    statusText: statusText(x.status),
    httpVersion: version,
    cookies: responseCookiesOf(resHeaders),
    headers: pairs(resHeaders),
    content: {
      size: x.responseBody.truncated ? Math.max(body.length, x.responseBody.size) : body.length,
      mimeType: headerValue(resHeaders, 'content-type') ?? '',
      ...(body.length > 0 ? harText(body) : {}),
    },
    redirectURL: headerValue(resHeaders, 'location') ?? '',
    headersSize: -1,
    bodySize: x.responseBody.size,
  };
  if (decoded === undefined && contentEncoding && !/^\s*identity\s*$/i.test(contentEncoding) && body.length > 0) {
    response.content.comment = `content is still ${contentEncoding}-encoded (could not decode)`;
  }
  const { timings, time } = harTimingsOf(x);

  const ext: GatehouseEntryExtension = {
    id: x.id,
    ...(requestUrl.host !== undefined ? { host: requestUrl.host } : {}),
    clientAddress: x.clientAddress,
    clientPort: x.clientPort,
    clientRequestHeaders: reqHeaders,
    requestBodySize: x.requestBody.size,
    requestBodyTruncated: x.requestBody.truncated,
    responseBodyTruncated: x.responseBody.truncated,
  };
  if (x.routeId !== undefined) ext.routeId = x.routeId;
  if (x.target !== undefined) ext.target = x.target;
  if (x.tls) ext.tls = x.tls;
  if (x.forwardedMethod !== undefined) ext.forwardedMethod = x.forwardedMethod;
  if (x.forwardedPath !== undefined) ext.forwardedPath = x.forwardedPath;
  if (x.headers.forwardedRequest) ext.forwardedRequestHeaders = x.headers.forwardedRequest;
  if (x.headers.upstreamResponse) ext.upstreamResponseHeaders = x.headers.upstreamResponse;
  if (x.headers.clientResponse) ext.clientResponseHeaders = x.headers.clientResponse;
  if (x.upstreamStatus !== undefined) ext.upstreamStatus = x.upstreamStatus;
  if (x.error) ext.error = { code: x.error.code, message: x.error.message };
  if (x.replayOf !== undefined) ext.replayOf = x.replayOf;
  if (x.notes.length > 0) ext.notes = [...x.notes];

  const entry: HarEntry = {
    startedDateTime: new Date(x.startedAt).toISOString(),
    time,
    request,
    response,
    cache: {},
    timings,
    _gatehouse: ext,
  };
  const ip = serverIpOf(x.target);
  if (ip) entry.serverIPAddress = ip;
  if (x.wsMessages && x.wsMessages.length > 0) entry._webSocketMessages = wsMessagesOf(x.wsMessages);
  if (x.error) entry.comment = `${x.error.code}: ${x.error.message}`;
  return entry;
}

export function toHar(items: readonly HarExportItem[], options: HarExportOptions = {}): Har {
  const har: Har = {
    log: {
      version: HAR_VERSION,
      creator: { name: 'Gatehouse', version: options.creatorVersion ?? '0' },
      pages: [],
      entries: items.map(harEntryOf),
    },
  };
  return options.redact ? redactHar(har) : har;
}

// ---------------------------------------------------------------- redaction

const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];
/** Headers that carry nothing but a credential (API keys, session and CSRF tokens): masked whole. */
const CREDENTIAL_HEADERS = ['x-api-key', 'api-key', 'x-auth-token', 'x-access-token', 'x-csrf-token', 'x-xsrf-token', 'x-amz-security-token'];
/** Headers whose value is a URL or a path (HTTP/2's :path), whose query may carry a secret. */
const URL_HEADERS = [':path', 'referer', 'location', 'content-location'];

/**
 * Query and form field names that carry credentials by convention: OAuth tokens and codes,
 * API keys, passwords, session ids, signed-URL signatures (S3, GCS). Matched case-insensitively
 * on the decoded name; "-" and "_" alike.
 */
const SECRET_PARAM_RE =
  /^(?:(?:access|id|refresh|auth|session|csrf|xsrf|bearer)?[-_]?token|code|auth|api[-_]?key|apikey|key|(?:client[-_]?)?secret|password|passwd|pwd|pass|session(?:[-_]?id)?|sid|sig|signature|x-amz-(?:signature|credential|security-token)|x-goog-(?:signature|credential))$/i;

/** True when a query or form field of this name is masked by redaction. */
export function isSecretParam(name: string): boolean {
  return SECRET_PARAM_RE.test(name);
}

/** Masks the values of secret-named fields in an application/x-www-form-urlencoded string, keeping names and order. */
export function redactFormEncoded(query: string): string {
  return query
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq >= 0 && isSecretParam(safeDecode(part.slice(0, eq))) ? `${part.slice(0, eq + 1)}${REDACTED}` : part;
    })
    .join('&');
}

/** A URL (or path) with the values of its secret-named query fields masked; the fragment is kept. */
export function redactUrlQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = hash < 0 ? url.slice(q + 1) : url.slice(q + 1, hash);
  return `${url.slice(0, q + 1)}${redactFormEncoded(query)}${hash < 0 ? '' : url.slice(hash)}`;
}

/** Masks a secret header value, keeping what is not secret (auth scheme, cookie names, Set-Cookie attributes, a URL's path). */
export function redactHeaderValue(name: string, value: string): string {
  const n = name.toLowerCase();
  if (n === 'authorization' || n === 'proxy-authorization') {
    const m = /^(\S+)\s+\S/.exec(value);
    return m ? `${m[1]} ${REDACTED}` : REDACTED;
  }
  if (n === 'cookie') {
    return value
      .split(';')
      .map((c) => {
        const eq = c.indexOf('=');
        return eq < 0 ? ` ${REDACTED}` : `${c.slice(0, eq + 1)}${REDACTED}`;
      })
      .join(';')
      .trim();
  }
  if (n === 'set-cookie') {
    const semi = value.indexOf(';');
    const first = semi < 0 ? value : value.slice(0, semi);
    const rest = semi < 0 ? '' : value.slice(semi);
    const eq = first.indexOf('=');
    return (eq < 0 ? REDACTED : `${first.slice(0, eq + 1)}${REDACTED}`) + rest;
  }
  if (CREDENTIAL_HEADERS.includes(n)) return REDACTED;
  if (URL_HEADERS.includes(n)) return redactUrlQuery(value);
  return value;
}

/**
 * JSON keys masked in JSON bodies: the secret field names, less `code` and `key`, which JSON
 * uses for much else (error codes, list keys, settings); an OAuth code travels in a URL or a form.
 */
function isSecretJsonKey(name: string): boolean {
  return isSecretParam(name) && !/^(?:code|key)$/i.test(name);
}

const JSON_SCALAR = /-?\d[\d.eE+-]*|true|false|null/y;

/**
 * A JSON text with the values of secret-named keys (password, access_token, apiKey, client_secret,
 * …, at any depth) replaced by "[redacted]", and every other byte as it was. Only strings and
 * numbers are masked (an object under such a key is searched like any other). The scan is
 * lenient: a body cut at the capture cap is masked up to where it stops, a value cut off in the
 * middle included; at anything that is not JSON it stops and keeps the rest as it is.
 */
export function redactJsonText(text: string): string {
  const cuts: number[] = [];
  const stack: number[] = [];
  let expectKey = false;
  let secretValue = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 58 /* : */) {
      i++;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      stack.push(c);
      expectKey = c === 123;
      secretValue = false;
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
      expectKey = false;
      secretValue = false;
      i++;
    } else if (c === 44 /* , */) {
      expectKey = stack[stack.length - 1] === 123;
      secretValue = false;
      i++;
    } else if (c === 34 /* " */) {
      const end = stringEnd(text, i);
      if (end < 0) {
        // Cut at the cap (or broken): a secret value is masked to the end; anything else ends the scan.
        if (secretValue && !expectKey) cuts.push(i, text.length);
        break;
      }
      if (expectKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, end)) as string;
        } catch {
          key = text.slice(i + 1, end - 1);
        }
        secretValue = isSecretJsonKey(key);
        expectKey = false;
      } else {
        if (secretValue) cuts.push(i, end);
        secretValue = false;
      }
      i = end;
    } else {
      JSON_SCALAR.lastIndex = i;
      const m = JSON_SCALAR.exec(text);
      if (!m) break; // not JSON from here on
      if (secretValue && m[0] !== 'null' && m[0] !== 'true' && m[0] !== 'false') cuts.push(i, i + m[0].length);
      secretValue = false;
      i += m[0].length;
    }
  }
  if (cuts.length === 0) return text;
  let out = '';
  let from = 0;
  for (let k = 0; k < cuts.length; k += 2) {
    out += `${text.slice(from, cuts[k])}"${REDACTED}"`;
    from = cuts[k + 1]!;
  }
  return out + text.slice(from);
}

const JSON_MIME = /^application\/(?:[\w.+-]+\+)?json\b/i;

/** A body's text, JSON-redacted when it is JSON and held as text (not base64). */
function redactBodyText<T extends { mimeType: string; text?: string; encoding?: string }>(body: T): T {
  if (body.text === undefined || body.encoding !== undefined || !JSON_MIME.test(body.mimeType)) return body;
  const text = redactJsonText(body.text);
  return text === body.text ? body : { ...body, text };
}

function isRedactedHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_HEADERS.includes(n) || CREDENTIAL_HEADERS.includes(n) || URL_HEADERS.includes(n);
}

function redactRaw(headers: RawHeaders | undefined): RawHeaders | undefined {
  return headers?.map(([k, v]) => [k, isRedactedHeader(k) ? redactHeaderValue(k, v) : v]);
}

function redactPairs(headers: HarNameValue[]): HarNameValue[] {
  return headers.map((h) => (isRedactedHeader(h.name) ? { ...h, value: redactHeaderValue(h.name, h.value) } : h));
}

function redactCookies(cookies: HarCookie[]): HarCookie[] {
  return cookies.map((c) => ({ ...c, value: REDACTED }));
}

function redactParams(params: HarNameValue[]): HarNameValue[] {
  return params.map((p) => (isSecretParam(p.name) ? { ...p, value: REDACTED } : p));
}

function redactPostData(postData: HarPostData | undefined): HarPostData | undefined {
  if (!postData) return undefined;
  const out: HarPostData = { ...postData };
  if (out.params) out.params = out.params.map((p) => (isSecretParam(p.name) && p.value !== undefined ? { ...p, value: REDACTED } : p));
  if (out.text !== undefined && out.encoding === undefined && /^application\/x-www-form-urlencoded\b/i.test(out.mimeType)) {
    out.text = redactFormEncoded(out.text);
  }
  return redactBodyText(out);
}

/**
 * A copy of the HAR with credentials masked: Authorization, Proxy-Authorization, Cookie and
 * Set-Cookie values (keeping scheme, names and attributes), API-key and token headers whole,
 * and secret-named query fields (token, code, key, password, sig, …) in URLs, Referer and
 * Location, the query list and url-encoded form bodies, and secret-named fields of JSON request
 * and response bodies (redactJsonText). Other bodies (multipart, binary) are kept as they are.
 */
export function redactHar(har: Har): Har {
  return {
    ...har,
    log: {
      ...har.log,
      entries: har.log.entries.map((e) => {
        const request: HarEntry['request'] = {
          ...e.request,
          url: redactUrlQuery(e.request.url),
          headers: redactPairs(e.request.headers),
          cookies: redactCookies(e.request.cookies),
          queryString: redactParams(e.request.queryString),
        };
        const postData = redactPostData(e.request.postData);
        if (postData) request.postData = postData;
        const out: HarEntry = {
          ...e,
          request,
          response: {
            ...e.response,
            headers: redactPairs(e.response.headers),
            cookies: redactCookies(e.response.cookies),
            redirectURL: redactUrlQuery(e.response.redirectURL),
            content: redactBodyText(e.response.content),
          },
        };
        // Text messages that are JSON (GraphQL's connection_init with its token, say): the same masking.
        if (e._webSocketMessages) {
          out._webSocketMessages = e._webSocketMessages.map((m) => (m.opcode === 1 && /^\s*[[{]/.test(m.data) ? { ...m, data: redactJsonText(m.data) } : m));
        }
        if (e._gatehouse) {
          const g: GatehouseEntryExtension = { ...e._gatehouse, redacted: true };
          if (g.forwardedPath !== undefined) g.forwardedPath = redactUrlQuery(g.forwardedPath);
          const keys = ['clientRequestHeaders', 'forwardedRequestHeaders', 'upstreamResponseHeaders', 'clientResponseHeaders'] as const;
          for (const k of keys) {
            const r = redactRaw(g[k]);
            if (r) g[k] = r;
          }
          out._gatehouse = g;
        }
        return out;
      }),
    },
  };
}
