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
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    const hay = `${x.method} ${x.host}${x.url} ${x.status ?? ''} ${x.target ?? ''} ${x.errorCode ?? ''}`.toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
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
  if (x.errorCode !== undefined) s.errorCode = x.errorCode;
  if (x.replayOf !== undefined) s.replayOf = x.replayOf;
  return s;
}
