/** Pure helpers over RawHeaders ([name, value] pairs, original case and order). */
import type { RawHeaders } from './http-types';

/** All values of a header (case-insensitive name), in order. */
export function headerValues(headers: RawHeaders, name: string): string[] {
  const n = name.toLowerCase();
  return headers.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v);
}

/** The first value of a header, or undefined. */
export function headerValue(headers: RawHeaders, name: string): string | undefined {
  const n = name.toLowerCase();
  for (const [k, v] of headers) if (k.toLowerCase() === n) return v;
  return undefined;
}

/** A copy without the named headers (case-insensitive). */
export function withoutHeaders(headers: RawHeaders, names: readonly string[]): RawHeaders {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return headers.filter(([k]) => !drop.has(k.toLowerCase())).map(([k, v]) => [k, v]);
}

/** HTTP/2 pseudo-headers (":authority", ...) are not real headers. */
export function withoutPseudoHeaders(headers: RawHeaders): RawHeaders {
  return headers.filter(([k]) => !k.startsWith(':')).map(([k, v]) => [k, v]);
}

/** Media type without parameters, lower-cased ("text/html; charset=utf-8" -> "text/html"). */
export function mediaType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const t = contentType.split(';')[0]!.trim().toLowerCase();
  return t || undefined;
}

/** A content-type parameter, e.g. charset. */
export function mediaTypeParam(contentType: string | undefined, param: string): string | undefined {
  if (!contentType) return undefined;
  for (const part of contentType.split(';').slice(1)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim().toLowerCase() === param.toLowerCase()) {
      return part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    }
  }
  return undefined;
}

/** Whether a media type is shown as text. */
export function isTextualMediaType(type: string | undefined): boolean {
  if (!type) return false;
  return (
    type.startsWith('text/') ||
    type.endsWith('+json') ||
    type.endsWith('+xml') ||
    /^application\/(json|xml|javascript|ecmascript|x-javascript|x-www-form-urlencoded|graphql|x-ndjson|ld\+json|manifest\+json|yaml|x-yaml|toml|sql)$/.test(type) ||
    type === 'image/svg+xml'
  );
}

export function isJsonMediaType(type: string | undefined): boolean {
  return !!type && (type === 'application/json' || type.endsWith('+json') || type === 'text/json');
}
