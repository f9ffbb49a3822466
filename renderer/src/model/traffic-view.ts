import { shownSize, type ExchangeFilter, type ExchangeSummary } from '../../../shared/exchange-types';
import { matchesFilter, statusClassOf } from '../../../shared/exchange-filter';
import { formatBytes, formatDuration, splitUrl } from './format';
import type { RowList, TrafficSnapshot } from './traffic-store';

/**
 * What the traffic list shows, derived from the store's rows: filtered, in
 * display order. Newest-first is a reversed index, not a reversed copy.
 */
export type ListMode = 'newest-first' | 'follow';

export interface ListView {
  count: number;
  at(displayIndex: number): ExchangeSummary;
  /** Display index of the exchange with this seq, or -1 when it is not in the view. */
  indexOfSeq(seq: number): number;
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

/** A one-off list view (tests, small lists): filters everything. */
export function buildListView(rows: RowList, filter: ExchangeFilter, mode: ListMode): ListView {
  return new FilteredRows().view({ version: 1, rows, change: { kind: 'reset' }, loading: false }, filter, mode);
}

/**
 * The filtered list, kept incrementally across store snapshots: new rows are
 * tested once as they arrive, replaced rows are re-tested, dropped-oldest rows
 * shift positions; only a filter change or a reset rescans everything.
 */
export class FilteredRows {
  private key = '';
  private version = -1;
  private predicate: ((x: ExchangeSummary) => boolean) | null = null;
  /** Positions (into the snapshot's rows) that match, ascending. */
  private positions: number[] = [];

  view(snapshot: TrafficSnapshot, filter: ExchangeFilter, mode: ListMode): ListView {
    const active = isFilterActive(filter);
    if (!active) {
      this.key = '';
      this.version = -1;
      return listView(snapshot.rows, null, snapshot.rows.length, mode);
    }
    const key = JSON.stringify(filter);
    const change = snapshot.change;
    if (key !== this.key || this.predicate === null) {
      this.key = key;
      const f = normalizeFilter(filter);
      this.predicate = (x) => matchesFilter(x, f);
      this.rescan(snapshot.rows);
    } else if (snapshot.version === this.version) {
      // Same snapshot again: nothing to do.
    } else if (snapshot.version === this.version + 1 && change.kind === 'append') {
      this.apply(snapshot.rows, change);
    } else {
      this.rescan(snapshot.rows);
    }
    this.version = snapshot.version;
    return listView(snapshot.rows, this.positions, this.positions.length, mode);
  }

  private rescan(rows: RowList): void {
    const p = this.predicate!;
    const out: number[] = [];
    for (let i = 0; i < rows.length; i++) if (p(rows.at(i)!)) out.push(i);
    this.positions = out;
  }

  private apply(rows: RowList, change: Extract<TrafficSnapshot['change'], { kind: 'append' }>): void {
    const p = this.predicate!;
    let positions = this.positions;
    if (change.dropped > 0) {
      const d = change.dropped;
      positions = positions.filter((i) => i >= d).map((i) => i - d);
    }
    if (change.updated.length > 0) {
      const set = new Set(positions);
      let changed = false;
      for (const pos of change.updated) {
        const match = p(rows.at(pos)!);
        if (match !== set.has(pos)) {
          changed = true;
          if (match) set.add(pos);
          else set.delete(pos);
        }
      }
      if (changed) positions = [...set].sort((a, b) => a - b);
    }
    // Appending to a fresh array keeps earlier views (which hold their own count) valid.
    if (positions === this.positions) positions = positions.slice();
    for (let i = change.from; i < rows.length; i++) if (p(rows.at(i)!)) positions.push(i);
    this.positions = positions;
  }
}

function listView(rows: RowList, positions: readonly number[] | null, n: number, mode: ListMode): ListView {
  const row = positions ? (i: number) => rows.at(positions[i]!)! : (i: number) => rows.at(i)!;
  const at = mode === 'newest-first' ? (i: number) => row(n - 1 - i) : row;
  return {
    count: n,
    at,
    indexOfSeq(seq) {
      // Rows are sorted by seq, and so are the filtered positions: two binary searches.
      const p = lowerBound(n, (i) => row(i).seq < seq);
      if (p >= n || row(p).seq !== seq) return -1;
      return mode === 'newest-first' ? n - 1 - p : p;
    },
    ids: () => Array.from({ length: n }, (_, i) => row(i).id),
  };
}

/** The first index in [0, n) for which `before` is false (before must be monotone). */
function lowerBound(n: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
  /** The response body's size; for a WebSocket, the payload its messages carried both ways. */
  size: string;
  /** What the size counts, when that is not obvious (a WebSocket's messages). */
  sizeTitle?: string;
  route: string;
}

export function rowCells(x: ExchangeSummary): RowCells {
  const cls = statusClassOf(x);
  const cells: RowCells = {
    method: x.websocket ? 'WS' : x.method,
    host: x.host,
    path: splitUrl(x.url).path + splitUrl(x.url).query,
    status: x.status !== undefined ? String(x.status) : x.state === 'pending' ? '…' : (x.errorCode ?? 'error'),
    statusClass: cls === 'error' ? 'serr' : cls === 'pending' ? 'spending' : `s${cls[0]}`,
    duration: x.endedAt !== undefined ? formatDuration(x.endedAt - x.startedAt) : '',
    size: formatBytes(shownSize(x)),
    route: x.routeId ?? (x.source === 'import' ? 'imported' : 'no route'),
  };
  if (x.websocket && x.wsBytes !== undefined) {
    const n = x.wsMessageCount ?? 0;
    cells.sizeTitle = `${n} message${n === 1 ? '' : 's'}, ${x.wsBytes} bytes of payload in both directions`;
  }
  return cells;
}
