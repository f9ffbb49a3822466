import type { DurationValue } from '../../../shared/config';
import { parseDuration } from '../../../shared/config';

/** A route's network conditions, compiled once: added latency and a download bandwidth cap. */
export interface NetworkConditions {
  /** Added before the request is forwarded (or served), in ms. */
  readonly latencyMs: number;
  /** Response bytes per second; 0 = unlimited. */
  readonly bytesPerSecond: number;
}

export function compileNetworkConditions(latency: DurationValue | undefined, bandwidth: number | undefined): NetworkConditions | undefined {
  const latencyMs = latency !== undefined ? (parseDuration(latency) ?? 0) : 0;
  const bytesPerSecond = bandwidth !== undefined && bandwidth > 0 ? bandwidth : 0;
  if (latencyMs <= 0 && bytesPerSecond <= 0) return undefined;
  return Object.freeze({ latencyMs, bytesPerSecond });
}

/**
 * Paces a response body to an average rate: after each chunk, the time the bytes
 * so far should have taken is compared with the time that passed; the difference
 * is how long to hold back the next chunk (0 when on schedule).
 */
export class BandwidthPacer {
  private sent = 0;
  private readonly startedAt: number;

  constructor(
    readonly bytesPerSecond: number,
    now: number,
  ) {
    this.startedAt = now;
  }

  /** Records `bytes` sent at `now`; returns the ms to wait before the next chunk. */
  delayAfter(bytes: number, now: number): number {
    this.sent += bytes;
    const due = this.startedAt + (this.sent / this.bytesPerSecond) * 1000;
    return Math.max(0, Math.ceil(due - now));
  }
}
