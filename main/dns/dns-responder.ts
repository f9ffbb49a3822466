import * as dgram from 'node:dgram';
import * as net from 'node:net';
import type { Logger } from '../engine/logger';
import { silentLogger } from '../engine/logger';
import { answerQuery } from './dns-answer';

/**
 * The built-in DNS responder: UDP and TCP on loopback, answering with
 * dns-answer.ts's policy. Never crashes on input: a bad packet gets FORMERR or
 * silence, a bad TCP stream is closed.
 */

export interface DnsResponderOptions {
  /** 0 picks a free port (UDP and TCP share it). */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Read on every query, so a config reload takes effect at once. */
  suffixes: () => readonly string[];
  /** Also serve DNS over TCP on the same port (default true). */
  tcp?: boolean;
  logger?: Logger;
}

export class DnsError extends Error {
  constructor(
    readonly code: 'DNS_PORT_IN_USE' | 'DNS_PORT_DENIED' | 'DNS_LISTEN_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'DnsError';
  }
}

const TCP_IDLE_MS = 10_000;
const TCP_MAX_CONNECTIONS = 64;

function listenError(err: NodeJS.ErrnoException, host: string, port: number): DnsError {
  if (err.code === 'EADDRINUSE') {
    return new DnsError(
      'DNS_PORT_IN_USE',
      `DNS port ${host}:${port} is already in use; pick another with --dns-port N (or "dnsPort" in the config)`,
    );
  }
  if (err.code === 'EACCES') {
    return new DnsError('DNS_PORT_DENIED', `not allowed to bind DNS port ${port}; use a port above 1023 with --dns-port N`);
  }
  return new DnsError('DNS_LISTEN_FAILED', `could not listen for DNS on ${host}:${port}: ${err.message}`);
}

export class DnsResponder {
  private readonly tcpSockets = new Set<net.Socket>();

  private constructor(
    private readonly udp: dgram.Socket,
    private readonly tcp: net.Server | undefined,
    readonly host: string,
    readonly port: number,
  ) {}

  /**
   * With port 0, UDP picks a free ephemeral port and TCP must then take the same
   * number, which some unrelated TCP socket may already hold: try a few fresh
   * ports before giving up. A port the user chose is tried once.
   */
  static async start(opts: DnsResponderOptions): Promise<DnsResponder> {
    const attempts = opts.port === 0 && opts.tcp !== false ? 8 : 1;
    for (let i = 1; ; i++) {
      try {
        return await DnsResponder.startOnce(opts);
      } catch (err) {
        if (i >= attempts || (err as DnsError).code !== 'DNS_PORT_IN_USE') throw err;
      }
    }
  }

  private static async startOnce(opts: DnsResponderOptions): Promise<DnsResponder> {
    const host = opts.host ?? '127.0.0.1';
    const logger = opts.logger ?? silentLogger;
    const answer = (query: Uint8Array) => answerQuery(query, { suffixes: opts.suffixes() });

    const udp = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4' });
    udp.on('message', (msg, rinfo) => {
      let reply: Buffer | undefined;
      try {
        reply = answer(msg);
      } catch (err) {
        logger.warn(`DNS: could not answer a query from ${rinfo.address}: ${(err as Error).message}`);
      }
      if (reply) udp.send(reply, rinfo.port, rinfo.address, () => undefined);
    });
    udp.on('error', (err) => logger.warn(`DNS (UDP): ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => reject(listenError(err, host, opts.port));
      udp.once('error', onError);
      udp.bind({ port: opts.port, address: host, exclusive: true }, () => {
        udp.off('error', onError);
        resolve();
      });
    });
    const port = udp.address().port;

    let tcp: net.Server | undefined;
    if (opts.tcp !== false) {
      try {
        tcp = await listenTcp(host, port, answer, logger);
      } catch (err) {
        udp.close();
        throw listenError(err as NodeJS.ErrnoException, host, port);
      }
    }
    const responder = new DnsResponder(udp, tcp, host, port);
    tcp?.on('connection', (socket) => {
      // At the cap, the oldest connection makes room (rather than refusing the newest): idle or
      // half-sent connections cannot lock real queries out of DNS over TCP until they time out.
      if (responder.tcpSockets.size >= TCP_MAX_CONNECTIONS) {
        const oldest = responder.tcpSockets.values().next().value;
        oldest?.destroy();
        if (oldest) responder.tcpSockets.delete(oldest);
      }
      responder.tcpSockets.add(socket);
      socket.once('close', () => responder.tcpSockets.delete(socket));
    });
    return responder;
  }

  async close(): Promise<void> {
    for (const s of this.tcpSockets) s.destroy();
    await Promise.all([
      new Promise<void>((resolve) => this.udp.close(() => resolve())),
      this.tcp ? new Promise<void>((resolve) => this.tcp!.close(() => resolve())) : undefined,
    ]);
  }
}

function listenTcp(
  host: string,
  port: number,
  answer: (query: Uint8Array) => Buffer | undefined,
  logger: Logger,
): Promise<net.Server> {
  const server = net.createServer((socket) => serveTcp(socket, answer, logger));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', (err) => logger.warn(`DNS (TCP): ${err.message}`));
      resolve(server);
    });
  });
}

/** DNS over TCP (RFC 7766): each message is preceded by its two-byte length; several per connection. */
function serveTcp(socket: net.Socket, answer: (query: Uint8Array) => Buffer | undefined, logger: Logger): void {
  let buffered: Buffer = Buffer.alloc(0);
  socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) return;
      const message = buffered.subarray(2, 2 + length);
      buffered = buffered.subarray(2 + length);
      let reply: Buffer | undefined;
      try {
        reply = answer(message);
      } catch (err) {
        logger.warn(`DNS: could not answer a TCP query: ${(err as Error).message}`);
      }
      if (!reply) {
        socket.destroy();
        return;
      }
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(reply.length, 0);
      socket.write(Buffer.concat([prefix, reply]));
    }
  });
}
