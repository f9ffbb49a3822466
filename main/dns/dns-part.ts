import { DEFAULT_DNS_PORT, type GatehouseConfig } from '../../shared/config';
import type { Logger } from '../engine/logger';
import { permittedSuffixes } from '../tls/permitted-names';
import { DnsError, DnsResponder } from './dns-responder';

/**
 * The DNS responder as one part of a running Gatehouse. DNS is a convenience
 * (*.localhost and the hosts file work without it), so a busy port is a
 * warning, not a failed start.
 */

export interface DnsPartOptions {
  config: GatehouseConfig;
  /** --dns-port; else config.dnsPort; else DEFAULT_DNS_PORT. 0 = any free port. */
  port?: number;
  /** Default 127.0.0.1 (what resolver configuration points at). */
  host?: string;
  logger: Logger;
}

export interface DnsPart {
  /** The port answering, or undefined when the responder could not start. */
  readonly port: number | undefined;
  applyConfig(config: GatehouseConfig): void;
  stop(): Promise<void>;
}

export async function startDnsPart(opts: DnsPartOptions): Promise<DnsPart> {
  let suffixes = permittedSuffixes(opts.config.suffixes);
  const port = opts.port ?? opts.config.dnsPort ?? DEFAULT_DNS_PORT;
  let responder: DnsResponder | undefined;
  try {
    responder = await DnsResponder.start({
      port,
      ...(opts.host !== undefined ? { host: opts.host } : {}),
      suffixes: () => suffixes,
      logger: opts.logger,
    });
    opts.logger.info(`DNS listening on ${responder.host.includes(':') ? `[${responder.host}]` : responder.host}:${responder.port} (udp+tcp) for ${suffixes.map((s) => `*.${s}`).join(', ')}`);
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    opts.logger.warn(`DNS responder not started: ${err.message}`);
  }
  return {
    port: responder?.port,
    applyConfig(config) {
      suffixes = permittedSuffixes(config.suffixes);
    },
    stop: async () => {
      await responder?.close();
    },
  };
}
