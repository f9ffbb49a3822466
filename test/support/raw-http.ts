import * as net from 'node:net';

export interface RawResponse {
  /** Everything the server sent before closing (or before the wait ended). */
  text: string;
  status: number | undefined;
  /** True when the server closed the connection. */
  closed: boolean;
}

/**
 * Sends bytes exactly as given on a fresh TCP connection and collects the
 * answer until the server closes the connection or `waitMs` passes.
 */
export function rawExchange(port: number, payload: string | Buffer, opts: { host?: string; waitMs?: number } = {}): Promise<RawResponse> {
  const waitMs = opts.waitMs ?? 3_000;
  return new Promise((resolve) => {
    const socket = net.connect({ host: opts.host ?? '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ text, status: m ? Number(m[1]) : undefined, closed });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.write(payload);
  });
}

/** Opens a connection, sends `head`, and returns the socket for the test to drive. */
export function rawConnect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => resolve(socket));
    socket.once('error', reject);
  });
}
