import { API_ERROR, isApiMethod, type ApiHandlers, type ApiResult, type EventMessage } from '../../shared/api-contract';
import { IPC_CHANNELS } from '../../shared/ipc-bridge';
import { apiResultValue } from '../control/encoded-result';
import { toApiError } from './api-error';

/**
 * The contract over Electron IPC: one invoke channel for every method, each
 * call checked against the sender's frame before the SAME ApiHandlers the
 * control server uses run. Written against the small slice of ipcMain it
 * needs so tests can pass a fake.
 */
export interface IpcInvokeEvent {
  senderFrame?: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export function registerApiIpc(ipcMain: IpcMainLike, handlers: ApiHandlers, isTrustedFrame: (url: string | undefined) => boolean): () => void {
  ipcMain.handle(IPC_CHANNELS.call, (event, method, params) => dispatch(handlers, isTrustedFrame, event, method, params));
  return () => ipcMain.removeHandler(IPC_CHANNELS.call);
}

export async function dispatch(
  handlers: ApiHandlers,
  isTrustedFrame: (url: string | undefined) => boolean,
  event: IpcInvokeEvent,
  method: unknown,
  params: unknown,
): Promise<ApiResult<unknown>> {
  const frameUrl = event.senderFrame?.url;
  if (!isTrustedFrame(frameUrl)) {
    return { ok: false, error: { code: API_ERROR.forbidden, status: 403, message: `IPC call refused: the sender (${frameUrl ?? 'unknown frame'}) is not Gatehouse's own window.` } };
  }
  if (typeof method !== 'string' || !isApiMethod(method)) {
    return { ok: false, error: { code: API_ERROR.unknownMethod, status: 404, message: `No API method "${String(method)}".` } };
  }
  if (params !== undefined && (params === null || typeof params !== 'object' || Array.isArray(params))) {
    return { ok: false, error: { code: API_ERROR.badRequest, status: 400, message: `Params for ${method} must be an object.` } };
  }
  try {
    const handler = handlers[method] as (p: unknown) => Promise<unknown>;
    // An encoded result (JSON text) is parsed here: IPC clones values, it does not send text as is.
    return apiResultValue({ ok: true, result: await handler((params ?? {}) as never) });
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}

export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, message: EventMessage): void;
}

/** Forwards engine events to the window (only while it exists). */
export function forwardEvents(
  subscribe: (listener: (msg: EventMessage) => void, wanted?: () => boolean) => () => void,
  target: () => EventTarget | null,
): () => void {
  const live = (): EventTarget | null => {
    const t = target();
    return t && !t.isDestroyed() ? t : null;
  };
  return subscribe(
    (msg) => live()?.send(IPC_CHANNELS.event, msg),
    // No window: the recorder need not build exchange events for it (the window lists on load).
    () => live() !== null,
  );
}
