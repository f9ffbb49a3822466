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
  wsBytes: Column<number | null>;
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

/** The prefix most ids have before their seq ("e" for "e123"), from the first row. */
function idPrefixOf(first: ExchangeSummary | undefined): string {
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

/**
 * Builds one column in a single pass, ending as runs exactly when runs take fewer
 * numbers than one value per row (2 × runs < rows). It starts as runs (most columns
 * are a handful); a column that, after its first rows, changes on most of them
 * (times, ports) switches to plain values early and only counts its runs, becoming
 * runs again at the end in the unlikely case they turn out shorter.
 */
class ColumnBuilder<T extends number | null> {
  private runs: Array<T | number> | null = [];
  private values: T[] | null = null;
  private last: T | undefined;
  /** Rows in the current run. */
  private count = 0;
  private runTotal = 0;
  private rows = 0;

  constructor(private readonly n: number) {}

  push(v: T): void {
    const rows = ++this.rows;
    if (this.count > 0 && v === this.last) {
      this.count++;
      if (this.values) this.values.push(v);
      return;
    }
    if (this.count > 0) {
      this.runTotal++;
      if (this.runs) {
        this.runs.push(this.last as T, this.count);
        // Runs already as long as a value per row could ever be, or a column that changes on most of its first rows.
        if (this.runs.length >= this.n || (rows === SAMPLE_ROWS + 1 && this.runs.length > SAMPLE_ROWS)) {
          this.values = expandRuns(this.runs, rows - 1);
          this.runs = null;
        }
      }
    }
    this.last = v;
    this.count = 1;
    if (this.values) this.values.push(v);
  }

  done(): Column<T> {
    if (this.n === 0) return { runs: [] };
    const runTotal = this.runTotal + (this.count > 0 ? 1 : 0);
    if (2 * runTotal >= this.n) return this.values ?? expandRuns(this.closedRuns(), this.rows);
    if (this.runs) return { runs: this.closedRuns() };
    return { runs: toRuns(this.values!) };
  }

  private closedRuns(): Array<T | number> {
    const runs = this.runs!;
    if (this.count > 0) runs.push(this.last as T, this.count);
    this.count = 0;
    return runs;
  }
}

const SAMPLE_ROWS = 64;

function toRuns<T extends number | null>(values: readonly T[]): Array<T | number> {
  const runs: Array<T | number> = [];
  for (let i = 0; i < values.length; ) {
    let j = i + 1;
    while (j < values.length && values[j] === values[i]) j++;
    runs.push(values[i]!, j - i);
    i = j;
  }
  return runs;
}

function expandRuns<T extends number | null>(runs: Array<T | number>, rows: number): T[] {
  const out: T[] = [];
  for (let r = 0; r < runs.length; r += 2) {
    const v = runs[r] as T;
    for (let k = runs[r + 1] as number; k > 0; k--) out.push(v);
  }
  if (out.length !== rows) throw new RangeError('summary columns: internal run count mismatch');
  return out;
}

/**
 * Rows read one at a time: `row(i)` may hand back the same object every call, refilled
 * (absent fields as undefined), so a snapshot of 100k exchanges builds no object per row.
 * The encoder reads each row before asking for the next and keeps none of them.
 */
export interface SummaryRows {
  readonly count: number;
  row(i: number): ExchangeSummary;
}

export function encodeSummaryColumns(items: readonly ExchangeSummary[] | SummaryRows): SummaryColumns {
  const rows: SummaryRows = Array.isArray(items) ? { count: items.length, row: (i) => items[i]! } : (items as SummaryRows);
  // Times in ticks unless some time is not a whole number of them (a test clock): then again in ms.
  return encodeRows(rows, true) ?? encodeRows(rows, false)!;
}

/** undefined when `ticks` was asked for and some time is not a whole number of ticks. */
function encodeRows(rows: SummaryRows, ticks: boolean): SummaryColumns | undefined {
  const t = new StringTable();
  const n = rows.count;
  const idPrefix = idPrefixOf(n > 0 ? rows.row(0) : undefined);
  const num = () => new ColumnBuilder<number>(n);
  const opt = () => new ColumnBuilder<number | null>(n);
  const id = num();
  const seq = num();
  const startedAt = num();
  const endedAt = opt();
  const clientPort = num();
  const status = opt();
  const requestSize = num();
  const responseSize = num();
  const websocket = num();
  const wsMessageCount = opt();
  const wsBytes = opt();
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
  const source = num();
  const state = num();
  const clientAddress = num();
  const scheme = num();
  const httpVersion = num();
  const method = num();
  const host = num();
  const url = num();
  const routeId = num();
  const target = num();
  const contentType = num();
  const errorCode = num();
  const replayOf = num();
  let prevSeq = 0;
  let prevStart = 0;
  for (let i = 0; i < n; i++) {
    const x = rows.row(i);
    id.push(isPrefixedSeq(x.id, idPrefix, x.seq) ? -1 : strings.id(x.id));
    seq.push(x.seq - prevSeq);
    prevSeq = x.seq;
    if (ticks) {
      const start = inTicks(x.startedAt);
      const end = x.endedAt !== undefined ? inTicks(x.endedAt) : null;
      if (start === undefined || end === undefined) return undefined;
      startedAt.push(start - prevStart);
      prevStart = start;
      endedAt.push(end !== null ? end - start : null);
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
    wsBytes.push(x.wsBytes ?? null);
    errorCode.push(strings.errorCode(x.errorCode));
    replayOf.push(strings.replayOf(x.replayOf));
  }
  return {
    count: n,
    strings: t.strings,
    idPrefix,
    timeUnit: ticks ? 'ticks' : 'ms',
    id: id.done(),
    seq: seq.done(),
    source: source.done(),
    state: state.done(),
    startedAt: startedAt.done(),
    endedAt: endedAt.done(),
    clientAddress: clientAddress.done(),
    clientPort: clientPort.done(),
    scheme: scheme.done(),
    httpVersion: httpVersion.done(),
    method: method.done(),
    host: host.done(),
    url: url.done(),
    routeId: routeId.done(),
    target: target.done(),
    status: status.done(),
    contentType: contentType.done(),
    requestSize: requestSize.done(),
    responseSize: responseSize.done(),
    websocket: websocket.done(),
    wsMessageCount: wsMessageCount.done(),
    wsBytes: wsBytes.done(),
    errorCode: errorCode.done(),
    replayOf: replayOf.done(),
  };
}

/**
 * Reads one column row by row, straight from its runs or values (no expanded
 * copy per column), checking each value's kind as it goes.
 */
class ColumnReader {
  private readonly values: ReadonlyArray<unknown> | null;
  private readonly runs: ReadonlyArray<unknown> | null;
  private r = 0;
  private left = 0;
  private i = 0;

  constructor(
    private readonly key: string,
    col: unknown,
    n: number,
    /** 'n': numbers; 'o': numbers or null; 's' / 'S': string-table indexes (-1 allowed / not). */
    private readonly kind: 'n' | 'o' | 's' | 'S',
    private readonly table: readonly string[],
  ) {
    if (Array.isArray(col)) {
      if (col.length !== n) throw new RangeError(`summary columns: "${key}" must hold ${n} values`);
      this.values = col;
      this.runs = null;
      return;
    }
    const runs = (col as { runs?: unknown } | null)?.runs;
    if (!Array.isArray(runs) || runs.length % 2 !== 0) throw new RangeError(`summary columns: "${key}" must be a list of values or { runs }`);
    let total = 0;
    for (let r = 1; r < runs.length; r += 2) {
      const count = runs[r] as number;
      if (!Number.isInteger(count) || count <= 0) throw new RangeError(`summary columns: the runs of "${key}" do not add up to ${n}`);
      total += count;
    }
    if (total !== n) throw new RangeError(`summary columns: the runs of "${key}" do not add up to ${n}`);
    this.values = null;
    this.runs = runs;
  }

  /** The current run's value, checked and decoded once for the whole run (most columns are a few runs). */
  private decoded: unknown;

  /** Moves to the next run, and checks and decodes its value. */
  private nextRun(): void {
    const v = this.runs![this.r];
    this.left = this.runs![this.r + 1] as number;
    this.r += 2;
    this.decoded = this.kind === 'n' ? this.checkNumber(v) : this.kind === 'o' ? this.checkOptional(v) : this.lookUp(v as number);
  }

  private checkNumber(v: unknown): number {
    if (typeof v !== 'number') throw new RangeError(`summary columns: "${this.key}" must hold numbers`);
    return v;
  }

  private checkOptional(v: unknown): number | null {
    if (v !== null && typeof v !== 'number') throw new RangeError(`summary columns: "${this.key}" must hold numbers or null`);
    return v as number | null;
  }

  private lookUp(i: number): string | undefined {
    if (i === -1 && this.kind === 's') return undefined;
    const v = this.table[i];
    if (typeof v !== 'string') throw new RangeError(`summary columns: "${this.key}" refers to string ${String(i)}, which is not in the table`);
    return v;
  }

  number(): number {
    if (this.values) return this.checkNumber(this.values[this.i++]);
    if (this.left === 0) this.nextRun();
    this.left--;
    return this.decoded as number;
  }

  optional(): number | null {
    if (this.values) return this.checkOptional(this.values[this.i++]);
    if (this.left === 0) this.nextRun();
    this.left--;
    return this.decoded as number | null;
  }

  string(): string | undefined {
    if (this.values) return this.lookUp(this.values[this.i++] as number);
    if (this.left === 0) this.nextRun();
    this.left--;
    return this.decoded as string | undefined;
  }
}

/** The summaries back as objects, oldest first. Throws a RangeError when the value is not well formed. */
export function decodeSummaryColumns(c: SummaryColumns): ExchangeSummary[] {
  const n = checkedCount(c);
  const out: ExchangeSummary[] = new Array(n);
  decodeInto(c, n, out, 0);
  return out;
}

function checkedCount(c: SummaryColumns): number {
  const n = c?.count;
  if (!Number.isInteger(n) || n < 0 || !Array.isArray(c.strings) || typeof c.idPrefix !== 'string') {
    throw new RangeError('summary columns: bad count, string table or id prefix');
  }
  return n;
}

/** One reader per column of `c`, each checked against the n rows (throws a RangeError). */
function columnReaders(c: SummaryColumns, n: number) {
  if (c.timeUnit !== 'ticks' && c.timeUnit !== 'ms') throw new RangeError(`summary columns: unknown time unit "${String(c.timeUnit)}"`);
  const table = c.strings;
  const col = (key: ColumnKey, kind: 'n' | 'o' | 's' | 'S') => new ColumnReader(key, c[key], n, kind, table);
  return {
    idIndex: col('id', 'n'),
    seqDelta: col('seq', 'n'),
    startedAt: col('startedAt', 'n'),
    endedAt: col('endedAt', 'o'),
    source: col('source', 'S'),
    state: col('state', 'S'),
    clientAddress: col('clientAddress', 'S'),
    clientPort: col('clientPort', 'n'),
    scheme: col('scheme', 'S'),
    httpVersion: col('httpVersion', 'S'),
    method: col('method', 'S'),
    host: col('host', 'S'),
    url: col('url', 'S'),
    routeId: col('routeId', 's'),
    target: col('target', 's'),
    status: col('status', 'o'),
    contentType: col('contentType', 's'),
    requestSize: col('requestSize', 'n'),
    responseSize: col('responseSize', 'n'),
    websocket: col('websocket', 'n'),
    wsMessageCount: col('wsMessageCount', 'o'),
    wsBytes: col('wsBytes', 'o'),
    errorCode: col('errorCode', 's'),
    replayOf: col('replayOf', 's'),
  };
}

/** Decodes the n rows of `c` into out[at…at + n). */
function decodeInto(c: SummaryColumns, n: number, out: ExchangeSummary[], at: number): void {
  const table = c.strings;
  const {
    idIndex,
    seqDelta,
    startedAt,
    endedAt,
    source,
    state,
    clientAddress,
    clientPort,
    scheme,
    httpVersion,
    method,
    host,
    url,
    routeId,
    target,
    status,
    contentType,
    requestSize,
    responseSize,
    websocket,
    wsMessageCount,
    wsBytes,
    errorCode,
    replayOf,
  } = columnReaders(c, n);
  const ticks = c.timeUnit === 'ticks';
  let seq = 0;
  let start = 0;
  for (let i = 0; i < n; i++) {
    seq += seqDelta.number();
    const ended = endedAt.optional();
    let started: number;
    let end: number | undefined;
    if (ticks) {
      start += startedAt.number();
      started = start / TIME_TICKS_PER_MS;
      if (ended !== null) end = (start + ended) / TIME_TICKS_PER_MS;
    } else {
      started = startedAt.number();
      if (ended !== null) end = ended;
    }
    const idAt = idIndex.number();
    let id: string;
    if (idAt === -1) id = c.idPrefix + seq;
    else {
      const v = table[idAt];
      if (typeof v !== 'string') throw new RangeError(`summary columns: "id" refers to string ${idAt}, which is not in the table`);
      id = v;
    }
    const src = source.string() as ExchangeSource;
    const stt = state.string() as ExchangeState;
    const addr = clientAddress.string()!;
    const port = clientPort.number();
    const sch = scheme.string() as ExchangeSummary['scheme'];
    const ver = httpVersion.string() as HttpVersion;
    const meth = method.string()!;
    const hst = host.string()!;
    const u = url.string()!;
    const reqSize = requestSize.number();
    const resSize = responseSize.number();
    const isWs = websocket.number() === 1;
    const route = routeId.string();
    const tgt = target.string();
    const st = status.optional();
    const ct = contentType.string();
    let x: ExchangeSummary;
    if (end !== undefined && route !== undefined && tgt !== undefined && st !== null && ct !== undefined) {
      // The usual finished exchange: every field in one literal, so all of them sit in the
      // object itself (fields added afterwards need a second allocation per row).
      x = {
        id,
        seq,
        source: src,
        state: stt,
        startedAt: started,
        endedAt: end,
        clientAddress: addr,
        clientPort: port,
        scheme: sch,
        httpVersion: ver,
        method: meth,
        host: hst,
        url: u,
        routeId: route,
        target: tgt,
        status: st,
        contentType: ct,
        requestSize: reqSize,
        responseSize: resSize,
        websocket: isWs,
      };
    } else {
      x = {
        id,
        seq,
        source: src,
        state: stt,
        startedAt: started,
        clientAddress: addr,
        clientPort: port,
        scheme: sch,
        httpVersion: ver,
        method: meth,
        host: hst,
        url: u,
        requestSize: reqSize,
        responseSize: resSize,
        websocket: isWs,
      };
      if (end !== undefined) x.endedAt = end;
      if (route !== undefined) x.routeId = route;
      if (tgt !== undefined) x.target = tgt;
      if (st !== null) x.status = st;
      if (ct !== undefined) x.contentType = ct;
    }
    const ws = wsMessageCount.optional();
    if (ws !== null) x.wsMessageCount = ws;
    const wsb = wsBytes.optional();
    if (wsb !== null) x.wsBytes = wsb;
    const err = errorCode.string();
    if (err !== undefined) x.errorCode = err;
    const rep = replayOf.string();
    if (rep !== undefined) x.replayOf = rep;
    out[at + i] = x;
  }
}

/**
 * exchanges.snapshot's answer: the rows in consecutive blocks, oldest first, each a
 * SummaryColumns of its own (own string table). The engine encodes a block of
 * finished exchanges once and keeps its JSON, so a snapshot mostly splices text it
 * already has (main/recorder/snapshot-blocks.ts).
 */
export interface SummarySnapshot {
  /** Rows in all blocks together. */
  count: number;
  blocks: SummaryColumns[];
}

/** The summaries of every block, in order. Throws a RangeError when the value is not well formed. */
export function decodeSummarySnapshot(s: SummarySnapshot): ExchangeSummary[] {
  return new SnapshotRows(s).toArray();
}

/**
 * A snapshot's rows, decoded a block at a time when a row of the block is first
 * read, or ahead of need with decodeSome(): a list of 100k rows can be shown after
 * decoding the few blocks on screen, and the rest decoded in slices afterwards.
 * Decoding 100k rows at once holds a page's only thread for 200–300 ms.
 *
 * The shape (counts, column lengths, runs adding up) is checked when made, and
 * throws a RangeError; a value of the wrong kind inside a column (a string index
 * outside the table) is found only when its block is decoded, and then throws
 * from at() / decodeSome() / toArray().
 */
export class SnapshotRows {
  readonly length: number;
  private readonly rows: ExchangeSummary[];
  /** First row of each block, ascending. */
  private readonly starts: number[] = [];
  private readonly blocks: readonly SummaryColumns[];
  private readonly decoded: boolean[];
  /** Blocks not yet decoded. */
  private left: number;
  /** decodeSome() goes from the newest block back (the rows a list shows first). */
  private cursor: number;

  constructor(s: SummarySnapshot) {
    if (s === null || typeof s !== 'object' || !Array.isArray(s.blocks) || !Number.isInteger(s.count) || s.count < 0) {
      throw new RangeError('summary snapshot: bad count or blocks');
    }
    let total = 0;
    for (const block of s.blocks) {
      const n = checkedCount(block);
      checkShape(block, n);
      this.starts.push(total);
      total += n;
    }
    if (total !== s.count) throw new RangeError(`summary snapshot: the blocks hold ${total} rows, not ${s.count}`);
    this.length = total;
    this.rows = new Array(total);
    this.blocks = s.blocks;
    this.decoded = s.blocks.map(() => false);
    this.left = s.blocks.length;
    this.cursor = s.blocks.length - 1;
  }

  /** Row i (oldest first), or undefined outside 0…length-1. */
  at(i: number): ExchangeSummary | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    const row = this.rows[i];
    if (row !== undefined) return row;
    this.decodeBlock(this.blockOf(i));
    return this.rows[i];
  }

  /** True once every block is decoded. */
  get complete(): boolean {
    return this.left === 0;
  }

  /** Decodes blocks, newest first, until all are or `budgetMs` has passed; returns complete. */
  decodeSome(budgetMs: number, now: () => number = Date.now): boolean {
    const end = now() + budgetMs;
    while (this.left > 0) {
      while (this.decoded[this.cursor]) this.cursor--;
      this.decodeBlock(this.cursor);
      if (now() >= end) break;
    }
    return this.left === 0;
  }

  /** Every row as one array (decodes what is left; the array is this list's own, not a copy). */
  toArray(): ExchangeSummary[] {
    while (!this.decodeSome(Infinity));
    return this.rows;
  }

  private blockOf(i: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private decodeBlock(b: number): void {
    if (this.decoded[b]) return;
    const block = this.blocks[b]!;
    decodeInto(block, block.count, this.rows, this.starts[b]!);
    this.decoded[b] = true;
    this.left--;
  }
}

/** Checks what can be checked without decoding: the time unit and every column's length or runs. */
function checkShape(c: SummaryColumns, n: number): void {
  columnReaders(c, n);
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
  'wsBytes',
  'errorCode',
  'replayOf',
] as const satisfies ReadonlyArray<keyof SummaryColumns>;

/** Compile-time check: a field added to ExchangeSummary must get a column here too. */
export type SummaryColumnsCoverEveryField = { [K in keyof ExchangeSummary]-?: SummaryColumns[K] };
