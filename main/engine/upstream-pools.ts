import { Pool } from 'undici';
import { UpstreamHealth } from './balancer';
import type { Target } from './target';

/** One upstream: its keep-alive pool and its health, shared by every route that targets it. */
export interface Upstream {
  readonly key: string;
  readonly target: Target;
  readonly verifyTls: boolean;
  readonly pool: Pool;
  readonly health: UpstreamHealth;
}

export interface PoolSettings {
  connectTimeoutMs: number;
}

/** Largest response head accepted from an upstream (dev servers send big CSP headers). */
const MAX_UPSTREAM_HEADER_SIZE = 64 * 1024;

export function upstreamKey(target: Target, verifyTls: boolean, settings: PoolSettings): string {
  return `${target.url}|${verifyTls ? 'verify' : 'noverify'}|${settings.connectTimeoutMs}`;
}

/**
 * Pools keyed by target + TLS verification + connect timeout. applyConfig
 * builds the next set with acquire() and then retain()s it: pools of unchanged
 * targets survive, removed ones close gracefully (in-flight requests finish).
 */
export class UpstreamRegistry {
  private readonly upstreams = new Map<string, Upstream>();

  acquire(target: Target, verifyTls: boolean, settings: PoolSettings): Upstream {
    const key = upstreamKey(target, verifyTls, settings);
    let u = this.upstreams.get(key);
    if (!u) {
      const pool = new Pool(target.origin, {
        connectTimeout: settings.connectTimeoutMs,
        ...(target.socketPath ? { socketPath: target.socketPath } : {}),
        connect: { rejectUnauthorized: verifyTls },
        keepAliveTimeout: 4_000,
        pipelining: 1,
        strictContentLength: true,
        maxHeaderSize: MAX_UPSTREAM_HEADER_SIZE,
        autoSelectFamily: true,
      });
      // A pool error without a request (e.g. a socket error while idle) must not crash the process.
      pool.on('connectionError', () => {});
      u = { key, target, verifyTls, pool, health: new UpstreamHealth() };
      this.upstreams.set(key, u);
    }
    return u;
  }

  /** Closes (gracefully) every pool whose key is not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const [key, u] of this.upstreams) {
      if (keep.has(key)) continue;
      this.upstreams.delete(key);
      u.pool.close().catch(() => {});
    }
  }

  get size(): number {
    return this.upstreams.size;
  }

  /** Closes every pool, waiting for in-flight requests. */
  async closeAll(): Promise<void> {
    const all = [...this.upstreams.values()];
    await Promise.all(all.map((u) => u.pool.close().catch(() => {})));
  }

  /** Destroys every pool and its sockets now. */
  async destroyAll(): Promise<void> {
    const all = [...this.upstreams.values()];
    this.upstreams.clear();
    await Promise.all(all.map((u) => u.pool.destroy().catch(() => {})));
  }
}
