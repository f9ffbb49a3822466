import type { CodedError, RawHeaders } from '../../shared/http-types';
import type { ExchangeObserver, ExchangeStart, ExchangeTap, TapHeaders, WsDirection } from './exchange-observer';
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

  // Each hook is its own try/catch rather than a guard(() => …) helper: no closure per call on the hot path.
  private complain(err: unknown): void {
    if (this.complained) return;
    this.complained = true;
    this.logger.warn(`recorder hook failed (ignored): ${err instanceof Error ? err.message : String(err)}`);
  }

  target(url: string): void {
    if (this.done) return;
    try {
      this.inner.target(url);
    } catch (err) {
      this.complain(err);
    }
  }
  forwarded(method: string, path: string, headers: TapHeaders): void {
    if (this.done) return;
    try {
      this.inner.forwarded(method, path, headers);
    } catch (err) {
      this.complain(err);
    }
  }
  upstreamConnected(reused: boolean): void {
    if (this.done) return;
    try {
      this.inner.upstreamConnected(reused);
    } catch (err) {
      this.complain(err);
    }
  }
  upstreamResponse(status: number, headers: RawHeaders): void {
    if (this.done) return;
    try {
      this.inner.upstreamResponse(status, headers);
    } catch (err) {
      this.complain(err);
    }
  }
  clientResponse(status: number, headers: TapHeaders): void {
    if (this.done) return;
    try {
      this.inner.clientResponse(status, headers);
    } catch (err) {
      this.complain(err);
    }
  }
  requestBody(chunk: Uint8Array): void {
    if (this.done) return;
    try {
      this.inner.requestBody(chunk);
    } catch (err) {
      this.complain(err);
    }
  }
  responseBody(chunk: Uint8Array): void {
    if (this.done) return;
    try {
      this.inner.responseBody(chunk);
    } catch (err) {
      this.complain(err);
    }
  }
  wsMessage(direction: WsDirection, opcode: number, payload: Uint8Array): void {
    if (this.done) return;
    try {
      this.inner.wsMessage(direction, opcode, payload);
    } catch (err) {
      this.complain(err);
    }
  }
  note(text: string): void {
    if (this.done || !this.inner.note) return;
    try {
      this.inner.note(text);
    } catch (err) {
      this.complain(err);
    }
  }
  finish(error?: CodedError): void {
    if (this.done) return;
    this.done = true;
    try {
      this.inner.finish(error && { code: error.code, message: error.message });
    } catch (err) {
      this.complain(err);
    }
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
