import type { ApiClient, ApiError, ApiResult } from '../../../shared/api-contract';
import type { ConfigIssue } from '../../../shared/config';

/**
 * The one client interface the views use. Backed by the Electron preload
 * (ipc-client) or by the control server's HTTP + WebSocket API (http-client);
 * nothing else in the renderer knows which.
 */
export interface UiClient extends ApiClient {
  /** Event-stream connectivity: called now and on every change. A reconnect means events may have been missed. */
  onConnection(listener: (connected: boolean) => void): () => void;
  /**
   * Called once when the server no longer accepts this page's session (Gatehouse was restarted
   * and has a new token): reconnecting cannot help, the user has to open the new dashboard URL.
   */
  onSignedOut?(listener: () => void): () => void;
}

/** An API error as thrown by call(): keeps the code, the HTTP status and, when given, the field it is about. */
export class ApiCallError extends Error {
  readonly code: string;
  readonly status?: number;
  readonly field?: string;
  /** A refused config edit's problems, each with its field and, for some, a detail to word it by. */
  readonly issues?: ConfigIssue[];
  constructor(error: ApiError & { field?: string; path?: string }) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    if (error.status !== undefined) this.status = error.status;
    if (Array.isArray(error.issues)) this.issues = error.issues;
    const field = error.field ?? error.path;
    if (field !== undefined) this.field = field;
  }
}

export function unwrapResult<T>(result: ApiResult<T>): T {
  if (result && typeof result === 'object' && 'ok' in result) {
    if (result.ok) return result.result;
    throw new ApiCallError(result.error);
  }
  throw new ApiCallError({ code: 'bad-response', message: 'The engine sent an answer that is not an ApiResult.' });
}

/** A tiny typed listener registry shared by both backings. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(fn: (value: T) => void): () => void {
    this.set.add(fn);
    return () => this.set.delete(fn);
  }
  emit(value: T): void {
    for (const fn of [...this.set]) {
      try {
        fn(value);
      } catch (err) {
        console.error('gatehouse: event listener failed', err);
      }
    }
  }
  get size(): number {
    return this.set.size;
  }
}
