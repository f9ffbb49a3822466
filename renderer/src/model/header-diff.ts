import type { RawHeaders } from '../../../shared/http-types';

/**
 * Compares two header lists — what the client sent and what went upstream (or
 * what the upstream answered and what the client got) — line by line.
 * Pure: headers stay raw [name, value] pairs so case and order survive.
 */
export type HeaderChange = 'same' | 'added' | 'changed' | 'removed';

export interface HeaderDiffRow {
  /** Lower-cased header name: the key rows are grouped by. */
  key: string;
  /** Name as written on the left (before) side, when present there. */
  leftName?: string;
  leftValue?: string;
  rightName?: string;
  rightValue?: string;
  change: HeaderChange;
  /** A header a proxy is expected to touch: Host, Via, Forwarded, X-Forwarded-*. */
  notable: boolean;
}

const NOTABLE_EXACT = new Set(['host', ':authority', 'via', 'forwarded']);

export function isProxyHeader(name: string): boolean {
  const n = name.toLowerCase();
  return NOTABLE_EXACT.has(n) || n.startsWith('x-forwarded-') || n === 'x-real-ip';
}

interface Group {
  key: string;
  names: string[];
  values: string[];
}

function groupByName(headers: RawHeaders): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    let g = groups.get(key);
    if (!g) {
      g = { key, names: [], values: [] };
      groups.set(key, g);
    }
    g.names.push(name);
    g.values.push(value);
  }
  return groups;
}

/**
 * Rows in the order of the left list, then names only the right list has, in
 * its order. Repeated headers (Set-Cookie, …) are paired by position.
 */
export function diffHeaders(left: RawHeaders, right: RawHeaders): HeaderDiffRow[] {
  const l = groupByName(left);
  const r = groupByName(right);
  const keys = [...l.keys(), ...[...r.keys()].filter((k) => !l.has(k))];
  const rows: HeaderDiffRow[] = [];
  for (const key of keys) {
    const a = l.get(key);
    const b = r.get(key);
    const n = Math.max(a?.values.length ?? 0, b?.values.length ?? 0);
    const notable = isProxyHeader(key);
    for (let i = 0; i < n; i++) {
      const leftValue = a?.values[i];
      const rightValue = b?.values[i];
      const change: HeaderChange =
        leftValue === undefined ? 'added' : rightValue === undefined ? 'removed' : leftValue === rightValue ? 'same' : 'changed';
      const row: HeaderDiffRow = { key, change, notable };
      if (leftValue !== undefined) {
        row.leftName = a!.names[i];
        row.leftValue = leftValue;
      }
      if (rightValue !== undefined) {
        row.rightName = b!.names[i];
        row.rightValue = rightValue;
      }
      rows.push(row);
    }
  }
  return rows;
}

export interface HeaderDiffSummary {
  added: number;
  changed: number;
  removed: number;
}

export function summarizeDiff(rows: readonly HeaderDiffRow[]): HeaderDiffSummary {
  const s = { added: 0, changed: 0, removed: 0 };
  for (const row of rows) if (row.change !== 'same') s[row.change]++;
  return s;
}
