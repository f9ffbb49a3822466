import { Readable } from 'node:stream';
import { EngineError } from './engine-error';

/** What a body is read from: a node:http request, node:http2's compat request, or an H2Request. */
export interface BodyStream {
  readonly readableEnded: boolean;
  /** Trailer fields (flattened name/value pairs) once the body has ended. */
  readonly rawTrailers?: string[] | undefined;
  on(event: string, fn: (...args: any[]) => void): unknown;
  off(event: string, fn: (...args: any[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/**
 * The client's request body as undici consumes it, one per upstream attempt.
 *
 * It pulls from the client request with backpressure (pause/resume) but does
 * not own it: when undici destroys this stream (upstream failure), the client
 * request and its socket stay intact, so the client can still get a 502, and
 * when no byte was read yet a fresh BodySource can feed another target.
 */
export class BodySource extends Readable {
  /** Bytes handed on so far. */
  bytes = 0;
  private attached = false;
  private ended = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: BodyStream,
    private readonly onChunk?: (chunk: Buffer) => void,
    /** Longest silence allowed from the client while undici waits for body bytes (0: none). */
    private readonly idleMs = 0,
    /**
     * Called at the end of the body when the client sent trailers (HTTP/1.1 chunked trailers,
     * HTTP/2 trailing HEADERS), as raw name/value pairs flattened. undici has no way to send
     * request trailers, so they are not forwarded; this lets the exchange say so.
     */
    private readonly onTrailers?: (rawTrailers: readonly string[]) => void,
  ) {
    super({ highWaterMark: 64 * 1024 });
  }

  /** True once any byte of the client's body was consumed: the request can no longer be replayed. */
  get touched(): boolean {
    return this.bytes > 0 || this.ended;
  }

  override _read(): void {
    if (!this.attached) {
      this.attached = true;
      if (this.source.readableEnded) {
        this.ended = true;
        this.push(null);
        return;
      }
      this.source.on('data', this.onData);
      this.source.on('end', this.onEnd);
      this.source.on('error', this.onError);
      this.source.on('close', this.onClose);
    }
    this.source.resume();
    this.armIdle();
  }

  /** Starts (or restarts) the client-body idle timer; runs only while we are waiting on the client. */
  private armIdle(): void {
    if (this.idleMs <= 0 || this.ended || this.destroyed) return;
    if (this.idleTimer) this.idleTimer.refresh();
    else {
      this.idleTimer = setTimeout(this.onIdle, this.idleMs);
      this.idleTimer.unref();
    }
  }

  private disarmIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private readonly onIdle = (): void => {
    this.idleTimer = undefined;
    this.destroy(
      new EngineError('CLIENT_BODY_TIMEOUT', `the client sent no body bytes for ${this.idleMs} ms — raise timeouts.clientBody for slow uploads`, 408),
    );
  };

  private readonly onData = (chunk: Buffer): void => {
    this.bytes += chunk.length;
    this.onChunk?.(chunk);
    if (this.push(chunk)) this.armIdle();
    else {
      // Backpressure from the upstream: waiting is not the client's fault.
      this.disarmIdle();
      this.source.pause();
    }
  };

  private readonly onEnd = (): void => {
    this.disarmIdle();
    this.ended = true;
    if (this.onTrailers) {
      const trailers = this.source.rawTrailers;
      if (trailers !== undefined && trailers.length > 0) this.onTrailers(trailers);
    }
    this.push(null);
  };

  private readonly onError = (err: Error): void => {
    this.destroy(new EngineError('CLIENT_ABORTED', `the client aborted the request body: ${err.message}`, 499, { cause: err }));
  };

  private readonly onClose = (): void => {
    if (!this.ended) this.destroy(new EngineError('CLIENT_ABORTED', 'the client closed the connection during the upload', 499));
  };

  private detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.source.off('data', this.onData);
    this.source.off('end', this.onEnd);
    this.source.off('error', this.onError);
    this.source.off('close', this.onClose);
    if (!this.source.readableEnded) this.source.pause();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.disarmIdle();
    this.detach();
    callback(err);
  }
}
