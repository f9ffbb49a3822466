/**
 * Results a handler already holds as JSON text (see EncodedResult in the API
 * contract): made here, and undone by each transport, which alone knows whether
 * it wants text (HTTP) or a value (IPC).
 */
import type { ApiResult, EncodedResult } from '../../shared/api-contract';

class Encoded<T> implements EncodedResult<T> {
  constructor(readonly encodedJson: string) {}
}

/** Wraps JSON text that encodes a result of type T (the caller vouches for the text). */
export function encodedResult<T>(json: string): EncodedResult<T> {
  return new Encoded<T>(json);
}

export function isEncodedResult(v: unknown): v is EncodedResult<unknown> {
  return v instanceof Encoded;
}

/** An ApiResult as JSON text: an encoded result is spliced in without parsing it. */
export function apiResultJson(r: ApiResult<unknown>): string {
  if (r.ok && isEncodedResult(r.result)) return `{"ok":true,"result":${r.result.encodedJson}}`;
  return JSON.stringify(r);
}

/** An ApiResult as a plain value (an encoded result parsed), for transports that clone values. */
export function apiResultValue(r: ApiResult<unknown>): ApiResult<unknown> {
  return r.ok && isEncodedResult(r.result) ? { ok: true, result: JSON.parse(r.result.encodedJson) as unknown } : r;
}
