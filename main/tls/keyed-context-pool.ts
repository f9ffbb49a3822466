import * as tls from 'node:tls';

/**
 * Secure contexts with the shared leaf key already loaded, made while the
 * engine has nothing else to do, so that a handshake for a never-seen host
 * waits only for its certificate.
 *
 * Under OpenSSL 3.0 a server context costs ~2.6 ms of event-loop time: ~0.4 ms
 * for the empty context, ~1.0 ms to parse the key's PEM and ~1.0 ms the
 * certificate's. Every leaf shares one key, so the first two can be done ahead.
 * Node's public API has no call that adds a certificate to an existing
 * context; the pool uses the native context's `setCert`, the call
 * tls.createSecureContext itself makes for `cert`, and builds a whole context
 * the usual way whenever that call is missing or fails.
 *
 * OpenSSL drops a context's key when a certificate for a different key is
 * added, so a pooled context only ever receives a certificate for the key it
 * was made with: the pool is emptied when the key changes.
 */

export interface KeyedContextPoolOptions {
  /** Contexts kept ready. Default 4: a page that opens a few new subdomains at once. */
  size?: number;
  /** The pool refills after this long without a take (never in the middle of a burst of handshakes). Default 20 ms. */
  idleMs?: number;
}

export interface KeyedContextPoolStats {
  /** Contexts handed out from the pool. */
  fromPool: number;
  /** Contexts built whole because the pool was empty (or setCert failed). */
  built: number;
  /** Contexts made ahead. */
  prepared: number;
}

interface NativeContext {
  setCert?: (cert: string) => void;
}

export class KeyedContextPool {
  private size: number;
  private readonly idleMs: number;
  private ready: tls.SecureContext[] = [];
  private keyPem: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private filling: NodeJS.Immediate | undefined;
  private readonly _stats: KeyedContextPoolStats = { fromPool: 0, built: 0, prepared: 0 };

  constructor(opts: KeyedContextPoolOptions = {}) {
    this.size = opts.size ?? 4;
    this.idleMs = opts.idleMs ?? 20;
  }

  get stats(): Readonly<KeyedContextPoolStats> {
    return { ...this._stats };
  }

  /** How many contexts are ready now. */
  get readyCount(): number {
    return this.ready.length;
  }

  /** Starts filling the pool for this key once the engine is idle. */
  prepare(keyPem: string): void {
    this.useKey(keyPem);
    this.scheduleFill();
  }

  /** A server context with this key and certificate chain (PEM). */
  contextFor(keyPem: string, certPem: string): tls.SecureContext {
    this.useKey(keyPem);
    const pooled = this.ready.pop();
    this.scheduleFill();
    if (pooled) {
      const native = pooled.context as NativeContext;
      try {
        native.setCert!(certPem);
        this._stats.fromPool += 1;
        return pooled;
      } catch {
        // Fall through: the whole context is built the documented way, which reports a bad PEM properly.
      }
    }
    this._stats.built += 1;
    return serverContext(keyPem, certPem);
  }

  /** Drops the ready contexts and stops filling. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.filling) clearImmediate(this.filling);
    this.timer = undefined;
    this.filling = undefined;
    this.ready = [];
  }

  private useKey(keyPem: string): void {
    if (keyPem === this.keyPem) return;
    this.keyPem = keyPem;
    this.ready = [];
  }

  private scheduleFill(): void {
    if (this.size <= 0) return;
    if (this.filling) {
      clearImmediate(this.filling);
      this.filling = undefined;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fillOne();
    }, this.idleMs);
    this.timer.unref();
  }

  /** One context per turn of the event loop, so a handshake arriving meanwhile waits for at most one. */
  private fillOne(): void {
    this.filling = undefined;
    const keyPem = this.keyPem;
    if (keyPem === undefined || this.ready.length >= this.size) return;
    let context: tls.SecureContext;
    try {
      context = serverContext(keyPem);
    } catch {
      return; // a key OpenSSL cannot read: every take builds whole and reports it
    }
    if (typeof (context.context as NativeContext | undefined)?.setCert !== 'function') {
      // This Node has no native setCert: the pool stays empty and every context is built whole.
      this.size = 0;
      return;
    }
    this.ready.push(context);
    this._stats.prepared += 1;
    if (this.ready.length < this.size) this.filling = setImmediate(() => this.fillOne());
  }
}

/**
 * A server context the documented way: the pool's contexts (no certificate yet) and
 * whole ones are made with the same options. `ca: []`: a server needs no trust
 * store, and loading the system roots costs ~1 ms.
 */
function serverContext(keyPem: string, certPem?: string): tls.SecureContext {
  return tls.createSecureContext({ key: keyPem, ...(certPem !== undefined ? { cert: certPem } : {}), ca: [] });
}
