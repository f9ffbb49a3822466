/**
 * Many exchange summaries in one compact, column-wise value (the result of
 * exchanges.snapshot): one array per field instead of one object per row, every
 * string stored once in a shared table, and (almost) only small integers. 100k
 * summaries as JSON objects are ~40 MB to serialise, send and parse; as columns
 * they are a few MB, and the renderer loads a whole traffic list in one call.
 *
 * Encoding, per field of ExchangeSummary:
 * - id: -1 when the id is `idPrefix` followed by the seq (the recorder's "e123"),
 *   else an index into `strings`;
 * - seq: the difference from the previous row's seq (the first row's from 0);
 * - other strings (host, url, …): index into `strings`; -1 when the field is absent;
 * - startedAt / endedAt: see `timeUnit`; endedAt is null while absent;
 * - other numbers: the number; null when the field is absent;
 * - websocket: 1 or 0.
 * A column whose values repeat is sent as runs ({ runs: [value, count, …] }):
 * most columns of real traffic are a handful of runs (one route, one method).
 * decodeSummaryColumns(encodeSummaryColumns(xs)) deep-equals xs, to the bit.
 *
 * Pure: no node:*, no DOM.
 */
import type { ExchangeSource, ExchangeState, ExchangeSummary } from './exchange-types';
import type { HttpVersion } from './http-types';

/**
 * Epoch-ms times between 2004 and 2039 are doubles in [2^40, 2^41), so each is an
 * exact multiple of 2^-12 ms: counted in these ticks they are exact integers, and
 * the gaps between them are small ones. Printing and parsing a fractional double
 * costs ~10x an integer, and 17 characters instead of 3-6.
 */
export const TIME_TICKS_PER_MS = 4096;

/** One column: a value per row, or (when that is shorter) runs of equal values. */
export type Column<T extends number | null> = T[] | { runs: Array<T | number> };

export interface SummaryColumns {
  /** Rows, oldest first (by seq). */
  count: number;
  /** Every distinct string the string columns refer to. */
  strings: string[];
  /** See `id`. */
  idPrefix: string;
  /**
   * 'ticks': startedAt is the difference, in 1/TIME_TICKS_PER_MS ms, from the previous
   * row's startedAt (the first row's from 0) and endedAt the difference from the row's
   * own startedAt, both integers. 'ms': both are plain epoch ms (when some time is not
   * a whole number of ticks, e.g. a test clock).
   */
  timeUnit: 'ticks' | 'ms';
  id: Column<number>;
  seq: Column<number>;
  source: Column<number>;
  state: Column<number>;
  startedAt: Column<number>;
  endedAt: Column<number | null>;
  clientAddress: Column<number>;
  clientPort: Column<number>;
  scheme: Column<number>;
  httpVersion: Column<number>;
  method: Column<number>;
  host: Column<number>;
  url: Column<number>;
  routeId: Column<number>;
  target: Column<number>;
  status: Column<number | null>;
  contentType: Column<number>;
  requestSize: Column<number>;
  responseSize: Column<number>;
  websocket: Column<number>;
  wsMessageCount: Column<number | null>;
  errorCode: Column<number>;
  replayOf: Column<number>;
}

/** Interns strings into one table: each distinct string gets one index. */
class StringTable {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();

  of(s: string | undefined): number {
    if (s === undefined) return -1;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  /** One column's interning: consecutive rows mostly repeat a value, so the last one is remembered. */
  column(): (s: string | undefined) => number {
    let last: string | undefined;
    let lastIndex = -1;
    return (s) => {
      if (s === last) return lastIndex;
      last = s;
      lastIndex = this.of(s);
      return lastIndex;
    };
  }
}

function inTicks(ms: number): number | undefined {
  const t = ms * TIME_TICKS_PER_MS;
  return Number.isSafeInteger(t) && t >= 0 ? t : undefined;
}

/** True when every time of every row is a whole number of ticks (so 'ticks' is exact). */
function ticksAreExact(items: readonly ExchangeSummary[]): boolean {
  for (const x of items) {
    if (inTicks(x.startedAt) === undefined) return false;
    if (x.endedAt !== undefined && inTicks(x.endedAt) === undefined) return false;
  }
  return true;
}

/** The prefix most ids have before their seq ("e" for "e123"). */
function idPrefixOf(items: readonly ExchangeSummary[]): string {
  const first = items[0];
  if (!first) return '';
  const seq = String(first.seq);
  return first.id.endsWith(seq) ? first.id.slice(0, first.id.length - seq.length) : '';
}

/** id === prefix + String(seq), without building the string (seq: a positive integer). */
function isPrefixedSeq(id: string, prefix: string, seq: number): boolean {
  if (!id.startsWith(prefix) || id.length === prefix.length || !Number.isSafeInteger(seq) || seq < 0) return false;
  if (id.charCodeAt(prefix.length) === 48 && id.length > prefix.length + 1) return false; // a leading zero
  let v = 0;
  for (let i = prefix.length; i < id.length; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    v = v * 10 + d;
  }
  return v === seq;
}

type ColumnKey = (typeof COLUMN_KEYS)[number];

/** The column as runs when that takes fewer numbers than one value per row. */
function compact<T extends number | null>(values: T[]): Column<T> {
  const runs: Array<T | number> = [];
  for (let i = 0; i < values.length; ) {
    const v = values[i]!;
    let j = i + 1;
    while (j < values.length && values[j] === v) j++;
    runs.push(v, j - i);
    if (runs.length >= values.length) return values;
    i = j;
  }
  return { runs };
}

function expand(key: string, col: unknown, n: number): Array<number | null> {
  if (Array.isArray(col)) {
    if (col.length !== n) throw new RangeError(`summary columns: "${key}" must hold ${n} values`);
    return col as Array<number | null>;
  }
  const runs = (col as { runs?: unknown } | null)?.runs;
  if (!Array.isArray(runs) || runs.length % 2 !== 0) throw new RangeError(`summary columns: "${key}" must be a list of values or { runs }`);
  const out: Array<number | null> = new Array(n);
  let at = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const v = runs[r] as number | null;
    const count = runs[r + 1] as number;
    if (!Number.isInteger(count) || count <= 0 || at + count > n) throw new RangeError(`summary columns: the runs of "${key}" do not add up to ${n}`);
    out.fill(v, at, at + count);
    at += count;
  }
  if (at !== n) throw new RangeError(`summary columns: the runs of "${key}" do not add up to ${n}`);
  return out;
}

export function encodeSummaryColumns(items: readonly ExchangeSummary[]): SummaryColumns {
  const t = new StringTable();
  const ticks = ticksAreExact(items);
  const idPrefix = idPrefixOf(items);
  // Plain local arrays, one per field, filled in one pass (monomorphic and allocation-light).
  const id: number[] = [];
  const seq: number[] = [];
  const startedAt: number[] = [];
  const endedAt: Array<number | null> = [];
  const clientPort: number[] = [];
  const status: Array<number | null> = [];
  const requestSize: number[] = [];
  const responseSize: number[] = [];
  const websocket: number[] = [];
  const wsMessageCount: Array<number | null> = [];
  const strings = {
    id: t.column(),
    source: t.column(),
    state: t.column(),
    clientAddress: t.column(),
    scheme: t.column(),
    httpVersion: t.column(),
    method: t.column(),
    host: t.column(),
    url: t.column(),
    routeId: t.column(),
    target: t.column(),
    contentType: t.column(),
    errorCode: t.column(),
    replayOf: t.column(),
  };
  const source: number[] = [];
  const state: number[] = [];
  const clientAddress: number[] = [];
  const scheme: number[] = [];
  const httpVersion: number[] = [];
  const method: number[] = [];
  const host: number[] = [];
  const url: number[] = [];
  const routeId: number[] = [];
  const target: number[] = [];
  const contentType: number[] = [];
  const errorCode: number[] = [];
  const replayOf: number[] = [];
  let prevSeq = 0;
  let prevStart = 0;
  for (const x of items) {
    id.push(isPrefixedSeq(x.id, idPrefix, x.seq) ? -1 : strings.id(x.id));
    seq.push(x.seq - prevSeq);
    prevSeq = x.seq;
    if (ticks) {
      const start = x.startedAt * TIME_TICKS_PER_MS;
      startedAt.push(start - prevStart);
      prevStart = start;
      endedAt.push(x.endedAt !== undefined ? x.endedAt * TIME_TICKS_PER_MS - start : null);
    } else {
      startedAt.push(x.startedAt);
      endedAt.push(x.endedAt ?? null);
    }
    source.push(strings.source(x.source));
    state.push(strings.state(x.state));
    clientAddress.push(strings.clientAddress(x.clientAddress));
    clientPort.push(x.clientPort);
    scheme.push(strings.scheme(x.scheme));
    httpVersion.push(strings.httpVersion(x.httpVersion));
    method.push(strings.method(x.method));
    host.push(strings.host(x.host));
    url.push(strings.url(x.url));
    routeId.push(strings.routeId(x.routeId));
    target.push(strings.target(x.target));
    status.push(x.status ?? null);
    contentType.push(strings.contentType(x.contentType));
    requestSize.push(x.requestSize);
    responseSize.push(x.responseSize);
    websocket.push(x.websocket ? 1 : 0);
    wsMessageCount.push(x.wsMessageCount ?? null);
    errorCode.push(strings.errorCode(x.errorCode));
    replayOf.push(strings.replayOf(x.replayOf));
  }
  return {
    count: items.length,
    strings: t.strings,
    idPrefix,
    timeUnit: ticks ? 'ticks' : 'ms',
    id: compact(id),
    seq: compact(seq),
    source: compact(source),
    state: compact(state),
    startedAt: compact(startedAt),
    endedAt: compact(endedAt),
    clientAddress: compact(clientAddress),
    clientPort: compact(clientPort),
    scheme: compact(scheme),
    httpVersion: compact(httpVersion),
    method: compact(method),
    host: compact(host),
    url: compact(url),
    routeId: compact(routeId),
    target: compact(target),
    status: compact(status),
    contentType: compact(contentType),
    requestSize: compact(requestSize),
    responseSize: compact(responseSize),
    websocket: compact(websocket),
    wsMessageCount: compact(wsMessageCount),
    errorCode: compact(errorCode),
    replayOf: compact(replayOf),
  };
}

/** The summaries back as objects, oldest first. Throws a RangeError when the value is not well formed. */
export function decodeSummaryColumns(c: SummaryColumns): ExchangeSummary[] {
  const n = c.count;
  if (!Number.isInteger(n) || n < 0 || !Array.isArray(c.strings) || typeof c.idPrefix !== 'string') {
    throw new RangeError('summary columns: bad count, string table or id prefix');
  }
  if (c.timeUnit !== 'ticks' && c.timeUnit !== 'ms') throw new RangeError(`summary columns: unknown time unit "${String(c.timeUnit)}"`);
  const table = c.strings;
  /** Required string columns may not say "absent" (-1). */
  const strings = (key: ColumnKey, required = false): string[] =>
    (expand(key, c[key], n) as number[]).map((i) => {
      if (i === -1 && !required) return undefined as unknown as string;
      const v = table[i];
      if (typeof v !== 'string') throw new RangeError(`summary columns: "${key}" refers to string ${i}, which is not in the table`);
      return v;
    });
  const numbers = (key: ColumnKey): number[] => {
    const col = expand(key, c[key], n);
    for (const v of col) if (typeof v !== 'number') throw new RangeError(`summary columns: "${key}" must hold numbers`);
    return col as number[];
  };
  const optional = (key: ColumnKey): Array<number | null> => {
    const col = expand(key, c[key], n);
    for (const v of col) if (v !== null && typeof v !== 'number') throw new RangeError(`summary columns: "${key}" must hold numbers or null`);
    return col;
  };
  const idIndex = numbers('id');
  const seqDelta = numbers('seq');
  const startedAt = numbers('startedAt');
  const endedAt = optional('endedAt');
  const source = strings('source', true);
  const state = strings('state', true);
  const clientAddress = strings('clientAddress', true);
  const clientPort = numbers('clientPort');
  const scheme = strings('scheme', true);
  const httpVersion = strings('httpVersion', true);
  const method = strings('method', true);
  const host = strings('host', true);
  const url = strings('url', true);
  const routeId = strings('routeId');
  const target = strings('target');
  const status = optional('status');
  const contentType = strings('contentType');
  const requestSize = numbers('requestSize');
  const responseSize = numbers('responseSize');
  const websocket = numbers('websocket');
  const wsMessageCount = optional('wsMessageCount');
  const errorCode = strings('errorCode');
  const replayOf = strings('replayOf');
  const ticks = c.timeUnit === 'ticks';
  const out: ExchangeSummary[] = new Array(n);
  let seq = 0;
  let start = 0;
  for (let i = 0; i < n; i++) {
    seq += seqDelta[i]!;
    const ended = endedAt[i];
    let started: number;
    let end: number | undefined;
    if (ticks) {
      start += startedAt[i]!;
      started = start / TIME_TICKS_PER_MS;
      if (ended !== null && ended !== undefined) end = (start + ended) / TIME_TICKS_PER_MS;
    } else {
      started = startedAt[i]!;
      if (ended !== null && ended !== undefined) end = ended;
    }
    const idAt = idIndex[i]!;
    let id: string;
    if (idAt === -1) id = c.idPrefix + seq;
    else {
      const v = table[idAt];
      if (typeof v !== 'string') throw new RangeError(`summary columns: "id" refers to string ${idAt}, which is not in the table`);
      id = v;
    }
    const x: ExchangeSummary = {
      id,
      seq,
      source: source[i] as ExchangeSource,
      state: state[i] as ExchangeState,
      startedAt: started,
      clientAddress: clientAddress[i]!,
      clientPort: clientPort[i]!,
      scheme: scheme[i] as ExchangeSummary['scheme'],
      httpVersion: httpVersion[i] as HttpVersion,
      method: method[i]!,
      host: host[i]!,
      url: url[i]!,
      requestSize: requestSize[i]!,
      responseSize: responseSize[i]!,
      websocket: websocket[i] === 1,
    };
    if (end !== undefined) x.endedAt = end;
    if (routeId[i] !== undefined) x.routeId = routeId[i];
    if (target[i] !== undefined) x.target = target[i];
    const st = status[i];
    if (st !== null && st !== undefined) x.status = st;
    if (contentType[i] !== undefined) x.contentType = contentType[i];
    const ws = wsMessageCount[i];
    if (ws !== null && ws !== undefined) x.wsMessageCount = ws;
    if (errorCode[i] !== undefined) x.errorCode = errorCode[i];
    if (replayOf[i] !== undefined) x.replayOf = replayOf[i];
    out[i] = x;
  }
  return out;
}

const COLUMN_KEYS = [
  'id',
  'seq',
  'source',
  'state',
  'startedAt',
  'endedAt',
  'clientAddress',
  'clientPort',
  'scheme',
  'httpVersion',
  'method',
  'host',
  'url',
  'routeId',
  'target',
  'status',
  'contentType',
  'requestSize',
  'responseSize',
  'websocket',
  'wsMessageCount',
  'errorCode',
  'replayOf',
] as const satisfies ReadonlyArray<keyof SummaryColumns>;

/** Compile-time check: a field added to ExchangeSummary must get a column here too. */
export type SummaryColumnsCoverEveryField = { [K in keyof ExchangeSummary]-?: SummaryColumns[K] };
