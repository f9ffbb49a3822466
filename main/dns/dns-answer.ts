import * as dnsPacket from 'dns-packet';
import { matchingSuffix, normalizeHostName } from '../tls/permitted-names';

/**
 * The DNS responder's whole policy, as a pure function from a query message to
 * a response message: names under the suffixes resolve to loopback
 * (A 127.0.0.1, AAAA ::1), everything else is REFUSED, and a malformed query
 * gets FORMERR when it has a readable header and no answer otherwise.
 */

export interface DnsAnswerPolicy {
  suffixes: readonly string[];
  /** Seconds. Default 60. */
  ttl?: number;
  ipv4?: string;
  ipv6?: string;
}

const RCODE = { NOERROR: 0, FORMERR: 1, NOTIMP: 4, REFUSED: 5 } as const;
const OPCODE_QUERY = 0;
const HEADER_BYTES = 12;
const QR = 1 << 15;

/** Opcode and RD echoed from the query, AA set, RA clear (this is no recursive resolver). */
function responseFlags(queryFlags: number, rcode: number): number {
  const opcode = queryFlags & 0x7800;
  const rd = queryFlags & dnsPacket.RECURSION_DESIRED;
  return opcode | dnsPacket.AUTHORITATIVE_ANSWER | rd | rcode;
}

/** A header-only response (no question echoed): for queries too broken to decode. */
function bareResponse(query: Uint8Array, rcode: number): Buffer {
  const out = Buffer.alloc(HEADER_BYTES);
  out.writeUInt16BE((query[0]! << 8) | query[1]!, 0);
  const flags = (query[2]! << 8) | query[3]!;
  out.writeUInt16BE(QR | responseFlags(flags, rcode), 2);
  return out;
}

function soaFor(zone: string, ttl: number): dnsPacket.Answer {
  return {
    name: zone,
    type: 'SOA',
    class: 'IN',
    ttl,
    data: {
      mname: `gatehouse.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: ttl,
    },
  };
}

/** The response bytes for one query message, or undefined when it must be ignored. */
export function answerQuery(query: Uint8Array, policy: DnsAnswerPolicy): Buffer | undefined {
  if (query.length < HEADER_BYTES) return undefined;
  if (query[2]! & 0x80) return undefined; // a response, not a query: never answer those
  let packet: dnsPacket.DecodedPacket;
  try {
    packet = dnsPacket.decode(Buffer.from(query.buffer, query.byteOffset, query.byteLength));
  } catch {
    return bareResponse(query, RCODE.FORMERR);
  }
  const flags = packet.flags ?? 0;
  if (((flags >> 11) & 0xf) !== OPCODE_QUERY) return bareResponse(query, RCODE.NOTIMP);
  const questions = packet.questions ?? [];
  if (questions.length !== 1) return bareResponse(query, RCODE.FORMERR);

  const question = questions[0]!;
  const ttl = policy.ttl ?? 60;
  const name = normalizeHostName(question.name);
  const zone = matchingSuffix(name, policy.suffixes);
  const reply = (rcode: number, answers: dnsPacket.Answer[], authorities: dnsPacket.Answer[] = []): Buffer =>
    dnsPacket.encode({
      id: packet.id ?? 0,
      type: 'response',
      flags: responseFlags(flags, rcode),
      questions: [question],
      answers,
      authorities,
    });

  if (zone === undefined || (question.class !== undefined && question.class !== 'IN')) {
    return reply(RCODE.REFUSED, []);
  }
  const a: dnsPacket.Answer = { name: question.name, type: 'A', class: 'IN', ttl, data: policy.ipv4 ?? '127.0.0.1' };
  const aaaa: dnsPacket.Answer = { name: question.name, type: 'AAAA', class: 'IN', ttl, data: policy.ipv6 ?? '::1' };
  switch (question.type as string) {
    case 'A':
      return reply(RCODE.NOERROR, [a]);
    case 'AAAA':
      return reply(RCODE.NOERROR, [aaaa]);
    case 'ANY':
      return reply(RCODE.NOERROR, [a, aaaa]);
    case 'SOA':
      if (name === zone) return reply(RCODE.NOERROR, [soaFor(zone, ttl)]);
      return reply(RCODE.NOERROR, [], [soaFor(zone, ttl)]);
    default:
      // The name exists but has no record of this type (NODATA), with the SOA for negative caching.
      return reply(RCODE.NOERROR, [], [soaFor(zone, ttl)]);
  }
}
