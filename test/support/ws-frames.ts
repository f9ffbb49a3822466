import * as crypto from 'node:crypto';

/**
 * Minimal RFC 6455 framing for tests that speak WebSocket over a raw stream
 * (an HTTP/2 extended-CONNECT stream has no WebSocket client in Node).
 */

/** One masked client frame (FIN set). Opcode 1 = text, 2 = binary, 8 = close. */
export function clientFrame(payload: Buffer | string, opcode = 1): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const mask = crypto.randomBytes(4);
  let head: Buffer;
  if (data.length < 126) {
    head = Buffer.from([0x80 | opcode, 0x80 | data.length]);
  } else if (data.length < 65536) {
    head = Buffer.alloc(4);
    head[0] = 0x80 | opcode;
    head[1] = 0x80 | 126;
    head.writeUInt16BE(data.length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(data.length), 2);
  }
  const masked = Buffer.from(data);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= mask[i % 4]!;
  return Buffer.concat([head, mask, masked]);
}

export interface Frame {
  opcode: number;
  payload: Buffer;
}

/** Parses complete unmasked server frames from the front of `buf`; returns them and the unconsumed rest. */
export function parseServerFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let at = 0;
  for (;;) {
    if (buf.length - at < 2) break;
    const opcode = buf[at]! & 0x0f;
    let len = buf[at + 1]! & 0x7f;
    let off = at + 2;
    if (len === 126) {
      if (buf.length - at < 4) break;
      len = buf.readUInt16BE(at + 2);
      off = at + 4;
    } else if (len === 127) {
      if (buf.length - at < 10) break;
      len = Number(buf.readBigUInt64BE(at + 2));
      off = at + 10;
    }
    if (buf.length < off + len) break;
    frames.push({ opcode, payload: buf.subarray(off, off + len) });
    at = off + len;
  }
  return { frames, rest: buf.subarray(at) };
}
