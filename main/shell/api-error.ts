import { API_ERROR, type ApiError } from '../../shared/api-contract';
import { issuesOf } from '../control/api-error';

/** Any thrown value as the wire's ApiError: code and status kept when the error carries them. */
export function toApiError(err: unknown): ApiError {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; status?: unknown; message?: unknown };
    const out: ApiError = {
      code: typeof e.code === 'string' ? e.code : API_ERROR.internal,
      message: typeof e.message === 'string' && e.message ? e.message : 'Unexpected error in Gatehouse.',
    };
    if (typeof e.status === 'number') out.status = e.status;
    const issues = issuesOf(err);
    if (issues) out.issues = issues;
    for (const extra of ['field', 'path'] as const) {
      const v = (err as Record<string, unknown>)[extra];
      if (typeof v === 'string') (out as unknown as Record<string, string>)[extra] = v;
    }
    return out;
  }
  return { code: API_ERROR.internal, message: String(err) };
}
