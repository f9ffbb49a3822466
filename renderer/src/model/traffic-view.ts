import type { ExchangeFilter, ExchangeSummary } from '../../../shared/exchange-types';
import { matchesFilter, statusClassOf } from '../../../shared/exchange-filter';
import { formatBytes, formatDuration, splitUrl } from './format';

/**
 * What the traffic list shows, derived from the store's rows: filtered, in
 * display order. Newest-first is a reversed index, not a reversed copy.
 */
export type ListMode = 'newest-first' | 'follow';

export interface ListView {
  count: number;
  at(displayIndex: number): ExchangeSummary;
  indexOfId(id: string): number;
  ids(): string[];
}

export function isFilterActive(f: ExchangeFilter): boolean {
  return Boolean(
    f.text?.trim() ||
      (Array.isArray(f.method) ? f.method.length : f.method) ||
      f.statusClass?.length ||
      f.host?.trim() ||
      f.routeId ||
      f.source?.length ||
      f.websocket !== undefined,
  );
}

export function buildListView(rows: readonly ExchangeSummary[], filter: ExchangeFilter, mode: ListMode): ListView {
  const base = isFilterActive(filter) ? rows.filter((x) => matchesFilter(x, normalizeFilter(filter))) : rows;
  const n = base.length;
  const at = mode === 'newest-first' ? (i: number) => base[n - 1 - i]! : (i: number) => base[i]!;
  let positions: Map<string, number> | null = null;
  return {
    count: n,
    at,
    indexOfId(id) {
      if (!positions) {
        positions = new Map();
        for (let i = 0; i < n; i++) positions.set(base[i]!.id, i);
      }
      const p = positions.get(id);
      if (p === undefined) return -1;
      return mode === 'newest-first' ? n - 1 - p : p;
    },
    ids: () => base.map((x) => x.id),
  };
}

function normalizeFilter(f: ExchangeFilter): ExchangeFilter {
  const out: ExchangeFilter = { ...f };
  if (out.text !== undefined) out.text = out.text.trim();
  if (out.host !== undefined) out.host = out.host.trim();
  return out;
}

/** The cells of one list row, as display strings. */
export interface RowCells {
  method: string;
  host: string;
  path: string;
  status: string;
  statusClass: string;
  duration: string;
  size: string;
  route: string;
}

export function rowCells(x: ExchangeSummary): RowCells {
  const cls = statusClassOf(x);
  return {
    method: x.websocket ? 'WS' : x.method,
    host: x.host,
    path: splitUrl(x.url).path + splitUrl(x.url).query,
    status: x.status !== undefined ? String(x.status) : x.state === 'pending' ? '…' : (x.errorCode ?? 'error'),
    statusClass: cls === 'error' ? 'serr' : cls === 'pending' ? 'spending' : `s${cls[0]}`,
    duration: x.endedAt !== undefined ? formatDuration(x.endedAt - x.startedAt) : '',
    size: formatBytes(x.responseSize),
    route: x.routeId ?? (x.source === 'import' ? 'imported' : 'no route'),
  };
}
