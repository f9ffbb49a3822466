import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as dnsPacket from 'dns-packet';

/** dns-packet decodes the header's rcode, but its type definitions leave it out. */
type Decoded = dnsPacket.DecodedPacket & { rcode?: string };
const decode = (b: Buffer): Decoded => dnsPacket.decode(b);
import { answerQuery } from '../../main/dns/dns-answer';

const policy = { suffixes: ['test', 'localhost', 'internal'] };

function query(name: string, type: string, extra: Partial<dnsPacket.Packet> = {}): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: 4242,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: type as dnsPacket.RecordType, class: 'IN' }],
    ...extra,
  });
}

function ask(buf: Uint8Array) {
  const out = answerQuery(buf, policy);
  assert.ok(out, 'expected a response');
  return decode(out);
}

test('A and AAAA under a suffix answer loopback, authoritatively, echoing id, question and RD', () => {
  const a = ask(query('App.Test', 'A'));
  assert.equal(a.id, 4242);
  assert.equal(a.type, 'response');
  assert.equal(a.rcode, 'NOERROR');
  assert.equal(a.flag_aa, true);
  assert.equal(a.flag_rd, true);
  assert.equal(a.flag_ra, false);
  assert.deepEqual(a.questions, [{ name: 'App.Test', type: 'A', class: 'IN' }]);
  assert.deepEqual(
    a.answers?.map((r) => [r.name, r.type, (r as { data: string }).data]),
    [['App.Test', 'A', '127.0.0.1']],
  );
  const aaaa = ask(query('deep.sub.app.internal', 'AAAA'));
  assert.deepEqual(aaaa.answers?.map((r) => (r as { data: string }).data), ['::1']);
  assert.equal(ask(query('x.localhost', 'A')).answers?.length, 1);
});

test('other record types under a suffix: NODATA with the zone SOA; SOA at the apex answers', () => {
  const mx = ask(query('app.test', 'MX'));
  assert.equal(mx.rcode, 'NOERROR');
  assert.equal(mx.answers?.length, 0);
  assert.equal(mx.authorities?.[0]?.type, 'SOA');
  assert.equal(mx.authorities?.[0]?.name, 'test');
  const soa = ask(query('test', 'SOA'));
  assert.equal(soa.answers?.[0]?.type, 'SOA');
});

test('names outside the suffixes are REFUSED', () => {
  for (const name of ['example.com', 'test.com', 'contest', 'localhost.example.com']) {
    const r = ask(query(name, 'A'));
    assert.equal(r.rcode, 'REFUSED', name);
    assert.equal(r.answers?.length, 0);
  }
  const chaos = dnsPacket.encode({
    type: 'query',
    id: 1,
    questions: [{ name: 'app.test', type: 'TXT', class: 'CH' }],
  });
  assert.equal(ask(chaos).rcode, 'REFUSED');
});

test('malformed input never throws: FORMERR with a readable header, silence without', () => {
  assert.equal(answerQuery(Buffer.alloc(0), policy), undefined);
  assert.equal(answerQuery(Buffer.from([1, 2, 3]), policy), undefined);
  // Header says one question, but the body is cut short.
  const truncated = query('app.test', 'A').subarray(0, 16);
  const r = ask(truncated);
  assert.equal(r.id, 4242);
  assert.equal(r.rcode, 'FORMERR');
  // A name compression pointer pointing at itself.
  const loop = Buffer.concat([query('a.test', 'A').subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
  assert.equal(ask(loop).rcode, 'FORMERR');
  // Zero questions, and two questions.
  assert.equal(ask(dnsPacket.encode({ type: 'query', id: 7, questions: [] })).rcode, 'FORMERR');
  const two = dnsPacket.encode({
    type: 'query',
    id: 8,
    questions: [
      { name: 'a.test', type: 'A', class: 'IN' },
      { name: 'b.test', type: 'A', class: 'IN' },
    ],
  });
  assert.equal(ask(two).rcode, 'FORMERR');
  // Random garbage of many lengths.
  for (let len = 12; len < 300; len += 7) {
    const junk = Buffer.alloc(len, len);
    junk[2] = 0x01; // a query, RD
    assert.doesNotThrow(() => answerQuery(junk, policy));
  }
});

test('responses are never answered; non-QUERY opcodes get NOTIMP', () => {
  const response = dnsPacket.encode({ type: 'response', id: 9, questions: [{ name: 'a.test', type: 'A' }] });
  assert.equal(answerQuery(response, policy), undefined);
  const update = query('a.test', 'A', { flags: 5 << 11 });
  assert.equal(ask(update).rcode, 'NOTIMP');
});
