import * as tls from 'node:tls';

/**
 * Raw HTTP/2 over TLS for sending frames Node's own client refuses to build
 * (bad pseudo-headers, connection-specific headers). HPACK literals only
 * ("literal without indexing", no Huffman), enough for short test headers.
 */
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

export function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

function hpackInt(value: number, prefixBits: number, firstByte: number): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([firstByte | value]);
  const out = [firstByte | max];
  let v = value - max;
  while (v >= 128) {
    out.push((v % 128) + 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

/** A header block of literal fields without indexing (new names), in the given order. */
export function headerBlock(fields: Array<[string, string]>): Buffer {
  return Buffer.concat(
    fields.flatMap(([n, v]) => {
      const name = Buffer.from(n, 'latin1');
      const value = Buffer.from(v, 'latin1');
      return [Buffer.from([0x00]), hpackInt(name.length, 7, 0), name, hpackInt(value.length, 7, 0), value];
    }),
  );
}

export const DATA = 0x0;
export const SETTINGS = 0x4;
export const HEADERS = 0x1;
export const RST_STREAM = 0x3;
export const GOAWAY = 0x7;

export interface ReceivedFrame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

export interface RawH2 {
  socket: tls.TLSSocket;
  frames: ReceivedFrame[];
  closed: () => boolean;
  send(b: Buffer): void;
  close(): void;
}

/** Connects with ALPN h2 and the given SNI, sends the preface and an empty SETTINGS frame. */
export function rawH2(port: number, servername: string, ca: string): Promise<RawH2> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, ca, ALPNProtocols: ['h2'] }, () => {
      if (socket.alpnProtocol !== 'h2') return reject(new Error(`ALPN gave ${socket.alpnProtocol}`));
      socket.write(Buffer.concat([PREFACE, frame(SETTINGS, 0, 0)]));
      resolve(conn);
    });
    const frames: ReceivedFrame[] = [];
    let buf = Buffer.alloc(0);
    let closed = false;
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 9) {
        const len = buf.readUIntBE(0, 3);
        if (buf.length < 9 + len) break;
        const f = { type: buf[3]!, flags: buf[4]!, streamId: buf.readUInt32BE(5) & 0x7fffffff, payload: buf.subarray(9, 9 + len) };
        frames.push(f);
        if (f.type === SETTINGS && !(f.flags & 1) && !socket.destroyed) socket.write(frame(SETTINGS, 1, 0)); // ACK
        buf = buf.subarray(9 + len);
      }
    });
    socket.on('close', () => (closed = true));
    socket.on('error', () => {});
    const conn: RawH2 = {
      socket,
      frames,
      closed: () => closed,
      send: (b) => {
        if (!socket.destroyed) socket.write(b);
      },
      close: () => socket.destroy(),
    };
    socket.once('error', reject);
  });
}
