/**
 * HAR import: validate a whole HAR file (Chromium, Firefox, HTTP Toolkit,
 * Playwright or Gatehouse), then turn its entries into exchanges. Validation
 * runs over every entry before anything is built, and any problem throws a
 * HarImportError naming the entry and the field, so an import is all or nothing.
 * Pure.
 */
import type { RawHeaders } from './http-types';
import type { BodyCapture, Exchange, WsMessage } from './exchange-types';
import type { GatehouseEntryExtension } from './har-types';
import { base64ToBytesPrefix, bytesToBase64, utf8EncodePrefix } from './base64';
import { jsonSyntaxError } from './json-syntax-error';
import { headerValue } from './raw-headers';

/** An exchange as imported, before the recorder gives it an id and sequence number. */
export type ImportedExchange = Omit<Exchange, 'id' | 'seq'>;

export const HAR_IMPORT_LIMITS = {
  /** Largest HAR text accepted (characters of JSON). */
  maxBytes: 200 * 1024 * 1024,
  /** Most entries in one file. */
  maxEntries: 100_000,
} as const;

export class HarImportError extends Error {
  readonly code = 'har-invalid';
  readonly status = 400;
  constructor(
    message: string,
    /** e.g. "log.entries[3].request.headers[2].value" */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HarImportError';
  }
}

export interface HarImportOptions {
  /** Bytes kept per body (longer bodies are truncated and flagged). */
  bodyCap?: number;
  maxEntries?: number;
  /** Bytes kept per WebSocket message. */
  wsMessageCap?: number;
}

export interface HarImportOutput {
  exchanges: ImportedExchange[];
  /** Entries that are valid HAR but not HTTP (data:, blob:, chrome-extension: ...). */
  skipped: Array<{ index: number; reason: string }>;
  creator: string;
}

/**
 * Parses HAR text, refusing files above the size cap with a clear message. A
 * UTF-8 byte-order mark (Windows tools write one) is skipped; a file that
 * stops in the middle of the JSON is called cut off, with where it stops.
 */
export function parseHarText(text: string, maxBytes: number = HAR_IMPORT_LIMITS.maxBytes): unknown {
  if (text.length > maxBytes) {
    throw new HarImportError(`the HAR file is too large (${text.length} bytes; the limit is ${maxBytes} bytes) — export fewer entries`);
  }
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  try {
    return JSON.parse(bom ? text.slice(1) : text);
  } catch (e) {
    throw jsonError(text, bom, (e as Error).message);
  }
}

/** Line and column (from 1) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Why JSON.parse refused the text, with the line and column where it stops being JSON. The
 * place comes from jsonSyntaxError, not from V8's message, which gives a position for some
 * errors only ("Unexpected token 'h', "this is not json" is not valid JSON" has none).
 */
function jsonError(text: string, bom: number, message: string): HarImportError {
  let end = text.length;
  while (end > bom && /\s/.test(text[end - 1]!)) end--;
  if (end === bom) return new HarImportError('the HAR file is empty');
  const found = jsonSyntaxError(text, bom);
  // Only if the two parsers disagree: then V8's own words are all there is.
  if (found === undefined) return new HarImportError(`the file is not valid JSON, so it is not a HAR file: ${message}`);
  const { offset, expected } = found;
  const { line, column } = lineColumn(text, offset);
  if (offset >= end) {
    return new HarImportError(
      `the HAR file is cut off: its JSON stops in the middle, at the end of the file (line ${line}, column ${column}, after ${text.length} characters). ` +
        'It was probably not completely written, downloaded or copied; export or save it again and import the complete file',
    );
  }
  const char = String.fromCodePoint(text.codePointAt(offset)!);
  return new HarImportError(
    `the file is not valid JSON, so it is not a HAR file: expected ${expected}, found ${JSON.stringify(char)} at line ${line}, column ${column} (character ${offset + 1} of ${text.length})`,
  );
}

// ---------------------------------------------------------------- validation primitives

type Obj = Record<string, unknown>;

/**
 * A body as read from the HAR: at most the cap of bytes, and the size of the
 * whole body. A HAR body can be up to the file size; encoding all of it only to
 * keep the cap's worth would cost many times the file in memory.
 */
interface Body {
  bytes: Uint8Array;
  size: number;
}

const NO_BODY: Body = { bytes: new Uint8Array(0), size: 0 };

function kind(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

class Checker {
  constructor(private readonly where: string) {}
  fail(field: string, problem: string): never {
    throw new HarImportError(`${this.where}: ${field} ${problem}`, field);
  }
  obj(v: unknown, field: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(field, `must be an object, got ${kind(v)}`);
    return v as Obj;
  }
  arr(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) this.fail(field, `must be an array, got ${kind(v)}`);
    return v;
  }
  str(v: unknown, field: string): string {
    if (typeof v !== 'string') this.fail(field, `must be a string, got ${kind(v)}`);
    return v;
  }
  num(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, `must be a number, got ${kind(v)}`);
    return v;
  }
  optStr(v: unknown, field: string): string | undefined {
    return v === undefined || v === null ? undefined : this.str(v, field);
  }
  optNum(v: unknown, field: string): number | undefined {
    return v === undefined || v === null ? undefined : this.num(v, field);
  }
  /** HAR name/value pairs as RawHeaders. */
  pairs(v: unknown, field: string, optional = false): RawHeaders {
    if (optional && (v === undefined || v === null)) return [];
    return this.arr(v, field).map((h, i) => {
      const o = this.obj(h, `${field}[${i}]`);
      return [this.str(o.name, `${field}[${i}].name`), this.str(o.value, `${field}[${i}].value`)];
    });
  }
  raw(v: unknown, field: string): RawHeaders | undefined {
    if (v === undefined || v === null) return undefined;
    return this.arr(v, field).map((h, i) => {
      const p = this.arr(h, `${field}[${i}]`);
      if (p.length !== 2) this.fail(`${field}[${i}]`, `must be a [name, value] pair`);
      return [this.str(p[0], `${field}[${i}][0]`), this.str(p[1], `${field}[${i}][1]`)];
    });
  }
  /** A HAR text as bytes: only the first `cap` are built, the rest are checked and counted. */
  bytes(text: string, encoding: string | undefined, field: string, cap: number): Body {
    if (encoding === undefined || encoding === '') return utf8EncodePrefix(text, cap);
    if (encoding.toLowerCase() !== 'base64') this.fail(field, `has an unknown encoding "${encoding}" (only base64 is defined)`);
    try {
      return base64ToBytesPrefix(text, cap);
    } catch (e) {
      this.fail(`${field}.text`, `is not valid base64 (${(e as Error).message})`);
    }
  }
}

// ---------------------------------------------------------------- mapping helpers

function httpVersionOf(v: string | undefined): Exchange['httpVersion'] {
  const s = (v ?? '').toLowerCase();
  if (s === 'h2' || s.startsWith('http/2') || s === 'h3' || s.startsWith('http/3')) return '2';
  if (s === 'http/1.0') return '1.0';
  return '1.1';
}

function capture(body: Body, size: number, cap: number, contentDecoded: boolean): BodyCapture {
  const kept = body.bytes.length > cap ? body.bytes.subarray(0, cap) : body.bytes;
  const whole = Math.max(size, body.size);
  const out: BodyCapture = { size: whole, captured: bytesToBase64(kept), truncated: kept.length < whole };
  if (contentDecoded) out.contentDecoded = true;
  return out;
}

const URL_RE = /^(https?|wss?):\/\/([^/?#]*)([^#]*)/i;

function nonNeg(n: number | undefined): number {
  return n !== undefined && n > 0 ? n : 0;
}

/** Everything about one entry, validated. Built objects only; nothing is recorded here. */
function importEntry(e: unknown, index: number, opts: Required<HarImportOptions>, creator: string): ImportedExchange | { skip: string } {
  const base: Checker = new Checker(`HAR entry ${index}`);
  const entry = base.obj(e, `log.entries[${index}]`);
  const req = base.obj(entry.request, 'request');
  const rawUrl = base.str(req.url, 'request.url');
  const method = base.str(req.method, 'request.method');
  const shown = rawUrl.length > 80 ? `${rawUrl.slice(0, 80)}…` : rawUrl;
  const c: Checker = new Checker(`HAR entry ${index} (${method} ${shown})`);
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method)) c.fail('request.method', `is not an HTTP method: "${method}"`);
  const started = c.str(entry.startedDateTime, 'startedDateTime');
  const startedAt = Date.parse(started);
  if (Number.isNaN(startedAt)) c.fail('startedDateTime', `is not an ISO 8601 date: "${started}"`);
  const time = c.optNum(entry.time, 'time') ?? 0;
  const res = c.obj(entry.response, 'response');
  const status = c.num(res.status, 'response.status');
  if (!Number.isInteger(status) || status < 0 || status > 999) c.fail('response.status', `must be an integer status code, got ${status}`);
  const reqHeaders = c.pairs(req.headers, 'request.headers');
  const resHeaders = c.pairs(res.headers, 'response.headers');
  c.pairs(req.queryString, 'request.queryString', true);
  const reqHttpVersion = c.optStr(req.httpVersion, 'request.httpVersion');

  // request body
  let reqBody: Body = NO_BODY;
  if (req.postData !== undefined && req.postData !== null) {
    const pd = c.obj(req.postData, 'request.postData');
    const text = c.optStr(pd.text, 'request.postData.text');
    const enc = c.optStr(pd.encoding, 'request.postData.encoding');
    if (text !== undefined) reqBody = c.bytes(text, enc, 'request.postData', opts.bodyCap);
    else if (pd.params !== undefined) {
      const params = c.arr(pd.params, 'request.postData.params').map((p, i) => {
        const o = c.obj(p, `request.postData.params[${i}]`);
        return `${encodeURIComponent(c.str(o.name, `request.postData.params[${i}].name`))}=${encodeURIComponent(c.optStr(o.value, `request.postData.params[${i}].value`) ?? '')}`;
      });
      reqBody = utf8EncodePrefix(params.join('&'), opts.bodyCap);
    }
  }
  const reqBodySize = c.optNum(req.bodySize, 'request.bodySize') ?? -1;

  // response body
  const content = c.obj(res.content, 'response.content');
  const contentSize = c.optNum(content.size, 'response.content.size') ?? -1;
  const contentText = c.optStr(content.text, 'response.content.text');
  const contentEnc = c.optStr(content.encoding, 'response.content.encoding');
  const resBody = contentText !== undefined ? c.bytes(contentText, contentEnc, 'response.content', opts.bodyCap) : NO_BODY;
  const resBodySize = c.optNum(res.bodySize, 'response.bodySize') ?? -1;

  // timings
  const timings = entry.timings === undefined || entry.timings === null ? {} : c.obj(entry.timings, 'timings');
  const tnum = (k: string) => c.optNum(timings[k], `timings.${k}`);
  const blocked = tnum('blocked');
  const dns = tnum('dns');
  const connect = tnum('connect');
  tnum('ssl'); // checked, not kept: HAR counts the TLS time inside connect
  const send = tnum('send');
  const wait = tnum('wait');
  const receive = tnum('receive');

  // Gatehouse's own extension (validated when present)
  let ext: GatehouseEntryExtension = {};
  if (entry._gatehouse !== undefined && entry._gatehouse !== null) {
    const g = c.obj(entry._gatehouse, '_gatehouse');
    ext = {
      clientRequestHeaders: c.raw(g.clientRequestHeaders, '_gatehouse.clientRequestHeaders'),
      forwardedRequestHeaders: c.raw(g.forwardedRequestHeaders, '_gatehouse.forwardedRequestHeaders'),
      upstreamResponseHeaders: c.raw(g.upstreamResponseHeaders, '_gatehouse.upstreamResponseHeaders'),
      clientResponseHeaders: c.raw(g.clientResponseHeaders, '_gatehouse.clientResponseHeaders'),
      routeId: c.optStr(g.routeId, '_gatehouse.routeId'),
      target: c.optStr(g.target, '_gatehouse.target'),
      clientAddress: c.optStr(g.clientAddress, '_gatehouse.clientAddress'),
      clientPort: c.optNum(g.clientPort, '_gatehouse.clientPort'),
      forwardedMethod: c.optStr(g.forwardedMethod, '_gatehouse.forwardedMethod'),
      forwardedPath: c.optStr(g.forwardedPath, '_gatehouse.forwardedPath'),
      upstreamStatus: c.optNum(g.upstreamStatus, '_gatehouse.upstreamStatus'),
      requestBodySize: c.optNum(g.requestBodySize, '_gatehouse.requestBodySize'),
      requestBodyTruncated: g.requestBodyTruncated === true,
      responseBodyTruncated: g.responseBodyTruncated === true,
      id: c.optStr(g.id, '_gatehouse.id'),
      host: c.optStr(g.host, '_gatehouse.host'),
      notes: g.notes === undefined ? undefined : c.arr(g.notes, '_gatehouse.notes').map((n, i) => c.str(n, `_gatehouse.notes[${i}]`)),
    };
    if (g.tls !== undefined && g.tls !== null) {
      const t = c.obj(g.tls, '_gatehouse.tls');
      ext.tls = {};
      for (const k of ['sni', 'alpn', 'version', 'cipher'] as const) {
        const v = c.optStr(t[k], `_gatehouse.tls.${k}`);
        if (v !== undefined) ext.tls[k] = v;
      }
    }
    if (g.error !== undefined && g.error !== null) {
      const er = c.obj(g.error, '_gatehouse.error');
      ext.error = { code: c.str(er.code, '_gatehouse.error.code'), message: c.str(er.message, '_gatehouse.error.message') };
    }
  }

  // WebSocket messages (Chromium's and HTTP Toolkit's _webSocketMessages)
  let wsMessages: WsMessage[] | undefined;
  if (entry._webSocketMessages !== undefined && entry._webSocketMessages !== null) {
    wsMessages = c.arr(entry._webSocketMessages, '_webSocketMessages').map((m, i) => {
      const f = `_webSocketMessages[${i}]`;
      const o = c.obj(m, f);
      const type = c.str(o.type, `${f}.type`);
      if (type !== 'send' && type !== 'receive') c.fail(`${f}.type`, `must be "send" or "receive", got "${type}"`);
      const opcode = c.num(o.opcode, `${f}.opcode`);
      const data = c.str(o.data, `${f}.data`);
      const t = c.num(o.time, `${f}.time`);
      let payload: Body;
      if (opcode === 1) payload = utf8EncodePrefix(data, opts.wsMessageCap);
      else {
        try {
          payload = base64ToBytesPrefix(data, opts.wsMessageCap);
        } catch {
          payload = utf8EncodePrefix(data, opts.wsMessageCap);
        }
      }
      const kept = payload.bytes;
      return {
        direction: type === 'send' ? 'client-to-upstream' : 'upstream-to-client',
        opcode,
        size: payload.size,
        // Chromium writes seconds since the epoch; milliseconds are accepted too.
        time: t < 1e11 ? t * 1000 : t,
        data: bytesToBase64(kept),
        truncated: kept.length < payload.size,
      } satisfies WsMessage;
    });
  }

  // Only now: is it HTTP at all?
  const m = URL_RE.exec(rawUrl);
  if (!m) {
    const other = /^([a-z][a-z0-9+.-]*):/i.exec(rawUrl);
    if (other && !/^(https?|wss?)$/i.test(other[1]!)) return { skip: `${other[1]!.toLowerCase()}: URLs are not HTTP traffic` };
    if (other) return { skip: `the URL "${shown}" has no "//" and host after "${other[1]}:"` };
    c.fail('request.url', `is not an absolute http(s) URL: "${rawUrl}"`);
  }
  const scheme = m[1]!.toLowerCase();
  // Gatehouse's export keeps a Host no URL can hold (or none at all) in _gatehouse.host.
  const host = ext.host ?? m[2]!;
  if (host === '' && entry._gatehouse === undefined) return { skip: `the URL "${shown}" has no host` };
  const path = m[3] === '' ? '/' : m[3]!.startsWith('?') ? `/${m[3]}` : m[3]!;
  const websocket = scheme.startsWith('ws') || wsMessages !== undefined || (status === 101 && /websocket/i.test(headerValue(reqHeaders, 'upgrade') ?? ''));

  const clientRequest = ext.clientRequestHeaders ?? reqHeaders;
  const clientResponse = ext.clientResponseHeaders ?? resHeaders;
  const responseDecodedByHar = contentText !== undefined && resBody.size > 0;
  const requestBody = capture(reqBody, ext.requestBodySize ?? (reqBodySize >= 0 ? reqBodySize : reqBody.size), opts.bodyCap, false);
  if (ext.requestBodyTruncated) requestBody.truncated = true;
  const wireSize = resBodySize >= 0 ? resBodySize : contentSize >= 0 ? contentSize : resBody.size;
  const responseBody = capture(resBody, contentText === undefined ? Math.max(wireSize, 0) : resBody.size, opts.bodyCap, responseDecodedByHar);
  if (ext.responseBodyTruncated) responseBody.truncated = true;
  if (contentText === undefined && wireSize > 0) responseBody.truncated = true;
  responseBody.size = Math.max(responseBody.size, wireSize, 0);
  if (responseDecodedByHar && responseBody.size < resBody.size) responseBody.size = resBody.size;
  // The size is the body as it crossed the wire (content-encoded), which is what a HAR's bodySize
  // says; the decoded text of a compressed response is larger and says nothing about it. A bodySize
  // of 0 beside a text is a browser's cache hit (nothing crossed), so the text's size stands then.
  if (resBodySize > 0 || (resBodySize === 0 && resBody.size === 0)) responseBody.size = resBodySize;

  const received = startedAt;
  const connectKnown = [blocked, dns, connect].some((v) => v !== undefined && v >= 0);
  const connectedAfter = nonNeg(blocked) + nonNeg(dns) + nonNeg(connect);
  const headersAfter = connectedAfter + nonNeg(send) + nonNeg(wait);
  const endAfter = Math.max(headersAfter + nonNeg(receive), time > 0 ? time : 0);
  const failed = status === 0 || ext.error !== undefined;

  const notes = [...(ext.notes ?? [])];
  const note = `imported from a HAR file made by ${creator}${ext.id ? ` (was ${ext.id})` : ''}`;
  if (!notes.includes(note)) notes.push(note);
  if (contentText === undefined && wireSize > 0) notes.push('the HAR file did not include the response body');

  const x: ImportedExchange = {
    source: 'import',
    state: failed ? 'error' : 'complete',
    startedAt,
    endedAt: startedAt + endAfter,
    clientAddress: ext.clientAddress ?? '',
    clientPort: ext.clientPort ?? 0,
    scheme: scheme === 'https' || scheme === 'wss' ? 'https' : 'http',
    httpVersion: httpVersionOf(reqHttpVersion),
    method,
    host,
    url: path,
    requestSize: requestBody.size,
    responseSize: responseBody.size,
    websocket,
    headers: { clientRequest, clientResponse },
    requestBody,
    responseBody,
    timings: {
      received,
      responseHeaders: received + headersAfter,
      responseEnd: received + endAfter,
    },
    notes,
  };
  if (connectKnown) {
    x.timings.upstreamConnected = received + connectedAfter;
    // No connect time but time spent before it: the connection came from a pool.
    x.timings.connectionReused = !(connect !== undefined && connect >= 0);
  }
  if (status > 0) x.status = status;
  const ct = headerValue(clientResponse, 'content-type') ?? c.optStr(content.mimeType, 'response.content.mimeType');
  if (ct) x.contentType = ct;
  if (ext.routeId !== undefined) x.routeId = ext.routeId;
  if (ext.target !== undefined) x.target = ext.target;
  if (ext.tls) x.tls = ext.tls;
  if (ext.forwardedMethod !== undefined) x.forwardedMethod = ext.forwardedMethod;
  if (ext.forwardedPath !== undefined) x.forwardedPath = ext.forwardedPath;
  if (ext.forwardedRequestHeaders) x.headers.forwardedRequest = ext.forwardedRequestHeaders;
  if (ext.upstreamResponseHeaders) x.headers.upstreamResponse = ext.upstreamResponseHeaders;
  if (ext.upstreamStatus !== undefined) x.upstreamStatus = ext.upstreamStatus;
  if (ext.error) {
    x.error = ext.error;
    x.errorCode = ext.error.code;
  } else if (failed) {
    const msg = typeof (res as Obj)._error === 'string' ? ((res as Obj)._error as string) : 'the request got no response';
    x.error = { code: 'no-response', message: msg };
    x.errorCode = 'no-response';
  }
  if (wsMessages) {
    x.wsMessages = wsMessages;
    x.wsMessageCount = wsMessages.length;
    x.wsBytes = wsMessages.reduce((sum, m) => sum + m.size, 0);
  }
  return x;
}

/** Validates the whole HAR and converts it; throws HarImportError (nothing partial) on the first problem. */
export function harToExchanges(input: unknown, options: HarImportOptions = {}): HarImportOutput {
  const opts: Required<HarImportOptions> = {
    bodyCap: options.bodyCap ?? 1024 * 1024,
    maxEntries: options.maxEntries ?? HAR_IMPORT_LIMITS.maxEntries,
    wsMessageCap: options.wsMessageCap ?? 16 * 1024,
  };
  const doc = typeof input === 'string' ? parseHarText(input) : input;
  const top: Checker = new Checker('HAR file');
  const root = top.obj(doc, '(top level)');
  if (root.log === undefined) {
    throw new HarImportError('this JSON is not a HAR file: it has no "log" (a HAR file is {"log": {"version": "1.2", "creator": {…}, "entries": […]}})', 'log');
  }
  const log = top.obj(root.log, 'log');
  top.str(log.version, 'log.version');
  const creatorObj = log.creator === undefined ? {} : top.obj(log.creator, 'log.creator');
  const creator = `${typeof creatorObj.name === 'string' ? creatorObj.name : 'an unknown tool'}${typeof creatorObj.version === 'string' ? ` ${creatorObj.version}` : ''}`;
  const entries = top.arr(log.entries, 'log.entries');
  if (entries.length > opts.maxEntries) {
    throw new HarImportError(`the HAR file has ${entries.length} entries; at most ${opts.maxEntries} can be imported at once`, 'log.entries');
  }
  const exchanges: ImportedExchange[] = [];
  const skipped: Array<{ index: number; reason: string }> = [];
  entries.forEach((e, i) => {
    const r = importEntry(e, i, opts, creator);
    if ('skip' in r) skipped.push({ index: i, reason: r.skip });
    else exchanges.push(r);
  });
  return { exchanges, skipped, creator };
}
