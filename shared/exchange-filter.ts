/**
 * The traffic list filter as a pure predicate, so the engine (exchanges.list)
 * and the renderer (live events) filter exactly the same way.
 */
import type { Exchange, ExchangeFilter, ExchangeSummary, StatusClass } from './exchange-types';

export function statusClassOf(x: Pick<ExchangeSummary, 'state' | 'status'>): StatusClass {
  if (x.state === 'error') return 'error';
  if (x.status === undefined) return x.state === 'pending' ? 'pending' : 'error';
  if (x.status < 200) return '1xx';
  if (x.status < 300) return '2xx';
  if (x.status < 400) return '3xx';
  if (x.status < 500) return '4xx';
  return '5xx';
}

/** Host without its port, lower-cased ("App.test:8080" -> "app.test", "[::1]:80" -> "::1"). */
export function hostWithoutPort(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : h;
  }
  const colon = h.lastIndexOf(':');
  return colon > 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.trim().toLowerCase();
  const h = hostWithoutPort(host);
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return h === hostWithoutPort(p);
}

export function matchesFilter(x: ExchangeSummary, filter: ExchangeFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.method !== undefined) {
    const methods = (Array.isArray(filter.method) ? filter.method : [filter.method]).map((m) => m.toUpperCase());
    if (methods.length > 0 && !methods.includes(x.method.toUpperCase())) return false;
  }
  if (filter.statusClass && filter.statusClass.length > 0 && !filter.statusClass.includes(statusClassOf(x))) return false;
  if (filter.host && !hostMatches(filter.host, x.host)) return false;
  if (filter.routeId !== undefined && x.routeId !== filter.routeId) return false;
  if (filter.source && filter.source.length > 0 && !filter.source.includes(x.source)) return false;
  if (filter.websocket !== undefined && x.websocket !== filter.websocket) return false;
  if (filter.text && !textMatches(x, filter.text.toLowerCase())) return false;
  return true;
}

/** Index of the colon before a numeric port ("app.test:8080" -> 8, "[::1]:80" -> 5), or -1. */
function portColon(host: string): number {
  const colon = host.lastIndexOf(':');
  if (colon < 0 || (host.charCodeAt(colon - 1) !== 0x5d /* ] */ && host.indexOf(':') !== colon)) return -1;
  for (let i = colon + 1; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
  }
  return colon;
}

/**
 * The host with a trailing ":port" removed, brackets kept ("app.test:8080" ->
 * "app.test", "[::1]:80" -> "[::1]"); the same string when there is no port.
 */
export function hostSansPort(host: string): string {
  const colon = portColon(host);
  return colon < 0 ? host : host.slice(0, colon);
}

/** Whether s[from, from + len) is needle[at, at + len), needle being lower case; no copies for ASCII. */
function regionMatches(s: string, from: number, needle: string, at: number, len: number): boolean {
  if (from < 0 || from + len > s.length) return false;
  for (let i = 0; i < len; i++) {
    let c = s.charCodeAt(from + i);
    if (c > 0x7f) return s.slice(from, from + len).toLowerCase() === needle.slice(at, at + len);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== needle.charCodeAt(at + i)) return false;
  }
  return true;
}

/**
 * The text filter: a substring of what the list row shows (the method, or "WS"
 * for a WebSocket; host and path, with or without the port; status; target;
 * error code). It runs over every row (100k and more) on each keystroke: one
 * string per row, and for "host/path" typed without the port, a comparison in
 * place when that missed, the host has a port and the text a "/" after its start.
 */
function textMatches(x: ExchangeSummary, needle: string): boolean {
  const hay = `${x.websocket ? 'WS ' : ''}${x.method} ${x.host}${x.url} ${x.status ?? ''} ${x.target ?? ''} ${x.errorCode ?? ''}`.toLowerCase();
  if (hay.includes(needle)) return true;
  // Text within the host or within the path matched above; what is left runs from the end of the host (before its port) into the path.
  for (let slash = needle.indexOf('/', 1); slash > 0; slash = needle.indexOf('/', slash + 1)) {
    if (!regionMatches(x.url, 0, needle, slash, needle.length - slash)) continue;
    const colon = portColon(x.host);
    if (colon >= 0 && regionMatches(x.host, colon - slash, needle, 0, slash)) return true;
  }
  return false;
}

/** The list-row view of a full exchange (drops headers, bodies, messages). */
export function summaryOf(x: Exchange): ExchangeSummary {
  const s: ExchangeSummary = {
    id: x.id,
    seq: x.seq,
    source: x.source,
    state: x.state,
    startedAt: x.startedAt,
    clientAddress: x.clientAddress,
    clientPort: x.clientPort,
    scheme: x.scheme,
    httpVersion: x.httpVersion,
    method: x.method,
    host: x.host,
    url: x.url,
    requestSize: x.requestSize,
    responseSize: x.responseSize,
    websocket: x.websocket,
  };
  if (x.endedAt !== undefined) s.endedAt = x.endedAt;
  if (x.routeId !== undefined) s.routeId = x.routeId;
  if (x.target !== undefined) s.target = x.target;
  if (x.status !== undefined) s.status = x.status;
  if (x.contentType !== undefined) s.contentType = x.contentType;
  if (x.wsMessageCount !== undefined) s.wsMessageCount = x.wsMessageCount;
  if (x.wsBytes !== undefined) s.wsBytes = x.wsBytes;
  if (x.errorCode !== undefined) s.errorCode = x.errorCode;
  if (x.replayOf !== undefined) s.replayOf = x.replayOf;
  return s;
}
