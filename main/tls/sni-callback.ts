import type * as tls from 'node:tls';
import type { Logger } from '../engine/logger';
import type { LeafCertificates } from './leaf-certificates';
import { normalizeHostName } from './permitted-names';
import { TlsError } from './tls-error';

/**
 * The HTTPS listener's SNICallback: a certificate for every routed name under
 * the CA's suffixes, and none for anything else. A refused name gets no context,
 * so the handshake goes on with the listener's own, which has no certificate:
 * OpenSSL then ends it with a handshake_failure alert, as for a client that sent
 * no name, and the client reports a TLS alert rather than a connection cut off
 * mid-handshake (what an error passed to the callback gives: Node destroys the
 * socket without an alert). Each refused name is logged once, not once per
 * connection attempt.
 */

export interface SniCallbackOptions {
  leaves: LeafCertificates;
  /** Whether a route serves this host over HTTPS (supplied by the composition root). */
  hasRoute: (host: string) => boolean;
  logger: Logger;
  /** How many distinct refused names are remembered for log de-duplication. Default 1000. */
  rememberRefusals?: number;
}

export type SniCallback = (servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void) => void;

export function createSniCallback(opts: SniCallbackOptions): SniCallback {
  const refused = new Set<string>();
  const limit = opts.rememberRefusals ?? 1000;

  function refuse(name: string, err: Error, cb: (err: Error | null, ctx?: tls.SecureContext) => void): void {
    if (!refused.has(name)) {
      if (refused.size >= limit) refused.clear();
      refused.add(name);
      opts.logger.warn(`TLS: no certificate for "${name}": ${err.message}`);
    }
    cb(null);
  }

  return (servername, cb) => {
    const name = normalizeHostName(servername);
    if (!opts.hasRoute(name)) {
      refuse(
        name,
        new TlsError('SNI_NO_ROUTE', `no enabled route serves ${name} over HTTPS (add a route for it, or enable it)`),
        cb,
      );
      return;
    }
    // A host seen before: a Map lookup and a synchronous answer.
    const cached = opts.leaves.cachedContext(name);
    if (cached) {
      if (refused.size > 0) refused.delete(name);
      cb(null, cached);
      return;
    }
    opts.leaves.contextFor(name).then(
      (ctx) => {
        refused.delete(name);
        cb(null, ctx);
      },
      (err: Error) => refuse(name, err, cb),
    );
  };
}
