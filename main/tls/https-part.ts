import { type GatehouseConfig } from '../../shared/config';
import type { Logger } from '../engine/logger';
import { resolveTimeouts } from '../engine/timeouts';
import type { CertificateAuthority } from './certificate-authority';
import { httpsHostMatcher } from './https-hosts';
import { HttpsListener, type HttpsEngine } from './https-listener';
import { LeafCertificates } from './leaf-certificates';

/**
 * HTTPS as one part of a running Gatehouse (what the composition root starts):
 * the CA (created on first run), the leaf cache and the HTTPS listener, kept in
 * step with config edits — routes decide which names get certificates, and a
 * changed suffix list re-issues the root.
 */

export interface HttpsPartOptions {
  /**
   * The local CA, already opened (CertificateAuthority.open) by the composition root before any
   * listener starts: a damaged CA must stop a start before anything claims to listen.
   */
  ca: CertificateAuthority;
  config: GatehouseConfig;
  engine: HttpsEngine;
  /** --https-port; else config.httpsPort; else 443 (falling back to 8443 — the only case that falls back). 0 = any free port. */
  port?: number;
  /** Addresses to listen on (default: config.listen, else loopback). */
  listen?: readonly string[];
  logger: Logger;
}

export interface HttpsPart {
  readonly ca: CertificateAuthority;
  readonly leaves: LeafCertificates;
  readonly listener: HttpsListener;
  /** The port actually bound. */
  readonly port: number;
  /** Applies a config edit (routes served over HTTPS, suffixes, timeouts). */
  applyConfig(config: GatehouseConfig): Promise<void>;
  stop(graceMs?: number): Promise<void>;
}

export async function startHttpsPart(opts: HttpsPartOptions): Promise<HttpsPart> {
  const { logger } = opts;
  let config = opts.config;
  let hasRoute = httpsHostMatcher(config.routes);
  let timeouts = resolveTimeouts(config.timeouts);
  const ca = opts.ca;
  const leaves = new LeafCertificates(ca, { logger });
  const listen = opts.listen ?? config.listen;
  const port = opts.port ?? config.httpsPort;
  const listener = await HttpsListener.start({
    engine: opts.engine,
    leaves,
    hasRoute: (host) => hasRoute(host),
    // A port chosen by flag or config does not fall back to 8443; the default 443 does.
    ...(port !== undefined ? { port } : {}),
    ...(listen !== undefined ? { listen } : {}),
    timeouts: () => timeouts,
    logger,
  });
  return {
    ca,
    leaves,
    listener,
    port: listener.port,
    async applyConfig(next) {
      config = next;
      hasRoute = httpsHostMatcher(next.routes);
      timeouts = resolveTimeouts(next.timeouts);
      if (await ca.setSuffixes(next.suffixes)) leaves.clearMemory();
    },
    async stop(graceMs) {
      await listener.stop(graceMs);
      leaves.dispose();
      await leaves.flush(); // leaves minted in the last moments still reach the disk cache
    },
  };
}
