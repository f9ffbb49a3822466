import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { WsFrameTap } from '../../main/engine/ws-frame-tap';

function frame(opcode: number, payload: Buffer, opts: { fin?: boolean; mask?: Buffer } = {}): Buffer {
  const fin = opts.fin ?? true;
  const len = payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | opcode];
  const maskBit = opts.mask ? 0x80 : 0;
  if (len < 126) head.push(maskBit | len);
  else if (len < 65536) head.push(maskBit | 126, len >> 8, len & 0xff);
  else {
    head.push(maskBit | 127);
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(len));
    head.push(...b);
  }
  let body = payload;
  if (opts.mask) {
    head.push(...opts.mask);
    body = Buffer.from(payload.map((x, i) => x ^ opts.mask![i % 4]!));
  }
  return Buffer.concat([Buffer.from(head), body]);
}

function collect(cap = 1 << 20) {
  const got: Array<[number, string]> = [];
  const tap = new WsFrameTap((op, p) => got.push([op, Buffer.from(p).toString()]), cap);
  return { got, tap };
}

test('unmasked and masked frames, split at every byte boundary', () => {
  const mask = Buffer.from([1, 2, 3, 4]);
  const stream = Buffer.concat([frame(1, Buffer.from('hello')), frame(2, Buffer.from('masked!'), { mask }), frame(9, Buffer.from('p'))]);
  for (let split = 0; split <= stream.length; split++) {
    const { got, tap } = collect();
    tap.push(stream.subarray(0, split));
    tap.push(stream.subarray(split));
    assert.deepEqual(got, [
      [1, 'hello'],
      [2, 'masked!'],
      [9, 'p'],
    ]);
  }
});

test('fragmented message with an interleaved control frame; 16- and 64-bit lengths', () => {
  const { got, tap } = collect();
  const big = Buffer.alloc(70_000, 'a');
  const mid = Buffer.alloc(300, 'b');
  tap.push(
    Buffer.concat([
      frame(1, Buffer.from('frag-'), { fin: false }),
      frame(10, Buffer.from('pong')),
      frame(0, Buffer.from('ment'), { fin: true }),
      frame(2, mid, { mask: Buffer.from([9, 9, 9, 9]) }),
      frame(2, big),
      frame(8, Buffer.from([0x03, 0xe8])),
    ]),
  );
  assert.deepEqual(got.map(([op, p]) => [op, p.length]), [
    [10, 4],
    [1, 9],
    [2, 300],
    [2, 70_000],
    [8, 2],
  ]);
  assert.equal(got[1]![1], 'frag-ment');
  assert.equal(got[2]![1], mid.toString());
});

test('payloads are captured up to the cap', () => {
  const { got, tap } = collect(10);
  tap.push(frame(1, Buffer.from('0123456789abcdef'), { mask: Buffer.from([5, 6, 7, 8]) }));
  tap.push(frame(1, Buffer.from('next')));
  assert.deepEqual(got, [
    [1, '0123456789'],
    [1, 'next'],
  ]);
});
