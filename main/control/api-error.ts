/** Coded API errors and the one place where any thrown value becomes an ApiError. */
import { API_ERROR, type ApiError } from '../../shared/api-contract';
import type { ConfigIssue } from '../../shared/config';

export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export const notFound = (what: string): ApiFailure => new ApiFailure(API_ERROR.notFound, what, 404);
export const badRequest = (message: string): ApiFailure => new ApiFailure(API_ERROR.badRequest, message, 400);
export const notAvailable = (message: string): ApiFailure => new ApiFailure(API_ERROR.notAvailable, message, 503);

/** Any thrown value as a wire error: coded errors keep code, message and status; anything else is internal. */
export function toApiError(err: unknown): ApiError {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; status?: unknown };
    if (typeof e.code === 'string' && typeof e.message === 'string' && !/^E[A-Z]+$/.test(e.code)) {
      const out: ApiError = { code: e.code, message: e.message };
      if (typeof e.status === 'number') out.status = e.status;
      const issues = issuesOf(err);
      if (issues) out.issues = issues;
      return out;
    }
    if (typeof e.message === 'string') {
      return { code: API_ERROR.internal, message: `${e.message}${typeof e.code === 'string' ? ` (${e.code})` : ''}`, status: 500 };
    }
  }
  return { code: API_ERROR.internal, message: String(err), status: 500 };
}

/** The located problems a refused config edit carries (ConfigError's issues), for the wire; undefined when there are none. */
export function issuesOf(err: object): ConfigIssue[] | undefined {
  const issues = (err as { issues?: unknown }).issues;
  return Array.isArray(issues) && issues.length > 0 ? (issues as ConfigIssue[]) : undefined;
}
