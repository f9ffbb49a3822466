import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';

/** dns-packet decodes the header's rcode, but its type definitions leave it out. */
type Decoded = dnsPacket.DecodedPacket & { rcode?: string };
const decode = (b: Buffer): Decoded => dnsPacket.decode(b);
import { DnsResponder } from '../../main/dns/dns-responder';
import { runCommand } from '../support/run-command';
import { startDnsPart } from '../../main/dns/dns-part';
import { memoryLogger } from '../../main/engine/logger';

const suffixes = ['test', 'localhost', 'internal'];

async function dig(port: number, ...args: string[]) {
  const r = await runCommand('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', ...args]);
  return r.stdout;
}

test('dig gets loopback for names under the suffixes and REFUSED for others (UDP and TCP)', async (t) => {
  const responder = await DnsResponder.start({ port: 0, suffixes: () => suffixes });
  t.after(() => responder.close());
  const { port } = responder;

  assert.equal((await dig(port, '+short', 'app.test', 'A')).trim(), '127.0.0.1');
  assert.equal((await dig(port, '+short', 'app.test', 'AAAA')).trim(), '::1');
  assert.equal((await dig(port, '+short', '+tcp', 'api.app.internal', 'A')).trim(), '127.0.0.1');
  const refused = await dig(port, 'example.com', 'A');
  assert.match(refused, /status: REFUSED/);
  assert.match(await dig(port, '+tcp', 'example.com', 'A'), /status: REFUSED/);
  const full = await dig(port, 'app.test', 'A');
  assert.match(full, /status: NOERROR/);
  assert.match(full, /flags: qr aa rd;/);
});

test("Node's dns.Resolver pointed at the responder agrees", async (t) => {
  const responder = await DnsResponder.start({ port: 0, suffixes: () => suffixes });
  t.after(() => responder.close());
  const resolver = new dns.promises.Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${responder.port}`]);
  assert.deepEqual(await resolver.resolve4('app.test'), ['127.0.0.1']);
  assert.deepEqual(await resolver.resolve6('app.test'), ['::1']);
  await assert.rejects(resolver.resolve4('example.com'), { code: 'EREFUSED' });
});

test('malformed packets do not crash it; it keeps answering', async (t) => {
  const responder = await DnsResponder.start({ port: 0, suffixes: () => suffixes });
  t.after(() => responder.close());
  const sock = dgram.createSocket('udp4');
  t.after(() => sock.close());
  const replies: Buffer[] = [];
  sock.on('message', (m) => replies.push(m));
  const send = (b: Buffer) => new Promise<void>((r) => sock.send(b, responder.port, '127.0.0.1', () => r()));
  await send(Buffer.from([1, 2, 3]));
  await send(Buffer.concat([Buffer.from([0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc0, 0x0c])]));
  await send(dnsPacket.encode({ type: 'query', id: 77, questions: [{ name: 'ok.test', type: 'A' }] }));
  for (let i = 0; i < 100 && replies.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  const decoded = replies.map((r) => decode(r));
  assert.deepEqual(decoded.map((d) => [d.id, d.rcode]).sort(), [
    [0xabcd, 'FORMERR'],
    [77, 'NOERROR'],
  ]);

  // TCP: a garbage length-prefixed message gets FORMERR; a 1-byte message closes the connection.
  const reply = await new Promise<Buffer>((resolve, reject) => {
    const c = net.connect(responder.port, '127.0.0.1');
    let got = Buffer.alloc(0);
    c.on('data', (d) => (got = Buffer.concat([got, d])));
    c.on('close', () => resolve(got));
    c.on('error', reject);
    const junk = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0x3f]);
    c.write(Buffer.concat([Buffer.from([0, junk.length]), junk, Buffer.from([0, 1, 0xff])]));
  });
  assert.equal(reply.readUInt16BE(0), reply.length - 2);
  assert.equal(decode(reply.subarray(2)).rcode, 'FORMERR');
  assert.match(await dig(responder.port, '+short', 'still.test'), /127\.0\.0\.1/);
});

test('suffixes are read per query; a busy port is a coded error', async (t) => {
  let list = ['test'];
  const responder = await DnsResponder.start({ port: 0, suffixes: () => list });
  t.after(() => responder.close());
  assert.match(await dig(responder.port, 'db.internal'), /status: REFUSED/);
  list = ['test', 'internal'];
  assert.equal((await dig(responder.port, '+short', 'db.internal')).trim(), '127.0.0.1');
  await assert.rejects(DnsResponder.start({ port: responder.port, suffixes: () => list }), {
    code: 'DNS_PORT_IN_USE',
    message: /--dns-port/,
  });
});

test('the start-up line brackets an IPv6 listen address, so "host:port" stays readable', async () => {
  const logger = memoryLogger();
  const part = await startDnsPart({ config: { routes: [] }, port: 0, host: '::1', logger });
  try {
    assert.ok(part.port !== undefined, logger.lines.join('\n'));
    assert.ok(logger.lines.some((l) => l.includes(`DNS listening on [::1]:${part.port} (udp+tcp)`)), logger.lines.join('\n'));
  } finally {
    await part.stop();
  }
});
