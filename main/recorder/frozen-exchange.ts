/**
 * A finished exchange held off the V8 heap.
 *
 * While in flight an exchange is a RecordedExchange: a dozen objects and several
 * strings that the taps fill in. Once it is over nothing changes it again, yet the
 * ring keeps it for thousands of exchanges more, and every young-generation
 * collection until its promotion copies each of those objects; promoted, they
 * grow the old generation that V8 sizes itself by. So a finished record is
 * encoded into a slab of bytes (RecordArena) and the store holds a FrozenExchange
 * instead: one small object pointing at its bytes. Reading decodes, and gives
 * exactly what the live record gave (summary() and toExchange() alike).
 *
 * A WebSocket exchange is frozen with the messages it holds once its tunnel has closed.
 * Records a slab cannot carry exactly stay live (header sets kept as pair arrays):
 * freezeExchange returns undefined.
 */
import type { Exchange, ExchangeSource, ExchangeState, ExchangeSummary, ExchangeTimings, WsDirection, WsMessage } from '../../shared/exchange-types';
import type { HttpVersion, TlsInfo } from '../../shared/http-types';
import { bytesToBase64 } from '../../shared/base64';
import { parseHeadBlock } from '../../shared/raw-headers';
import type { RecordArena, Slab } from './record-arena';
import type { RecordedExchange, StoredHeaders } from './recorded-exchange';

// ---------------------------------------------------------------- layout
// A record starts 8-aligned: eight float64s, then uint32s, then the slots' bytes.
const F_STARTED = 0;
const F_ENDED = 1;
const F_RECEIVED = 2;
const F_UPSTREAM_CONNECTED = 3;
const F_RESPONSE_HEADERS = 4;
const F_RESPONSE_END = 5;
const F_REQUEST_SIZE = 6;
const F_RESPONSE_SIZE = 7;
const FLOATS = 8;
// uint32 indexes, counted from the record's start
const U_STATUS = FLOATS * 2; // 0: none
const U_UPSTREAM_STATUS = U_STATUS + 1;
const U_CLIENT_PORT = U_STATUS + 2;
const U_FLAGS = U_STATUS + 3;
const U_PRESENT = U_STATUS + 4; // bit per slot: the value is there (an empty string is there)
const U_INTERNED = U_STATUS + 5; // bit per slot: it holds a uint32 (4-aligned) index into the arena's InternTable
const U_SLOT_ENDS = U_STATUS + 6; // one end offset per slot, from the record's start

// Slots, in the order their bytes follow one another.
const S_METHOD = 0;
const S_HOST = 1;
const S_URL = 2;
const S_CLIENT_ADDRESS = 3;
const S_TARGET = 4;
const S_ROUTE_ID = 5;
const S_REPLAY_OF = 6;
const S_FORWARDED_METHOD = 7;
const S_FORWARDED_PATH = 8;
const S_ERROR_CODE = 9;
const S_ERROR_MESSAGE = 10;
const S_CONTENT_TYPE = 11;
const S_CLIENT_REQUEST = 12;
const S_FORWARDED_REQUEST = 13;
const S_UPSTREAM_RESPONSE = 14;
const S_CLIENT_RESPONSE = 15;
const S_TLS_SNI = 16;
const S_TLS_ALPN = 17;
const S_TLS_VERSION = 18;
const S_TLS_CIPHER = 19;
const S_NOTES = 20; // JSON array of strings
const S_REQUEST_BODY = 21; // bytes
const S_RESPONSE_BODY = 22; // bytes
const S_WS_MESSAGES = 23; // a WebSocket exchange's messages (see writeWsMessages); empty otherwise
const SLOTS = 24;
/** Slots whose values repeat across exchanges: interned (see InternTable). */
const INTERNABLE =
  (1 << S_METHOD) |
  (1 << S_HOST) |
  (1 << S_CLIENT_ADDRESS) |
  (1 << S_TARGET) |
  (1 << S_ROUTE_ID) |
  (1 << S_FORWARDED_METHOD) |
  (1 << S_ERROR_CODE) |
  (1 << S_CONTENT_TYPE) |
  (1 << S_TLS_SNI) |
  (1 << S_TLS_ALPN) |
  (1 << S_TLS_VERSION) |
  (1 << S_TLS_CIPHER);
const HEADER_BYTES = (U_SLOT_ENDS + SLOTS) * 4;

// Bits of the flags word.
const STATES: readonly ExchangeState[] = ['pending', 'complete', 'error'];
const SOURCES: readonly ExchangeSource[] = ['proxy', 'replay', 'import'];
const VERSIONS: readonly HttpVersion[] = ['1.0', '1.1', '2'];
const FL_STATE_SHIFT = 0; // 2 bits
const FL_SOURCE_SHIFT = 2; // 2 bits
const FL_VERSION_SHIFT = 4; // 2 bits
const FL_HTTPS = 1 << 6;
const FL_REUSED_KNOWN = 1 << 7;
const FL_REUSED = 1 << 8;
const FL_CONTENT_DECODED = 1 << 9;
const FL_REQUEST_TRUNCATED = 1 << 10;
const FL_RESPONSE_TRUNCATED = 1 << 11;
const FL_TLS = 1 << 12;
const FL_WEBSOCKET = 1 << 13;

// The WebSocket slot, 8-aligned: three uint32s (messages seen in all, dropped, held), padding
// to 8, a float64 (payload bytes of all messages seen), then per held message 8-aligned:
// float64 time, float64 size, uint32 direction (bit 0) and opcode (<< 1), uint32 captured
// length, then the captured bytes.
const WS_HEAD_BYTES = 24;
const WS_MESSAGE_BYTES = 24;
const DIRECTIONS: readonly WsDirection[] = ['client-to-upstream', 'upstream-to-client'];

/** A stored header set the slab can carry: absent, or one head string (not a pair array). */
function isHead(h: StoredHeaders | undefined): boolean {
  return h === undefined || typeof h === 'string';
}

/**
 * The strings of the exchange being frozen, slot by slot: one array reused for every
 * exchange (freezing is synchronous), emptied as they are written.
 */
const scratch: (string | undefined)[] = new Array<string | undefined>(S_REQUEST_BODY).fill(undefined);

/** The bytes a string may take in UTF-8, at most. */
function maxUtf8(s: string | undefined): number {
  return s === undefined ? 0 : s.length * 3;
}

/**
 * Buffer.prototype.utf8Slice and utf8Write: what toString('utf8', s, e) and write(s, o, 'utf8')
 * call after checking and defaulting their arguments, present in every Node release. Every
 * finished exchange writes its strings and a 100k snapshot decodes a URL per row; the
 * argument handling cost more than the copying. The public methods when they are missing.
 */
interface NativeUtf8 {
  utf8Slice?(start: number, end: number): string;
  utf8Write?(s: string, offset: number): number;
}
const HAS_NATIVE_UTF8 =
  typeof (Buffer.prototype as NativeUtf8).utf8Slice === 'function' && typeof (Buffer.prototype as NativeUtf8).utf8Write === 'function';
/** Decodes UTF-8 bytes [start, end) of a buffer. */
function utf8Slice(b: Buffer, start: number, end: number): string {
  return HAS_NATIVE_UTF8 ? (b as NativeUtf8).utf8Slice!(start, end) : b.toString('utf8', start, end);
}
/** Writes a string as UTF-8 at `offset` (the room was reserved); returns the bytes written. */
function utf8Write(b: Buffer, s: string, offset: number): number {
  return HAS_NATIVE_UTF8 ? (b as NativeUtf8).utf8Write!(s, offset) : b.write(s, offset, 'utf8');
}

/** One slot's string (undefined when absent); `base` is the record's uint32 index. */
function slotString(slab: Slab, base: number, present: number, interned: number, slot: number): string | undefined {
  if ((present & (1 << slot)) === 0) return undefined;
  const u = slab.u32;
  const start = (base << 2) + (slot === 0 ? HEADER_BYTES : u[base + U_SLOT_ENDS + slot - 1]!);
  if ((interned & (1 << slot)) !== 0) return slab.strings.values[u[(start + 3) >> 2]!];
  const end = (base << 2) + u[base + U_SLOT_ENDS + slot]!;
  return start === end ? '' : utf8Slice(slab.bytes, start, end);
}

function nanToUndefined(t: number): number | undefined {
  return Number.isNaN(t) ? undefined : t;
}

/** Room the WebSocket slot may take, padding included. */
function wsMaxBytes(r: RecordedExchange): number {
  if (!r.websocket) return 0;
  // The slot's head is written for every WebSocket record (writeWsMessages), messages or not.
  const list = r.wsMessages ?? [];
  let n = 8 + WS_HEAD_BYTES;
  for (let i = 0; i < list.length; i++) n += 8 + WS_MESSAGE_BYTES + list[i]!.data.length;
  return n;
}

/** Writes the WebSocket slot at record offset `o` (8-aligned) of the record at `at`; returns the end. */
function writeWsMessages(r: RecordedExchange, bytes: Buffer, f64: Float64Array, u32: Uint32Array, at: number, o: number): number {
  const list = r.wsMessages ?? [];
  u32[(at + o) >> 2] = r.wsMessageTotal;
  u32[(at + o + 4) >> 2] = r.wsMessagesDropped;
  u32[(at + o + 8) >> 2] = list.length;
  f64[(at + o + 16) >> 3] = r.wsBytesTotal;
  o += WS_HEAD_BYTES;
  for (let i = 0; i < list.length; i++) {
    const m = list[i]!;
    o = (o + 7) & ~7;
    f64[(at + o) >> 3] = m.time;
    f64[(at + o + 8) >> 3] = m.size;
    u32[(at + o + 16) >> 2] = (m.direction === 'upstream-to-client' ? 1 : 0) | (m.opcode << 1);
    u32[(at + o + 20) >> 2] = m.data.length;
    o += WS_MESSAGE_BYTES;
    bytes.set(m.data, at + o);
    o += m.data.length;
  }
  return o;
}

/**
 * Encodes a finished record into `arena`; undefined when it must stay live (a header
 * set held as pairs).
 */
export function freezeExchange(r: RecordedExchange, arena: RecordArena): FrozenExchange | undefined {
  if (!isHead(r.clientRequest) || !isHead(r.forwardedRequest) || !isHead(r.upstreamResponse) || !isHead(r.clientResponse)) return undefined;
  const strings = scratch;
  strings[S_METHOD] = r.method;
  strings[S_HOST] = r.host;
  strings[S_URL] = r.url;
  strings[S_CLIENT_ADDRESS] = r.clientAddress;
  strings[S_TARGET] = r.target;
  strings[S_ROUTE_ID] = r.routeId;
  strings[S_REPLAY_OF] = r.replayOf;
  strings[S_FORWARDED_METHOD] = r.forwardedMethod;
  strings[S_FORWARDED_PATH] = r.forwardedPath;
  strings[S_ERROR_CODE] = r.error?.code;
  strings[S_ERROR_MESSAGE] = r.error?.message;
  strings[S_CONTENT_TYPE] = r.contentType();
  strings[S_CLIENT_REQUEST] = r.clientRequest as string;
  strings[S_FORWARDED_REQUEST] = r.forwardedRequest as string | undefined;
  strings[S_UPSTREAM_RESPONSE] = r.upstreamResponse as string | undefined;
  strings[S_CLIENT_RESPONSE] = r.clientResponse as string | undefined;
  const tls = r.tls;
  strings[S_TLS_SNI] = tls?.sni;
  strings[S_TLS_ALPN] = tls?.alpn;
  strings[S_TLS_VERSION] = tls?.version;
  strings[S_TLS_CIPHER] = tls?.cipher;
  strings[S_NOTES] = r.notes !== undefined ? JSON.stringify(r.notes) : undefined;
  let max = HEADER_BYTES + r.requestBody.captured + r.responseBody.captured + wsMaxBytes(r);
  for (let i = 0; i < S_REQUEST_BODY; i++) max += maxUtf8(strings[i]) + 8;
  const at = arena.reserve(max);
  const slab = arena.slab;
  const bytes = slab.bytes;
  const f64 = slab.f64;
  const u32 = slab.u32;

  const f = at >> 3;
  const t = r.timesArray;
  for (let i = 0; i < 6; i++) f64[f + i] = t[i]!;
  f64[f + F_REQUEST_SIZE] = r.requestBody.size;
  f64[f + F_RESPONSE_SIZE] = r.responseBody.size;

  const u = at >> 2;
  u32[u + U_STATUS] = r.status ?? 0;
  u32[u + U_UPSTREAM_STATUS] = r.upstreamStatus ?? 0;
  u32[u + U_CLIENT_PORT] = r.clientPort;
  const reused = r.connectionReused;
  u32[u + U_FLAGS] =
    (STATES.indexOf(r.state) << FL_STATE_SHIFT) |
    (SOURCES.indexOf(r.source) << FL_SOURCE_SHIFT) |
    (VERSIONS.indexOf(r.httpVersion) << FL_VERSION_SHIFT) |
    (r.scheme === 'https' ? FL_HTTPS : 0) |
    (reused !== undefined ? FL_REUSED_KNOWN | (reused ? FL_REUSED : 0) : 0) |
    (r.responseContentDecoded ? FL_CONTENT_DECODED : 0) |
    (r.requestBody.truncated ? FL_REQUEST_TRUNCATED : 0) |
    (r.responseBody.truncated ? FL_RESPONSE_TRUNCATED : 0) |
    (tls !== undefined ? FL_TLS : 0) |
    (r.websocket ? FL_WEBSOCKET : 0);

  let present = 0;
  let interned = 0;
  let o = HEADER_BYTES;
  const table = slab.strings;
  for (let i = 0; i < S_REQUEST_BODY; i++) {
    const s = strings[i];
    strings[i] = undefined; // the scratch array keeps no exchange's strings alive
    if (s !== undefined) {
      present |= 1 << i;
      const index = ((INTERNABLE >> i) & 1) !== 0 ? table.indexOf(s) : -1;
      if (index >= 0) {
        interned |= 1 << i;
        o = (o + 3) & ~3;
        u32[(at + o) >> 2] = index;
        o += 4;
      } else if (s.length > 0) o += utf8Write(bytes, s, at + o);
    }
    u32[u + U_SLOT_ENDS + i] = o;
  }
  u32[u + U_INTERNED] = interned;
  o += r.requestBody.copyTo(bytes, at + o);
  u32[u + U_SLOT_ENDS + S_REQUEST_BODY] = o;
  o += r.responseBody.copyTo(bytes, at + o);
  u32[u + U_SLOT_ENDS + S_RESPONSE_BODY] = o;
  if (r.websocket) o = writeWsMessages(r, bytes, f64, u32, at, (o + 7) & ~7);
  u32[u + U_SLOT_ENDS + S_WS_MESSAGES] = o;
  u32[u + U_PRESENT] = present | (1 << S_REQUEST_BODY) | (1 << S_RESPONSE_BODY) | (1 << S_WS_MESSAGES);
  arena.commit(o);
  return new FrozenExchange(r.seq, slab, at, r.bytes);
}

/** A finished exchange whose fields live in a slab (see the file comment). */
export class FrozenExchange {
  /** Never set for a frozen record: it is frozen after its events went out. */
  eventFlags = 0;
  evicted = false;

  constructor(
    readonly seq: number,
    private readonly slab: Slab,
    /** The record's offset in the slab (8-aligned). */
    private readonly at: number,
    /** Estimated bytes, as the live record counted them (the store's byte bound). */
    public bytes: number,
  ) {}

  get id(): string {
    return `e${this.seq}`;
  }

  private u32(i: number): number {
    return this.slab.u32[(this.at >> 2) + i]!;
  }

  private float(i: number): number {
    return this.slab.f64[(this.at >> 3) + i]!;
  }

  private start(slot: number): number {
    return this.at + (slot === 0 ? HEADER_BYTES : this.u32(U_SLOT_ENDS + slot - 1));
  }

  private end(slot: number): number {
    return this.at + this.u32(U_SLOT_ENDS + slot);
  }

  private str(slot: number): string | undefined {
    const u = this.slab.u32;
    const base = this.at >> 2;
    return slotString(this.slab, base, u[base + U_PRESENT]!, u[base + U_INTERNED]!, slot);
  }

  private flags(): number {
    return this.u32(U_FLAGS);
  }

  get state(): ExchangeState {
    return STATES[(this.flags() >> FL_STATE_SHIFT) & 3]!;
  }

  /** The captured prefix of one body (a copy: the slab is shared). */
  bodyBytes(which: 'request' | 'response'): Uint8Array {
    const slot = which === 'request' ? S_REQUEST_BODY : S_RESPONSE_BODY;
    return new Uint8Array(this.slab.bytes.subarray(this.start(slot), this.end(slot)));
  }

  summary(): ExchangeSummary {
    return this.summaryInto({} as ExchangeSummary, false);
  }

  /**
   * Fills `s` with this exchange's summary; with `refill`, fields it lacks are set to
   * undefined, so one object can be refilled row after row (a snapshot's SummaryRows).
   */
  summaryInto(s: ExchangeSummary, refill: boolean): ExchangeSummary {
    // Read once into locals: a summary is built for every row of a 100k-row snapshot.
    const slab = this.slab;
    const u = slab.u32;
    const base = this.at >> 2;
    const f = this.at >> 3;
    const present = u[base + U_PRESENT]!;
    const interned = u[base + U_INTERNED]!;
    const flags = u[base + U_FLAGS]!;
    s.id = this.id;
    s.seq = this.seq;
    s.source = SOURCES[(flags >> FL_SOURCE_SHIFT) & 3]!;
    s.state = STATES[(flags >> FL_STATE_SHIFT) & 3]!;
    s.startedAt = slab.f64[f + F_STARTED]!;
    s.clientAddress = slotString(slab, base, present, interned, S_CLIENT_ADDRESS)!;
    s.clientPort = u[base + U_CLIENT_PORT]!;
    s.scheme = (flags & FL_HTTPS) !== 0 ? 'https' : 'http';
    s.httpVersion = VERSIONS[(flags >> FL_VERSION_SHIFT) & 3]!;
    s.method = slotString(slab, base, present, interned, S_METHOD)!;
    s.host = slotString(slab, base, present, interned, S_HOST)!;
    s.url = slotString(slab, base, present, interned, S_URL)!;
    s.requestSize = slab.f64[f + F_REQUEST_SIZE]!;
    s.responseSize = slab.f64[f + F_RESPONSE_SIZE]!;
    s.websocket = (flags & FL_WEBSOCKET) !== 0;
    const ended = slab.f64[f + F_ENDED]!;
    if (!Number.isNaN(ended)) s.endedAt = ended;
    else if (refill) s.endedAt = undefined;
    const status = u[base + U_STATUS]!;
    if (status !== 0) s.status = status;
    else if (refill) s.status = undefined;
    if (refill || (present & (1 << S_ROUTE_ID)) !== 0) s.routeId = slotString(slab, base, present, interned, S_ROUTE_ID);
    if (refill || (present & (1 << S_TARGET)) !== 0) s.target = slotString(slab, base, present, interned, S_TARGET);
    if (refill || (present & (1 << S_CONTENT_TYPE)) !== 0) s.contentType = slotString(slab, base, present, interned, S_CONTENT_TYPE);
    if (refill || (present & (1 << S_ERROR_CODE)) !== 0) s.errorCode = slotString(slab, base, present, interned, S_ERROR_CODE);
    if (refill || (present & (1 << S_REPLAY_OF)) !== 0) s.replayOf = slotString(slab, base, present, interned, S_REPLAY_OF);
    if (s.websocket) {
      const ws = this.wsStart();
      s.wsMessageCount = u[ws >> 2]!;
      s.wsBytes = slab.f64[(ws + 16) >> 3]!;
    } else if (refill) {
      s.wsMessageCount = undefined;
      s.wsBytes = undefined;
    }
    return s;
  }

  /** Where the WebSocket slot's head starts in the slab (8-aligned; a WebSocket record only). */
  private wsStart(): number {
    return (this.end(S_RESPONSE_BODY) + 7) & ~7;
  }

  /** The WebSocket messages held, as Exchange.wsMessages has them, and how many were dropped. */
  private wsMessages(): { messages: WsMessage[]; dropped: number } {
    const slab = this.slab;
    const u = slab.u32;
    let o = this.wsStart();
    const dropped = u[(o + 4) >> 2]!;
    const count = u[(o + 8) >> 2]!;
    o += WS_HEAD_BYTES;
    const messages: WsMessage[] = new Array<WsMessage>(count);
    for (let i = 0; i < count; i++) {
      o = (o + 7) & ~7;
      const kind = u[(o + 16) >> 2]!;
      const captured = u[(o + 20) >> 2]!;
      const size = slab.f64[(o + 8) >> 3]!;
      const data = slab.bytes.subarray(o + WS_MESSAGE_BYTES, o + WS_MESSAGE_BYTES + captured);
      messages[i] = {
        direction: DIRECTIONS[kind & 1]!,
        opcode: kind >>> 1,
        size,
        time: slab.f64[o >> 3]!,
        data: bytesToBase64(data),
        truncated: captured < size,
      };
      o += WS_MESSAGE_BYTES + captured;
    }
    return { messages, dropped };
  }

  private timings(flags: number): ExchangeTimings {
    const out: ExchangeTimings = { received: this.float(F_RECEIVED) };
    const connected = nanToUndefined(this.float(F_UPSTREAM_CONNECTED));
    if (connected !== undefined) out.upstreamConnected = connected;
    if ((flags & FL_REUSED_KNOWN) !== 0) out.connectionReused = (flags & FL_REUSED) !== 0;
    const headers = nanToUndefined(this.float(F_RESPONSE_HEADERS));
    if (headers !== undefined) out.responseHeaders = headers;
    const end = nanToUndefined(this.float(F_RESPONSE_END));
    if (end !== undefined) out.responseEnd = end;
    return out;
  }

  private tls(): TlsInfo {
    const tls: TlsInfo = {};
    const sni = this.str(S_TLS_SNI);
    if (sni !== undefined) tls.sni = sni;
    const alpn = this.str(S_TLS_ALPN);
    if (alpn !== undefined) tls.alpn = alpn;
    const version = this.str(S_TLS_VERSION);
    if (version !== undefined) tls.version = version;
    const cipher = this.str(S_TLS_CIPHER);
    if (cipher !== undefined) tls.cipher = cipher;
    return tls;
  }

  toExchange(): Exchange {
    const flags = this.flags();
    const notes = this.str(S_NOTES);
    const x: Exchange = {
      ...this.summary(),
      headers: { clientRequest: parseHeadBlock(this.str(S_CLIENT_REQUEST)!) },
      requestBody: {
        size: this.float(F_REQUEST_SIZE),
        captured: bytesToBase64(this.bodyBytes('request')),
        truncated: (flags & FL_REQUEST_TRUNCATED) !== 0,
      },
      responseBody: {
        size: this.float(F_RESPONSE_SIZE),
        captured: bytesToBase64(this.bodyBytes('response')),
        truncated: (flags & FL_RESPONSE_TRUNCATED) !== 0,
      },
      timings: this.timings(flags),
      notes: notes !== undefined ? (JSON.parse(notes) as string[]) : [],
    };
    if ((flags & FL_CONTENT_DECODED) !== 0) x.responseBody.contentDecoded = true;
    const forwardedRequest = this.str(S_FORWARDED_REQUEST);
    if (forwardedRequest !== undefined) x.headers.forwardedRequest = parseHeadBlock(forwardedRequest);
    const upstreamResponse = this.str(S_UPSTREAM_RESPONSE);
    if (upstreamResponse !== undefined) x.headers.upstreamResponse = parseHeadBlock(upstreamResponse);
    const clientResponse = this.str(S_CLIENT_RESPONSE);
    if (clientResponse !== undefined) x.headers.clientResponse = parseHeadBlock(clientResponse);
    if ((flags & FL_TLS) !== 0) x.tls = this.tls();
    const forwardedMethod = this.str(S_FORWARDED_METHOD);
    if (forwardedMethod !== undefined) x.forwardedMethod = forwardedMethod;
    const forwardedPath = this.str(S_FORWARDED_PATH);
    if (forwardedPath !== undefined) x.forwardedPath = forwardedPath;
    const upstreamStatus = this.u32(U_UPSTREAM_STATUS);
    if (upstreamStatus !== 0) x.upstreamStatus = upstreamStatus;
    const errorCode = this.str(S_ERROR_CODE);
    if (errorCode !== undefined) x.error = { code: errorCode, message: this.str(S_ERROR_MESSAGE) ?? '' };
    if ((flags & FL_WEBSOCKET) !== 0) {
      const { messages, dropped } = this.wsMessages();
      x.wsMessages = messages;
      if (dropped > 0) x.wsMessagesDropped = dropped;
    }
    return x;
  }
}
