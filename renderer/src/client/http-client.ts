import {
  CONTROL_PATHS,
  isApiMethod,
  type ApiEvent,
  type ApiResult,
  type EventMessage,
  type GatehouseEvents,
} from '../../../shared/api-contract';
import { ApiCallError, Listeners, unwrapResult, type UiClient } from './ui-client';

/**
 * The client in a browser: POST /api/<method> with JSON params, and one
 * WebSocket on /api/events that reconnects with backoff. Auth is the session
 * cookie the control server set from the dashboard URL's ?token=; when a token
 * is given here it is also sent explicitly (Bearer header, ?token= on the socket).
 */
export interface HttpClientOptions {
  /** Origin of the control server, e.g. "http://127.0.0.1:7070". */
  origin: string;
  token?: string;
  /** Backoff bounds for reconnecting the event socket. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

export interface HttpUiClient extends UiClient {
  close(): void;
}

export function createHttpClient(options: HttpClientOptions): HttpUiClient {
  const minRetry = options.minRetryMs ?? 250;
  const maxRetry = options.maxRetryMs ?? 5000;
  const listeners = new Map<ApiEvent, Listeners<unknown>>();
  const connection = new Listeners<boolean>();
  const signedOut = new Listeners<void>();
  let isSignedOut = false;
  let socket: WebSocket | null = null;
  let connected = false;
  let closed = false;
  let retry = minRetry;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function setConnected(value: boolean): void {
    if (connected === value) return;
    connected = value;
    connection.emit(value);
  }

  function eventsUrl(): string {
    const u = new URL(CONTROL_PATHS.events, options.origin);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    if (options.token) u.searchParams.set('token', options.token);
    return u.href;
  }

  function connect(): void {
    if (closed) return;
    const ws = new WebSocket(eventsUrl());
    socket = ws;
    ws.onopen = () => {
      retry = minRetry;
      setConnected(true);
    };
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') return;
      let msg: EventMessage;
      try {
        msg = JSON.parse(e.data) as EventMessage;
      } catch {
        return;
      }
      listeners.get(msg.event)?.emit(msg.payload);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      setConnected(false);
      if (closed) return;
      // A browser does not say why a WebSocket was refused: ask the API whether the session still counts.
      void sessionRefused().then((refused) => {
        if (closed) return;
        if (refused) {
          closed = true;
          isSignedOut = true;
          signedOut.emit();
          return;
        }
        timer = setTimeout(connect, retry);
        retry = Math.min(maxRetry, retry * 2);
      });
    };
    ws.onerror = () => {
      // onclose follows and schedules the retry.
    };
  }

  /** True when the server answers but refuses this page's session (401): a restarted Gatehouse with a new token. */
  async function sessionRefused(): Promise<boolean> {
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const res = await fetch(new URL(`${CONTROL_PATHS.api}instance.info`, options.origin), { method: 'POST', headers, body: '{}', credentials: 'same-origin' });
      return res.status === 401;
    } catch {
      return false; // not reachable (yet): keep retrying
    }
  }

  connect();

  return {
    async call(method, params) {
      if (!isApiMethod(method)) throw new ApiCallError({ code: 'unknown-method', message: `No API method "${String(method)}".` });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let res: Response;
      try {
        res = await fetch(new URL(CONTROL_PATHS.api + method, options.origin), {
          method: 'POST',
          headers,
          body: JSON.stringify(params ?? {}),
          credentials: 'same-origin',
        });
      } catch (err) {
        throw new ApiCallError({ code: 'unreachable', message: `Gatehouse is not reachable (${(err as Error).message}). Is it still running?` });
      }
      let body: ApiResult<never>;
      try {
        body = (await res.json()) as ApiResult<never>;
      } catch {
        throw new ApiCallError({ code: 'bad-response', status: res.status, message: `The control server answered ${res.status} without a JSON result.` });
      }
      return unwrapResult(body);
    },
    on<E extends ApiEvent>(event: E, listener: (payload: GatehouseEvents[E]) => void) {
      let set = listeners.get(event);
      if (!set) {
        set = new Listeners<unknown>();
        listeners.set(event, set);
      }
      return set.add(listener as (value: unknown) => void);
    },
    onConnection(listener) {
      listener(connected);
      return connection.add(listener);
    },
    onSignedOut(listener) {
      if (isSignedOut) listener();
      return signedOut.add(listener);
    },
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close();
      socket = null;
    },
  };
}
