import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Recorder } from '../../main/recorder/recorder';
import { RecordedExchange, storeHeaders } from '../../main/recorder/recorded-exchange';
import { BodyTap } from '../../main/recorder/body-tap';
import { FrozenExchange, freezeExchange } from '../../main/recorder/frozen-exchange';
import { RecordArena } from '../../main/recorder/record-arena';
import type { HttpVersion, RawHeaders } from '../../shared/http-types';
import type { ExchangeSource, WsDirection } from '../../shared/exchange-types';
import { exchangeStart } from '../support/exchange-start';
import { decodeSummaryColumns, encodeSummaryColumns } from '../../shared/exchange-columns';
import { toHar } from '../../shared/har';
import { harToExchanges } from '../../shared/har-import';
import { sampleRecorder } from '../support/sample-exchanges';

interface Shape {
  seq: number;
  source?: ExchangeSource;
  scheme?: 'http' | 'https';
  httpVersion?: HttpVersion;
  method?: string;
  url?: string;
  requestHeaders?: RawHeaders | string;
  requestBody?: Uint8Array[];
  responseBody?: Uint8Array[];
  cap?: number;
}

function live(s: Shape): RecordedExchange {
  const cap = s.cap ?? 1024;
  const r = new RecordedExchange(
    s.seq,
    s.source ?? 'proxy',
    1_700_000_000_000.25 + s.seq,
    '::1',
    40000 + s.seq,
    s.scheme ?? 'http',
    s.httpVersion ?? '1.1',
    s.method ?? 'GET',
    'app.test:8443',
    s.url ?? `/item/${s.seq}?q=caf\u00e9`,
    storeHeaders(s.requestHeaders ?? [['Host', 'app.test'], ['Accept', '*/*']]),
    false,
    new BodyTap(cap),
    new BodyTap(cap),
  );
  for (const c of s.requestBody ?? []) r.requestBody.add(c);
  for (const c of s.responseBody ?? []) r.responseBody.add(c);
  return r;
}

function assertSame(r: RecordedExchange, f: FrozenExchange | undefined): void {
  assert.ok(f, 'the record was frozen');
  assert.equal(f.id, r.id);
  assert.equal(f.seq, r.seq);
  assert.equal(f.state, r.state);
  assert.equal(f.bytes, r.bytes);
  assert.deepEqual(f.summary(), r.summary());
  assert.deepEqual(f.toExchange(), r.toExchange());
  assert.deepEqual(Buffer.from(f.bodyBytes('request')), Buffer.from(r.bodyBytes('request')));
  assert.deepEqual(Buffer.from(f.bodyBytes('response')), Buffer.from(r.bodyBytes('response')));
}

test('a frozen exchange reads exactly as the live record it was made from', () => {
  const arena = new RecordArena();

  // The smallest finished exchange: no upstream, no response head, no bodies.
  const bare = live({ seq: 1 });
  bare.state = 'error';
  bare.error = { code: 'no-route', message: 'no route for app.test' };
  bare.endedAtTime(1_700_000_000_010);
  assertSame(bare, freezeExchange(bare, arena));

  // Everything set, with non-ASCII text, empty strings and a truncated body in several chunks.
  const full = live({
    seq: 2,
    source: 'replay',
    scheme: 'https',
    httpVersion: '2',
    method: 'POST',
    requestHeaders: '\r\nhost: app.test\r\nx-name: Jos\u00e9',
    requestBody: [Buffer.from('{"a":'), Buffer.from('1}')],
    responseBody: [Buffer.from('0123456789'), Buffer.from('abcdef')],
    cap: 12,
  });
  full.tls = { sni: 'app.test', alpn: 'h2', version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' };
  full.routeId = 'app.test';
  full.replayOf = 'e1';
  full.target = 'http://127.0.0.1:3000';
  full.forwardedMethod = 'POST';
  full.forwardedPath = '';
  full.forwardedRequest = storeHeaders([['host', 'app.test'], ['x-forwarded-for', '127.0.0.1'], ['x-empty', '']]);
  full.upstreamConnectedAt(1_700_000_000_003.5, true);
  full.responseHeadersAt(1_700_000_000_004.75);
  full.upstreamStatus = 201;
  full.upstreamResponse = storeHeaders('HTTP/1.1 201 Created\r\ncontent-type: application/json; charset=utf-8');
  full.status = 201;
  full.clientResponse = storeHeaders([['content-type', 'application/json; charset=utf-8'], ['via', '2 gatehouse']]);
  full.addNote('compressed with br \u2713');
  full.addNote('cache: miss');
  full.responseContentDecoded = true;
  full.state = 'complete';
  full.endedAtTime(1_700_000_000_005);
  assertSame(full, freezeExchange(full, arena));

  // TLS with only some fields, a fresh upstream connection, an HTTP/1.0 request.
  const partial = live({ seq: 3, httpVersion: '1.0', scheme: 'https', responseBody: [new Uint8Array(0)] });
  partial.tls = { sni: 'app.test' };
  partial.upstreamConnectedAt(1_700_000_000_001, false);
  partial.state = 'complete';
  partial.endedAtTime(1_700_000_000_002);
  assertSame(partial, freezeExchange(partial, arena));

  // An import whose truncation and decoding come from the file.
  const imported = new RecordedExchange(4, 'import', 1, '10.0.0.1', 1, 'http', '1.1', 'GET', 'h', '/', storeHeaders([]), false, BodyTap.of(Buffer.from('abc'), 10, 1024, true), BodyTap.of(Buffer.from('xyz'), 3, 1024, false));
  imported.state = 'complete';
  imported.timings = { received: 1, responseEnd: 2 };
  assertSame(imported, freezeExchange(imported, arena));
});

test('records fill slabs in turn, large ones get their own, and every one still reads right', () => {
  const arena = new RecordArena(4096);
  const pairs: Array<[RecordedExchange, FrozenExchange]> = [];
  for (let seq = 1; seq <= 200; seq++) {
    const big = seq % 50 === 0;
    const r = live({ seq, responseBody: [Buffer.alloc(big ? 3000 : seq, seq & 0xff)], cap: 4000 });
    r.status = 200;
    r.clientResponse = storeHeaders([['content-type', 'text/plain'], ['x-seq', String(seq)]]);
    r.state = 'complete';
    r.endedAtTime(2_000_000_000_000 + seq);
    pairs.push([r, freezeExchange(r, arena)!]);
  }
  for (const [r, f] of pairs) assertSame(r, f);
});

test('a closed WebSocket exchange freezes with its messages: directions, opcodes, sizes, truncation, drops', () => {
  const arena = new RecordArena(4096);
  const wsRecord = (seq: number) =>
    new RecordedExchange(seq, 'proxy', 1_700_000_000_000 + seq, '::1', 40000 + seq, 'https', '1.1', 'GET', 'app.test', '/hmr', storeHeaders([['Upgrade', 'websocket']]), true, new BodyTap(16), new BodyTap(16));

  // No message at all, closed by the client.
  const quiet = wsRecord(1);
  quiet.status = 101;
  quiet.state = 'complete';
  quiet.endedAtTime(1_700_000_000_050);
  assertSame(quiet, freezeExchange(quiet, arena));

  // Text and binary both ways, an empty frame, a capped (truncated) message and odd lengths
  // that leave the next message unaligned; a limit of 3 held drops the oldest two.
  const busy = wsRecord(2);
  busy.status = 101;
  busy.clientResponse = storeHeaders('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade');
  const sent: Array<[WsDirection, number, Uint8Array, number]> = [
    ['client-to-upstream', 1, Buffer.from('{"type":"connected"}'), 20],
    ['upstream-to-client', 1, Buffer.from('{"type":"update","path":"/src/App.tsx"}'), 41],
    ['upstream-to-client', 2, Buffer.from([0, 255, 7]), 3],
    ['client-to-upstream', 9, new Uint8Array(0), 0],
    ['upstream-to-client', 1, Buffer.from('caf\u00e9 \u2713 0123456789'.slice(0, 11)), 5000],
  ];
  let t = 1_700_000_000_010.125;
  for (const [direction, opcode, data, size] of sent) busy.addWsMessage({ direction, opcode, size, time: (t += 1.5), data }, 3);
  busy.state = 'error';
  busy.error = { code: 'upstream-reset', message: 'the upstream closed the tunnel' };
  busy.endedAtTime(1_700_000_000_099);
  const frozen = freezeExchange(busy, arena);
  assertSame(busy, frozen);
  const x = frozen!.toExchange();
  assert.equal(x.wsMessages!.length, 3);
  assert.equal(x.wsMessagesDropped, 2);
  assert.equal(x.wsMessageCount, 5);
  assert.equal(x.wsBytes, 20 + 41 + 3 + 0 + 5000, 'the payload of every message, dropped and truncated ones at their full size');
  assert.equal(frozen!.summary().wsBytes, busy.summary().wsBytes);
  assert.deepEqual(x.wsMessages!.map((m) => [m.direction, m.opcode, m.size, m.truncated]), [
    ['upstream-to-client', 2, 3, false],
    ['client-to-upstream', 9, 0, false],
    ['upstream-to-client', 1, 5000, true],
  ]);
  assert.deepEqual(Buffer.from(x.wsMessages![0]!.data, 'base64'), Buffer.from([0, 255, 7]));

  // Many messages spill over a small slab into a record of its own, and still read right.
  const long = wsRecord(3);
  for (let i = 0; i < 300; i++) long.addWsMessage({ direction: i % 2 ? 'upstream-to-client' : 'client-to-upstream', opcode: 1, size: i % 13, time: i, data: Buffer.alloc(i % 13, i) }, 1000);
  long.state = 'complete';
  long.endedAtTime(1_700_000_001_000);
  assertSame(long, freezeExchange(long, arena));
  // A WebSocket record without a message list (none was ever made) still gets room for the slot's head.
  const listless = wsRecord(5);
  listless.wsMessages = undefined;
  listless.state = 'complete';
  const listlessFrozen = freezeExchange(listless, new RecordArena(64 * 1024));
  assert.ok(listlessFrozen);
  assert.deepEqual(listlessFrozen.toExchange().wsMessages, []);
  assert.equal(listlessFrozen.summary().wsMessageCount, 0);
  assert.equal(listlessFrozen.summary().wsBytes, 0);
  // And a plain exchange after them in the same arena is unaffected.
  const after = live({ seq: 4, responseBody: [Buffer.from('ok')] });
  after.state = 'complete';
  assertSame(after, freezeExchange(after, arena));
});

test('an HTTP/2 exchange, pseudo-headers and all, freezes and reads back as it was', () => {
  const arena = new RecordArena();
  const h2 = live({
    seq: 7,
    scheme: 'https',
    httpVersion: '2',
    requestHeaders: [
      [':method', 'GET'],
      [':path', '/item/7'],
      [':scheme', 'https'],
      [':authority', 'app.test:8443'],
      ['accept', '*/*'],
    ],
  });
  assert.equal(typeof h2.clientRequest, 'string', 'held as one head block');
  h2.forwardedRequest = storeHeaders('GET /item/7 HTTP/1.1\r\nhost: app.test:8443\r\nvia: 2 gatehouse\r\n');
  h2.clientResponse = storeHeaders([['content-type', 'text/plain'], ['content-length', '2']]);
  h2.status = 200;
  h2.state = 'complete';
  h2.endedAtTime(1_700_000_000_020);
  const frozen = freezeExchange(h2, arena);
  assertSame(h2, frozen);
  assert.deepEqual(frozen!.toExchange().headers.clientRequest.slice(0, 4), [
    [':method', 'GET'],
    [':path', '/item/7'],
    [':scheme', 'https'],
    [':authority', 'app.test:8443'],
  ]);
});

test('what a slab cannot carry exactly stays live: header sets kept as pairs', () => {
  const arena = new RecordArena();
  const odd = live({ seq: 2, requestHeaders: [['x-folded', 'a\r\n b']] });
  assert.equal(typeof odd.clientRequest, 'object', 'the odd header set is held as pairs');
  assert.equal(freezeExchange(odd, arena), undefined);
});

function heldKinds(rec: Recorder): string[] {
  const store = (rec as unknown as { store: { all(): object[] } }).store;
  return store.all().map((r) => (r instanceof FrozenExchange ? 'frozen' : 'live'));
}

test('the recorder freezes an exchange when it finishes, or after the flush that announced it', () => {
  // Nobody listening: frozen at once.
  const quiet = new Recorder();
  const a = quiet.begin(exchangeStart())!;
  a.clientResponse(200, [['content-type', 'text/html']]);
  a.responseBody(Buffer.from('<p>hi</p>'));
  assert.deepEqual(heldKinds(quiet), ['live'], 'in flight: live');
  a.finish();
  assert.deepEqual(heldKinds(quiet), ['frozen']);
  const x = quiet.get('e1')!;
  assert.equal(x.contentType, 'text/html');
  assert.equal(Buffer.from(x.responseBody.captured, 'base64').toString(), '<p>hi</p>');
  quiet.close();

  // Someone listening: live until the batch that carries its finish has gone out.
  const events: Array<{ event: string; ids: string[] }> = [];
  const loud = new Recorder({ batchMs: 60_000 });
  loud.setEmitter(
    (event, payload) => events.push({ event, ids: Array.isArray(payload) ? payload.map((s) => (s as { id: string }).id) : [] }),
    () => true,
  );
  const b = loud.begin(exchangeStart())!;
  b.finish();
  assert.deepEqual(heldKinds(loud), ['live']);
  const before = loud.get('e1');
  loud.flushEvents();
  assert.deepEqual(heldKinds(loud), ['frozen']);
  assert.deepEqual(loud.get('e1'), before);
  assert.deepEqual(
    events.filter((e) => e.event.startsWith('exchange.')),
    [
      { event: 'exchange.started', ids: ['e1'] },
      { event: 'exchange.finished', ids: ['e1'] },
    ],
  );
  loud.close();
});

test('imported exchanges are frozen at once while nobody listens, else after the flush that announced them', () => {
  const { recorder: source, exchanges } = sampleRecorder();
  const imported = harToExchanges(JSON.parse(JSON.stringify(toHar(exchanges.map((exchange) => ({ exchange })))))).exchanges;
  // The sample's last exchange is a WebSocket one with its messages: frozen like the rest.
  assert.ok(imported.some((x) => x.websocket && (x.wsMessages ?? []).length > 0));
  const expected = imported.map(() => 'frozen');

  const loud = new Recorder({ batchMs: 60_000 });
  loud.setEmitter(() => {}, () => true);
  const loudIds = loud.importExchanges(imported);
  assert.ok(heldKinds(loud).every((k) => k === 'live'), 'announced first: live until the flush');
  const before = loudIds.map((id) => loud.get(id));
  loud.flushEvents();
  assert.deepEqual(heldKinds(loud), expected);
  assert.deepEqual(loudIds.map((id) => loud.get(id)), before, 'freezing changes nothing a reader sees');

  // Nobody listening (an import from the CLI with the dashboard closed): no flush will come.
  const quiet = new Recorder();
  const quietIds = quiet.importExchanges(imported);
  assert.deepEqual(heldKinds(quiet), expected);
  assert.deepEqual(quietIds.map((id) => quiet.get(id)), before);
  source.close();
  loud.close();
  quiet.close();
});

test('a frozen exchange dropped from the ring is announced as removed', () => {
  const events: Array<{ event: string; payload: unknown }> = [];
  const rec = new Recorder({ recording: { maxExchanges: 1 }, batchMs: 60_000 });
  rec.setEmitter((event, payload) => events.push({ event, payload }), () => true);
  rec.begin(exchangeStart())!.finish();
  rec.flushEvents();
  assert.deepEqual(heldKinds(rec), ['frozen']);
  rec.begin(exchangeStart())!.finish();
  rec.flushEvents();
  assert.deepEqual(events.find((e) => e.event === 'exchange.removed')?.payload, { ids: ['e1'] });
  assert.deepEqual(rec.list().items.map((s) => s.id), ['e2']);
  rec.close();
});

test('the snapshot rows refill one object for frozen exchanges and encode exactly as their summaries', () => {
  const rec = new Recorder({ recording: { maxExchanges: 100 } });
  const starts = [
    exchangeStart({ method: 'POST', url: '/a?x=1', routeId: 'app.test' }),
    exchangeStart({ host: 'other.test', scheme: 'https', httpVersion: '2', tls: { sni: 'other.test', alpn: 'h2' } }),
    exchangeStart({ url: '/still-running' }),
    exchangeStart({ url: '/failed', routeId: 'app.test' }),
  ];
  const taps = starts.map((s) => rec.begin(s)!);
  taps[0]!.target('http://127.0.0.1:3000');
  taps[0]!.clientResponse(201, [['content-type', 'application/json']]);
  taps[0]!.responseBody(Buffer.from('{}'));
  taps[0]!.finish();
  taps[1]!.clientResponse(204, []);
  taps[1]!.finish();
  taps[3]!.finish({ code: 'upstream-refused', message: 'connection refused' });
  rec.record(exchangeStart({ url: '/replayed' }), 'replay', 'e1').finish();
  assert.deepEqual(heldKinds(rec), ['frozen', 'frozen', 'live', 'frozen', 'frozen']);

  const summaries = rec.list({ limit: 1000 }).items;
  const rows = rec.summaryRows();
  assert.equal(rows.count, summaries.length);
  // Every row reads as its summary would (absent fields as undefined on the shared object).
  for (let i = 0; i < rows.count; i++) {
    const row = { ...rows.row(i) };
    for (const k of Object.keys(row) as (keyof typeof row)[]) if (row[k] === undefined) delete row[k];
    assert.deepEqual(row, summaries[i]);
  }
  assert.deepEqual(encodeSummaryColumns(rec.summaryRows()), encodeSummaryColumns(summaries));
  assert.deepEqual(decodeSummaryColumns(JSON.parse(JSON.stringify(encodeSummaryColumns(rec.summaryRows(2))))), summaries.slice(-2));
  rec.close();
});
