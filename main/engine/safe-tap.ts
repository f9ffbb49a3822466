import type { CodedError } from '../../shared/http-types';
import type { ExchangeObserver, ExchangeStart, ExchangeTap } from './exchange-observer';
import type { Logger } from './logger';

/** A tap that does nothing: what the forward path uses when nothing records. */
export const NOOP_TAP: Tap & { readonly active: false } = {
  active: false,
  target() {},
  forwarded() {},
  upstreamConnected() {},
  upstreamResponse() {},
  clientResponse() {},
  requestBody() {},
  responseBody() {},
  wsMessage() {},
  note() {},
  finish() {},
};

/** The guarded tap the forward path calls; note() is always present (a no-op when the observer has none). */
export type Tap = ExchangeTap & { readonly active: boolean; note(text: string): void };

/**
 * Wraps an observer's tap so that a faulty recorder can never break the
 * forward path (every call guarded) and finish() reaches it exactly once.
 */
class GuardedTap implements Tap {
  readonly active = true;
  private done = false;
  private complained = false;

  constructor(
    private readonly inner: ExchangeTap,
    private readonly logger: Logger,
  ) {}

  private guard(fn: () => void): void {
    if (this.done) return;
    try {
      fn();
    } catch (err) {
      if (!this.complained) {
        this.complained = true;
        this.logger.warn(`recorder hook failed (ignored): ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  target(url: string): void {
    this.guard(() => this.inner.target(url));
  }
  forwarded(...args: Parameters<ExchangeTap['forwarded']>): void {
    this.guard(() => this.inner.forwarded(...args));
  }
  upstreamConnected(reused: boolean): void {
    this.guard(() => this.inner.upstreamConnected(reused));
  }
  upstreamResponse(...args: Parameters<ExchangeTap['upstreamResponse']>): void {
    this.guard(() => this.inner.upstreamResponse(...args));
  }
  clientResponse(...args: Parameters<ExchangeTap['clientResponse']>): void {
    this.guard(() => this.inner.clientResponse(...args));
  }
  requestBody(chunk: Uint8Array): void {
    this.guard(() => this.inner.requestBody(chunk));
  }
  responseBody(chunk: Uint8Array): void {
    this.guard(() => this.inner.responseBody(chunk));
  }
  wsMessage(...args: Parameters<ExchangeTap['wsMessage']>): void {
    this.guard(() => this.inner.wsMessage(...args));
  }
  note(text: string): void {
    const inner = this.inner;
    if (inner.note) this.guard(() => inner.note!(text));
  }
  finish(error?: CodedError): void {
    this.guard(() => this.inner.finish(error && { code: error.code, message: error.message }));
    this.done = true;
  }
}

export function openTap(observer: ExchangeObserver | undefined, start: ExchangeStart, logger: Logger): Tap {
  if (!observer) return NOOP_TAP;
  let inner: ExchangeTap | null;
  try {
    inner = observer.begin(start);
  } catch (err) {
    logger.warn(`recorder begin() failed (exchange not recorded): ${err instanceof Error ? err.message : String(err)}`);
    return NOOP_TAP;
  }
  return inner ? new GuardedTap(inner, logger) : NOOP_TAP;
}
