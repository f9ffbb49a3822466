/**
 * Watches one direction of a WebSocket byte stream and reports whole messages
 * (fragments joined, client masking removed) without touching the stream itself.
 * Payloads are captured up to `cap` bytes per message; beyond that the message
 * is reported truncated. Compressed (permessage-deflate) payloads are reported
 * as they travel. A malformed stream just stops the reporting.
 */
export type WsMessageSink = (opcode: number, payload: Uint8Array) => void;

export class WsFrameTap {
  private readonly header = Buffer.alloc(14);
  private headerLen = 0;
  private headerNeed = 2;
  private headerSized = false;
  private inPayload = false;
  private remaining = 0;
  private masked = false;
  private readonly mask = Buffer.alloc(4);
  private maskOffset = 0;
  private fin = false;
  private opcode = 0;
  private messageOpcode = 0;
  private parts: Buffer[] = [];
  private captured = 0;
  private control: Buffer[] = [];
  private broken = false;

  constructor(
    private readonly sink: WsMessageSink,
    private readonly cap: number,
  ) {}

  push(chunk: Buffer): void {
    if (this.broken) return;
    let i = 0;
    while (i < chunk.length) {
      if (!this.inPayload) {
        while (this.headerLen < this.headerNeed && i < chunk.length) this.header[this.headerLen++] = chunk[i++]!;
        if (this.headerLen < this.headerNeed) return;
        if (!this.headerSized) {
          const len7 = this.header[1]! & 0x7f;
          this.masked = (this.header[1]! & 0x80) !== 0;
          this.headerNeed = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (this.masked ? 4 : 0);
          this.headerSized = true;
          if (this.headerLen < this.headerNeed) continue;
        }
        this.startFrame();
        if (this.broken) return;
        if (this.remaining === 0) this.endFrame();
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - i);
      this.capture(chunk, i, take);
      i += take;
      this.remaining -= take;
      if (this.remaining === 0) this.endFrame();
    }
  }

  private startFrame(): void {
    const h = this.header;
    this.fin = (h[0]! & 0x80) !== 0;
    this.opcode = h[0]! & 0x0f;
    const len7 = h[1]! & 0x7f;
    let offset = 2;
    let length = len7;
    if (len7 === 126) {
      length = h.readUInt16BE(2);
      offset = 4;
    } else if (len7 === 127) {
      const big = h.readBigUInt64BE(2);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
        this.broken = true;
        return;
      }
      length = Number(big);
      offset = 10;
    }
    if (this.masked) h.copy(this.mask, 0, offset, offset + 4);
    this.maskOffset = 0;
    this.remaining = length;
    this.inPayload = true;
    this.headerLen = 0;
    this.headerNeed = 2;
    this.headerSized = false;
    if (this.opcode >= 8) {
      this.control = [];
    } else if (this.opcode !== 0) {
      this.messageOpcode = this.opcode;
      this.parts = [];
      this.captured = 0;
    }
  }

  private capture(chunk: Buffer, start: number, length: number): void {
    const isControl = this.opcode >= 8;
    const room = isControl ? length : Math.min(length, this.cap - this.captured);
    if (room > 0) {
      const copy = Buffer.from(chunk.subarray(start, start + room));
      if (this.masked) {
        for (let k = 0; k < copy.length; k++) copy[k]! ^= this.mask[(this.maskOffset + k) & 3]!;
      }
      if (isControl) this.control.push(copy);
      else {
        this.parts.push(copy);
        this.captured += copy.length;
      }
    }
    this.maskOffset += length;
  }

  private endFrame(): void {
    this.inPayload = false;
    if (this.opcode >= 8) {
      this.sink(this.opcode, Buffer.concat(this.control));
      this.control = [];
      return;
    }
    if (this.fin) {
      this.sink(this.messageOpcode, Buffer.concat(this.parts));
      this.parts = [];
      this.captured = 0;
    }
  }
}
