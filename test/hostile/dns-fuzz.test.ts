import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import * as dnsPacket from 'dns-packet';
import { DnsResponder } from '../../main/dns/dns-responder';
import { seededRandom } from '../support/seeded-random';
import { waitFor } from '../support/wait-for';

/**
 * The DNS responder under seeded garbage over UDP and TCP: it never crashes,
 * every reply it sends is a well-formed DNS response with the query's id, it
 * never answers a packet that is itself a response (no reflection loops), and
 * it keeps answering valid queries.
 */
const SEED = Number(process.env.GATEHOUSE_FUZZ_SEED ?? 53);
const PACKETS = 600;

type Decoded = dnsPacket.DecodedPacket & { rcode?: string };

describe('DNS responder fuzzing', () => {
  let responder: DnsResponder;
  let sock: dgram.Socket;
  const replies: Buffer[] = [];

  before(async () => {
    responder = await DnsResponder.start({ port: 0, suffixes: () => ['test', 'localhost'] });
    sock = dgram.createSocket('udp4');
    sock.on('message', (m) => replies.push(m));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  });
  after(async () => {
    sock.close();
    await responder.close();
  });

  const send = (b: Buffer) => new Promise<void>((r) => sock.send(b, responder.port, '127.0.0.1', () => r()));
  const valid = (id: number, name = 'app.test') => dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: 'A' }] });

  async function stillAnswers(id: number): Promise<void> {
    await send(valid(id));
    await waitFor(() => replies.some((r) => r.length >= 2 && r.readUInt16BE(0) === id), `an answer to valid query ${id}`, 5_000);
    const d = dnsPacket.decode(replies.find((r) => r.readUInt16BE(0) === id)!) as Decoded;
    assert.equal(d.rcode, 'NOERROR');
    assert.equal((d.answers?.[0] as { data?: string } | undefined)?.data, '127.0.0.1');
  }

  test(`seeded UDP garbage (seed ${SEED}, ${PACKETS} packets)`, async () => {
    const rnd = seededRandom(SEED);
    const responseIds = new Set<number>();
    const makers: Array<(id: number) => Buffer> = [
      () => Buffer.from(Array.from({ length: rnd.int(600) }, () => rnd.int(256))),
      (id) => valid(id).subarray(0, rnd.int(valid(id).length)),
      (id) => { const b = Buffer.from(valid(id)); for (let i = 0; i < 1 + rnd.int(5); i++) b[2 + rnd.int(b.length - 2)] = rnd.int(256); return b; },
      (id) => Buffer.concat([Buffer.from([id >> 8, id & 255, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]), // pointer to itself
      (id) => Buffer.concat([Buffer.from([id >> 8, id & 255, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), valid(id).subarray(12)]), // counts lie
      (id) => Buffer.concat([Buffer.from([id >> 8, id & 255, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([63]), Buffer.alloc(63, 0x61), Buffer.from([63]), Buffer.alloc(63, 0x62), Buffer.from([63]), Buffer.alloc(63, 0x63), Buffer.from([63]), Buffer.alloc(63, 0x64), Buffer.from([63]), Buffer.alloc(63, 0x65), Buffer.from([0, 0, 1, 0, 1])]), // name over 255
      (id) => { const b = Buffer.from(valid(id)); b[2] = 0x80 | (rnd.int(16) << 3); responseIds.add(id); return b; }, // QR set: a response, must be ignored
      (id) => { const b = Buffer.from(valid(id)); b[2] = (rnd.int(16) << 3) | 1; return b; }, // odd opcodes
      (id) => Buffer.from(valid(id, `${'x'.repeat(rnd.int(60) + 1)}.\u0000\u00ff.test`)),
    ];
    for (let i = 0; i < PACKETS; i++) {
      const id = 1000 + i;
      await send(rnd.pick(makers)(id));
      if (i % 100 === 99) await stillAnswers(50_000 + i);
    }
    await stillAnswers(60_000);
    await sleep(200);
    for (const r of replies) {
      assert.ok(r.length >= 12, 'every reply has a full header');
      const d = dnsPacket.decode(r) as Decoded;
      assert.equal(d.type, 'response');
      assert.ok(!responseIds.has(d.id ?? -1), `packet ${d.id} was a response and must not be answered`);
    }
    console.log(`dns fuzz: ${PACKETS} packets sent, ${replies.length} replies, none malformed, responses never answered`);
  });

  test('TCP: garbage, lying length prefixes, half messages and 200 idle connections, then a real query works', async () => {
    const rnd = seededRandom(SEED + 1);
    const open: net.Socket[] = [];
    try {
      for (let i = 0; i < 200; i++) {
        const c = net.connect(responder.port, '127.0.0.1');
        c.on('error', () => {});
        open.push(c);
        const kind = i % 4;
        if (kind === 0) c.write(Buffer.from(Array.from({ length: 1 + rnd.int(100) }, () => rnd.int(256))));
        else if (kind === 1) c.write(Buffer.from([0xff, 0xff, 1, 2, 3]));
        else if (kind === 2) c.write(Buffer.from([0]));
      }
      await sleep(200);
      const reply = await new Promise<Buffer>((resolve, reject) => {
        const c = net.connect(responder.port, '127.0.0.1');
        let got = Buffer.alloc(0);
        c.on('data', (d) => {
          got = Buffer.concat([got, d]);
          if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
            c.destroy();
            resolve(got);
          }
        });
        c.on('error', reject);
        const q = valid(4242);
        c.write(Buffer.concat([Buffer.from([q.length >> 8, q.length & 255]), q]));
      });
      const d = dnsPacket.decode(reply.subarray(2)) as Decoded;
      assert.equal(d.id, 4242);
      assert.equal(d.rcode, 'NOERROR');
    } finally {
      for (const c of open) c.destroy();
    }
    await stillAnswers(61_000);
  });
});
