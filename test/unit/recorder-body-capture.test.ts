import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Recorder } from '../../main/recorder/recorder';
import type { EventMessage } from '../../shared/api-contract';
import { EventHub } from '../../main/control/event-hub';
import { exchangeStart } from '../support/exchange-start';

test('bodies are captured up to the cap with the full size and a truncated flag', () => {
  const rec = new Recorder({ recording: { bodyCap: 10 } });
  const tap = rec.begin(exchangeStart({ method: 'POST' }))!;
  const chunk = Buffer.from('0123456');
  tap.requestBody(chunk);
  tap.requestBody(Buffer.from('789abcdef'));
  tap.responseBody(Buffer.from('short'));
  tap.finish();
  const x = rec.get(rec.list().items[0]!.id)!;
  assert.equal(Buffer.from(x.requestBody.captured, 'base64').toString(), '0123456789');
  assert.equal(x.requestBody.size, 16);
  assert.equal(x.requestBody.truncated, true);
  assert.equal(Buffer.from(x.responseBody.captured, 'base64').toString(), 'short');
  assert.equal(x.responseBody.truncated, false);
  assert.equal(x.requestSize, 16);
  rec.close();
});

test('the tap copies: changing the forwarder buffer afterwards does not change the record', () => {
  const rec = new Recorder();
  const tap = rec.begin(exchangeStart())!;
  const chunk = Buffer.from('original');
  tap.responseBody(chunk);
  chunk.fill(0x58);
  tap.finish();
  const id = rec.list().items[0]!.id;
  assert.equal(Buffer.from(rec.bodyBytes(id, 'response')!).toString(), 'original');
  rec.close();
});

test('four header sets, timings, status and error are kept as given', () => {
  let t = 1000;
  const rec = new Recorder({ now: () => ++t });
  const tap = rec.begin(
    exchangeStart({ startedAt: 1000, requestHeaders: [['Host', 'app.test'], ['X-Forwarded-For', '6.6.6.6']], tls: { sni: 'app.test', alpn: 'h2', version: 'TLSv1.3' }, scheme: 'https', httpVersion: '2', routeId: 'app.test' }),
  )!;
  tap.target('http://127.0.0.1:3000');
  tap.forwarded('GET', '/x', [['host', 'app.test'], ['x-forwarded-for', '127.0.0.1']]);
  tap.upstreamConnected(false);
  tap.upstreamResponse(502, [['Server', 'up']]);
  tap.clientResponse(502, [['server', 'up'], ['via', 'gatehouse']]);
  tap.finish({ code: 'upstream-reset', message: 'the upstream reset the connection' });
  const x = rec.get(rec.list().items[0]!.id)!;
  assert.deepEqual(x.headers, {
    clientRequest: [['Host', 'app.test'], ['X-Forwarded-For', '6.6.6.6']],
    forwardedRequest: [['host', 'app.test'], ['x-forwarded-for', '127.0.0.1']],
    upstreamResponse: [['Server', 'up']],
    clientResponse: [['server', 'up'], ['via', 'gatehouse']],
  });
  assert.deepEqual(x.tls, { sni: 'app.test', alpn: 'h2', version: 'TLSv1.3' });
  assert.deepEqual(x.timings, { received: 1000, upstreamConnected: 1001, connectionReused: false, responseHeaders: 1002, responseEnd: 1003 });
  assert.equal(x.state, 'error');
  assert.equal(x.errorCode, 'upstream-reset');
  assert.equal(x.status, 502);
  assert.equal(x.upstreamStatus, 502);
  assert.equal(x.target, 'http://127.0.0.1:3000');
  assert.equal(x.forwardedPath, '/x');
  rec.close();
});

test('pause, resume, clear and route exclusion', () => {
  const rec = new Recorder({ routes: [{ host: 'secret.test', target: 'http://127.0.0.1:1', record: false }] });
  assert.equal(rec.begin(exchangeStart({ routeId: 'secret.test' })), null);
  rec.pause();
  assert.equal(rec.state().recording, false);
  assert.equal(rec.begin(exchangeStart()), null);
  rec.resume();
  rec.begin(exchangeStart())!.finish();
  assert.equal(rec.state().count, 1);
  rec.clear();
  assert.equal(rec.state().count, 0);
  rec.configure({ enabled: false });
  assert.equal(rec.begin(exchangeStart()), null);
  rec.close();
});

test('a replay expected on a client port is recorded even while paused, linked to its original', () => {
  const rec = new Recorder();
  rec.begin(exchangeStart())!.finish();
  const original = rec.list().items[0]!.id;
  rec.pause();
  let began: string | undefined;
  rec.expectReplay(61000, { replayOf: original, onBegin: (id) => (began = id) });
  const tap = rec.begin(exchangeStart({ clientPort: 61000 }))!;
  assert.ok(tap);
  tap.finish();
  const replay = rec.get(began!)!;
  assert.equal(replay.replayOf, original);
  assert.equal(replay.source, 'replay');
  assert.equal(rec.begin(exchangeStart({ clientPort: 61000 })), null, 'only the one exchange');
  rec.close();
});

test('WebSocket messages are kept with direction, opcode, size, time and a capped prefix', () => {
  const rec = new Recorder({ wsMessageCap: 4, maxWsMessages: 3 });
  const tap = rec.begin(exchangeStart({ websocket: true, requestHeaders: [['Upgrade', 'websocket']] }))!;
  tap.clientResponse(101, [['Upgrade', 'websocket']]);
  tap.wsMessage('client-to-upstream', 1, Buffer.from('hello'));
  tap.wsMessage('upstream-to-client', 2, Buffer.from([1, 2]));
  tap.wsMessage('upstream-to-client', 1, Buffer.from('a'));
  tap.wsMessage('client-to-upstream', 8, Buffer.from([3, 232]));
  tap.finish();
  const x = rec.get(rec.list().items[0]!.id)!;
  assert.equal(x.websocket, true);
  assert.equal(x.wsMessageCount, 4);
  assert.equal(x.wsMessagesDropped, 1);
  assert.deepEqual(
    x.wsMessages!.map((m) => [m.direction, m.opcode, m.size, Buffer.from(m.data, 'base64').toString('hex'), m.truncated]),
    [
      ['upstream-to-client', 2, 2, '0102', false],
      ['upstream-to-client', 1, 1, '61', false],
      ['client-to-upstream', 8, 2, '03e8', false],
    ],
  );
  rec.close();
});

test('events are batched: thousands of exchanges make a handful of events, each an array', async () => {
  const events: EventMessage[] = [];
  const rec = new Recorder({ batchMs: 20, emit: (event, payload) => events.push({ event, payload } as EventMessage) });
  for (let i = 0; i < 2000; i++) {
    const tap = rec.begin(exchangeStart({ url: `/${i}` }))!;
    tap.clientResponse(200, []);
    if (i % 2 === 0) tap.finish();
  }
  rec.flushEvents();
  const started = events.filter((e) => e.event === 'exchange.started');
  const finished = events.filter((e) => e.event === 'exchange.finished');
  assert.equal(started.length, 1);
  assert.equal((started[0]!.payload as unknown[]).length, 2000);
  assert.equal((finished[0]!.payload as unknown[]).length, 1000);
  events.length = 0;
  // Later progress of the pending ones goes out as one updated + one finished event.
  const pending = rec.list({ filter: { statusClass: ['2xx'] }, limit: 1000 });
  assert.equal(pending.total, 2000);
  await new Promise((r) => setTimeout(r, 50));
  rec.clear();
  assert.deepEqual(events.filter((e) => e.event === 'exchange.removed').map((e) => e.payload), [{ ids: [], all: true }]);
  rec.close();
});

test('with no audience, exchange events are not built; state events still go out; events resume with a listener', () => {
  const events: EventMessage[] = [];
  const hub = new EventHub();
  const rec = new Recorder({ batchMs: 1000 });
  rec.setEmitter(hub.emit, () => hub.hasAudience);
  let clients = 0;
  hub.subscribe((m) => events.push(m), () => clients > 0);
  assert.equal(hub.hasAudience, false);

  const first = rec.begin(exchangeStart({ url: '/unseen' }))!;
  first.clientResponse(200, 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n');
  first.finish();
  rec.flushEvents();
  assert.equal(events.length, 0, 'nobody listened, so nothing was built or sent');
  rec.pause();
  assert.deepEqual(events.map((e) => e.event), ['recording.state'], 'state changes are not exchange events');
  rec.resume();
  events.length = 0;

  clients = 1;
  assert.equal(hub.hasAudience, true);
  const second = rec.begin(exchangeStart({ url: '/seen' }))!;
  second.clientResponse(200, 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n');
  second.finish();
  rec.flushEvents();
  const finished = events.filter((e) => e.event === 'exchange.finished').flatMap((e) => e.payload as Array<{ url: string; contentType?: string }>);
  assert.deepEqual(
    finished.map((s) => [s.url, s.contentType]),
    [['/seen', 'text/plain']],
  );
  // What was missed is still recorded and listed.
  assert.deepEqual(rec.list().items.map((s) => s.url), ['/unseen', '/seen']);
  // A listener without a wanted test always counts as an audience.
  clients = 0;
  const off = hub.subscribe(() => {});
  assert.equal(hub.hasAudience, true);
  off();
  assert.equal(hub.hasAudience, false);
  rec.close();
});

test('a summary taken while pending does not pin the content type: the response head, when it comes, shows', () => {
  const rec = new Recorder();
  const tap = rec.begin(exchangeStart({ url: '/late' }))!;
  assert.equal(rec.list().items[0]!.contentType, undefined);
  tap.clientResponse(200, 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n');
  assert.equal(rec.list().items[0]!.contentType, 'application/json');
  tap.clientResponse(502, [['content-type', 'text/html']]);
  assert.equal(rec.list().items[0]!.contentType, 'text/html');
  tap.finish();
  rec.close();
});
