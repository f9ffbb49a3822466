/**
 * One call of the API from any transport: checks the method name and the params
 * shape, runs the handler, and answers with the wire ApiResult (never throws).
 * The control server and the Electron shell both use this.
 */
import { API_ERROR, isApiMethod, type ApiHandlers, type ApiResult } from '../../shared/api-contract';
import { toApiError } from './api-error';

export async function dispatchApiCall(handlers: ApiHandlers, method: string, params: unknown): Promise<ApiResult<unknown>> {
  if (!isApiMethod(method)) {
    return { ok: false, error: { code: API_ERROR.unknownMethod, message: `there is no API method "${method}"`, status: 404 } };
  }
  const p = params === undefined || params === null ? {} : params;
  if (typeof p !== 'object' || Array.isArray(p)) {
    return { ok: false, error: { code: API_ERROR.badRequest, message: `params of ${method} must be a JSON object`, status: 400 } };
  }
  try {
    const handler = handlers[method] as (params: unknown) => Promise<unknown>;
    const result = await handler(p);
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}
