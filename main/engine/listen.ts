import * as net from 'node:net';
import { EngineError } from './engine-error';
import type { Logger } from './logger';

export interface ListenOptions {
  /** Makes one server per host (a server listens on one address). */
  createServer: () => net.Server;
  /** Addresses to bind, e.g. ['127.0.0.1', '::1']; all share one port. */
  hosts: readonly string[];
  /** Port to ask for; 0 = ephemeral (the first bound port is then used for every host). */
  port: number;
  /**
   * Port to use when `port` is taken or privileged; omit for no fallback. Only a
   * default port falls back: a port the user chose (flag or config) is theirs, and
   * failing to get it is an error, not a surprise elsewhere.
   */
  fallbackPort?: number;
  /** Ports Gatehouse's other listeners hold, with their labels ("HTTP"): a clash names them, not "another program". */
  ownPorts?: ReadonlyMap<number, string>;
  /** What the port is for, in messages: "HTTP", "HTTPS", "DNS", "control". */
  label: string;
  /** CLI flag to mention in the fix (default `--<label>-port`). */
  flag?: string;
  logger: Logger;
}

export interface ListenResult {
  port: number;
  servers: net.Server[];
  /** "127.0.0.1:8080", "[::1]:8080" */
  addresses: string[];
  /** True when the fallback port is in use instead of the requested one. */
  fellBack: boolean;
}

type ListenError = NodeJS.ErrnoException & { host?: string; ownedBy?: string };

const IPV6_UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EINVAL', 'EPROTONOSUPPORT']);

function formatAddress(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

function listenOnce(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: ListenError) => {
      server.off('listening', onListening);
      err.host = host;
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}

function closeAll(servers: readonly net.Server[]): void {
  for (const s of servers) s.close();
}

/** Binds every host on one port; skips an IPv6 host when IPv6 is unavailable. */
async function bindAll(opts: ListenOptions, port: number): Promise<{ port: number; servers: net.Server[]; addresses: string[] }> {
  for (let attempt = 0; ; attempt++) {
    const servers: net.Server[] = [];
    const addresses: string[] = [];
    let bound = port;
    try {
      const ownedBy = port !== 0 ? opts.ownPorts?.get(port) : undefined;
      if (ownedBy !== undefined) {
        throw Object.assign(new Error(`port ${port} is Gatehouse's own ${ownedBy} port`), { code: 'EADDRINUSE', ownedBy });
      }
      for (const host of opts.hosts) {
        const server = opts.createServer();
        try {
          bound = await listenOnce(server, host, servers.length === 0 ? port : bound);
        } catch (e) {
          const err = e as ListenError;
          if (net.isIPv6(host) && IPV6_UNAVAILABLE.has(err.code ?? '')) {
            opts.logger.warn(`${opts.label}: cannot listen on ${host} (${err.code}) — skipping it; is IPv6 disabled on this machine?`);
            continue;
          }
          throw err;
        }
        servers.push(server);
        addresses.push(formatAddress(host, bound));
      }
      if (servers.length === 0) {
        throw new EngineError('LISTEN_FAILED', `${opts.label}: none of the listen addresses (${opts.hosts.join(', ')}) could be bound`);
      }
      return { port: bound, servers, addresses };
    } catch (e) {
      closeAll(servers);
      const err = e as ListenError;
      // An ephemeral port that happens to be taken on the second address: pick another.
      if (port === 0 && servers.length > 0 && err.code === 'EADDRINUSE' && attempt < 10) continue;
      throw err;
    }
  }
}

/** One line: which port failed, why, and how to fix it. */
export function describeListenFailure(err: ListenError, label: string, port: number, flag: string, platform = process.platform): string {
  const where = err.host ? ` on ${err.host}` : '';
  if (err.code === 'EACCES') {
    const fix =
      platform === 'linux'
        ? `run \`sudo sysctl -w net.ipv4.ip_unprivileged_port_start=${Math.min(port, 80)}\` or pass ${flag} N`
        : `run Gatehouse with administrator rights or pass ${flag} N`;
    return `${label} port ${port}${where}: permission denied (ports below 1024 are privileged) — ${fix}`;
  }
  if (err.code === 'EADDRINUSE' && err.ownedBy !== undefined) {
    return `${label} port ${port} is already Gatehouse's own ${err.ownedBy} port — ${err.ownedBy} and ${label} need different ports; pass ${flag} N`;
  }
  if (err.code === 'EADDRINUSE') {
    return `${label} port ${port}${where} is already in use by another program — stop it or pass ${flag} N`;
  }
  if (err.code === 'EADDRNOTAVAIL') {
    return `${label}: cannot listen on ${err.host ?? 'that address'}: no such address on this machine — fix the "listen" list in the config`;
  }
  return `${label} port ${port}${where} could not be bound: ${err.message}`;
}

/**
 * Listens on every host, on the requested port or, when that is privileged or
 * taken, on the fallback port (saying so in one line). Rejects with a coded
 * error (PORT_UNAVAILABLE) when neither can be bound.
 */
export async function listenWithFallback(opts: ListenOptions): Promise<ListenResult> {
  const flag = opts.flag ?? `--${opts.label.toLowerCase()}-port`;
  try {
    const r = await bindAll(opts, opts.port);
    return { ...r, fellBack: false };
  } catch (e) {
    const err = e as ListenError;
    if (err instanceof EngineError) throw err;
    const recoverable = err.code === 'EACCES' || err.code === 'EADDRINUSE';
    const why = describeListenFailure(err, opts.label, opts.port, flag);
    const fallback = opts.fallbackPort;
    if (!recoverable || fallback === undefined || fallback === opts.port || opts.port === 0) {
      throw new EngineError(recoverable ? 'PORT_UNAVAILABLE' : 'LISTEN_FAILED', why, 500, { cause: err });
    }
    try {
      const r = await bindAll(opts, fallback);
      opts.logger.warn(`${why}; using port ${r.port} instead`);
      return { ...r, fellBack: true };
    } catch (e2) {
      const err2 = e2 as ListenError;
      if (err2 instanceof EngineError) throw err2;
      throw new EngineError(
        'PORT_UNAVAILABLE',
        `${why}; the fallback: ${describeListenFailure(err2, opts.label, fallback, flag)}`,
        500,
        { cause: err2 },
      );
    }
  }
}
