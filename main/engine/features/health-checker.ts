import type { HealthCheckConfig } from '../../../shared/config';
import { parseDuration } from '../../../shared/config';
import type { Logger } from '../logger';
import type { Upstream } from '../upstream-pools';

export const DEFAULT_HEALTH_INTERVAL_MS = 10_000;
export const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;

export interface CompiledHealthCheck {
  readonly path: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Accepted statuses; empty means any 2xx or 3xx. */
  readonly expect: readonly number[];
}

export function compileHealthCheck(config: HealthCheckConfig | undefined): CompiledHealthCheck | undefined {
  if (!config) return undefined;
  const expect = config.expectStatus === undefined ? [] : Array.isArray(config.expectStatus) ? config.expectStatus : [config.expectStatus];
  return Object.freeze({
    path: config.path.startsWith('/') ? config.path : `/${config.path}`,
    intervalMs: Math.max(50, (config.interval !== undefined ? parseDuration(config.interval) : undefined) ?? DEFAULT_HEALTH_INTERVAL_MS),
    timeoutMs: Math.max(50, (config.timeout !== undefined ? parseDuration(config.timeout) : undefined) ?? DEFAULT_HEALTH_TIMEOUT_MS),
    expect: Object.freeze([...expect]),
  });
}

export function statusAccepted(check: Pick<CompiledHealthCheck, 'expect'>, status: number): boolean {
  return check.expect.length === 0 ? status >= 200 && status < 400 : check.expect.includes(status);
}

/** The latest result of one target's active check, as routeStatus() shows it. */
export interface ActiveCheckState {
  ok: boolean | undefined;
  lastCheckedAt?: number;
  lastStatus?: number;
  lastError?: string;
}

/**
 * Periodic GETs of one route's health path on each of its targets. A failed
 * check takes the target out of rotation (UpstreamHealth.checkFailing); the next
 * passing one puts it back, also after a refused request took it out passively.
 * One timer per target, chained (a slow check never overlaps the next), unref'd,
 * and all cleared by stop().
 */
export class HealthChecker {
  readonly states: ActiveCheckState[];
  private readonly timers: (NodeJS.Timeout | undefined)[];
  private stopped = false;

  constructor(
    private readonly routeId: string,
    private readonly check: CompiledHealthCheck,
    private readonly upstreams: readonly Upstream[],
    private readonly logger: Logger,
  ) {
    this.states = upstreams.map(() => ({ ok: undefined }));
    this.timers = upstreams.map(() => undefined);
  }

  start(): void {
    this.upstreams.forEach((_, i) => this.run(i));
  }

  private schedule(i: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => this.run(i), this.check.intervalMs);
    t.unref();
    this.timers[i] = t;
  }

  private run(i: number): void {
    if (this.stopped) return;
    const upstream = this.upstreams[i]!;
    const target = upstream.target;
    const path = target.basePath + this.check.path;
    upstream.pool
      .request({ method: 'GET', path, headers: { host: target.hostHeader, 'user-agent': 'gatehouse-health-check' }, headersTimeout: this.check.timeoutMs, bodyTimeout: this.check.timeoutMs })
      .then(async (res) => {
        await res.body.dump().catch(() => {});
        this.record(i, statusAccepted(this.check, res.statusCode) ? undefined : `health check ${path} answered ${res.statusCode}`, res.statusCode);
      })
      .catch((err: Error & { code?: string }) => this.record(i, `health check ${path} failed: ${err.code ?? err.message}`))
      .finally(() => this.schedule(i));
  }

  private record(i: number, error: string | undefined, status?: number): void {
    if (this.stopped) return;
    const state = this.states[i]!;
    const health = this.upstreams[i]!.health;
    const was = state.ok;
    state.ok = error === undefined;
    state.lastCheckedAt = Date.now();
    if (status !== undefined) state.lastStatus = status;
    else delete state.lastStatus;
    if (error !== undefined) state.lastError = error;
    else delete state.lastError;
    health.checkFailing = error !== undefined;
    // A passing check is evidence the target is back, as an answered request is: it also ends a
    // passive down period that a refused request started.
    if (error === undefined) health.recovered();
    if (error !== undefined) health.lastError = error;
    if (was !== state.ok && (was !== undefined || !state.ok)) {
      const name = this.upstreams[i]!.target.display;
      if (state.ok) this.logger.info(`route ${this.routeId}: ${name} passed its health check and is back in rotation`);
      else this.logger.warn(`route ${this.routeId}: ${name} is out of rotation — ${error}`);
    }
  }

  /** Clears every timer and puts the targets back (their passive health still applies). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) if (t) clearTimeout(t);
    for (const u of this.upstreams) u.health.checkFailing = false;
  }
}
