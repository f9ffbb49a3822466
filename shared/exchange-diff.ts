/** Diff of two recorded exchanges (status, headers, bodies). Pure. */
import type { RawHeaders } from './http-types';
import type { BodyCapture, BodyDiff, Exchange, ExchangeDiff, HeaderDiff } from './exchange-types';
import { base64ToBytes } from './base64';

function groupByName(headers: RawHeaders): Map<string, { name: string; values: string[] }> {
  const out = new Map<string, { name: string; values: string[] }>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const g = out.get(key);
    if (g) g.values.push(value);
    else out.set(key, { name, values: [value] });
  }
  return out;
}

export function diffHeaders(a: RawHeaders, b: RawHeaders): HeaderDiff {
  const ga = groupByName(a);
  const gb = groupByName(b);
  const diff: HeaderDiff = { added: [], removed: [], changed: [] };
  for (const [key, { name, values }] of ga) {
    const other = gb.get(key);
    if (!other) for (const v of values) diff.removed.push([name, v]);
    else if (other.values.length !== values.length || other.values.some((v, i) => v !== values[i])) {
      diff.changed.push({ name: key, a: [...values], b: [...other.values] });
    }
  }
  for (const [key, { name, values }] of gb) {
    if (!ga.has(key)) for (const v of values) diff.added.push([name, v]);
  }
  return diff;
}

function hex(n: number | undefined): string {
  return n === undefined ? 'end' : `0x${n.toString(16).padStart(2, '0')}`;
}

export function diffBodies(a: BodyCapture, b: BodyCapture): BodyDiff {
  const ba = base64ToBytes(a.captured);
  const bb = base64ToBytes(b.captured);
  const partial = a.truncated || b.truncated;
  const n = Math.min(ba.length, bb.length);
  let first = -1;
  for (let i = 0; i < n; i++) {
    if (ba[i] !== bb[i]) {
      first = i;
      break;
    }
  }
  if (first < 0 && ba.length !== bb.length) first = n;
  if (first < 0 && a.size !== b.size) first = n;
  const out: BodyDiff = { equal: first < 0, sizeA: a.size, sizeB: b.size, partial };
  if (first >= 0) {
    out.firstDifference = first;
    out.detail =
      first < ba.length || first < bb.length
        ? `byte ${first}: ${hex(ba[first])} vs ${hex(bb[first])}`
        : `sizes differ: ${a.size} vs ${b.size} bytes`;
  }
  return out;
}

export function diffExchanges(a: Exchange, b: Exchange): ExchangeDiff {
  const out: ExchangeDiff = {
    a: a.id,
    b: b.id,
    requestHeaders: diffHeaders(a.headers.clientRequest, b.headers.clientRequest),
    forwardedHeaders: diffHeaders(a.headers.forwardedRequest ?? [], b.headers.forwardedRequest ?? []),
    responseHeaders: diffHeaders(a.headers.clientResponse ?? [], b.headers.clientResponse ?? []),
    requestBody: diffBodies(a.requestBody, b.requestBody),
    responseBody: diffBodies(a.responseBody, b.responseBody),
  };
  if (a.method !== b.method) out.method = { a: a.method, b: b.method };
  if (a.url !== b.url) out.url = { a: a.url, b: b.url };
  if (a.status !== b.status) out.status = { a: a.status, b: b.status };
  return out;
}
