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

/**
 * Splits a serialised HTTP/1 head (a start line, then "Name: value" lines, CRLF
 * separated) into raw pairs, in order. Lines without a colon are skipped. A name may
 * begin with a colon (an HTTP/2 pseudo-header, ":authority: app.test"): the name ends
 * at the first colon after its first character.
 */
export function parseHeadBlock(block: string): RawHeaders {
  const out: RawHeaders = [];
  let start = block.indexOf('\r\n');
  if (start < 0) return out;
  start += 2;
  while (start < block.length) {
    let end = block.indexOf('\r\n', start);
    if (end < 0) end = block.length;
    const colon = block.indexOf(':', start + 1);
    if (colon > start && colon < end) out.push([block.slice(start, colon), block.slice(colon + 1, end).trim()]);
    start = end + 2;
  }
  return out;
}

/**
 * Whether "name: value" survives a round trip through parseHeadBlock unchanged. An
 * HTTP/2 pseudo-header does (its one colon is its first character), so an HTTP/2
 * request is held as one string like any other.
 */
export function fitsHeadLine(name: string, value: string): boolean {
  if (name.length === 0 || name.indexOf(':', 1) >= 0 || name.includes('\n') || name.includes('\r')) return false;
  if (name.charCodeAt(0) <= 32 || name.charCodeAt(name.length - 1) <= 32) return false;
  if (name.charCodeAt(0) === 58 /* : */ && (name.length === 1 || name.charCodeAt(1) <= 32)) return false;
  if (value.includes('\n') || value.includes('\r')) return false;
  return value.length === 0 || (value.charCodeAt(0) > 32 && value.charCodeAt(value.length - 1) > 32);
}

/** The first value of a header in a serialised head (case-insensitive name), without parsing the rest. */
export function headBlockValue(block: string, name: string): string | undefined {
  const want = name.toLowerCase();
  let start = block.indexOf('\r\n');
  if (start < 0) return undefined;
  start += 2;
  while (start < block.length) {
    let end = block.indexOf('\r\n', start);
    if (end < 0) end = block.length;
    const colon = start + want.length;
    if (colon < end && block.charCodeAt(colon) === 58 /* : */ && block.slice(start, colon).toLowerCase() === want) {
      return block.slice(colon + 1, end).trim();
    }
    start = end + 2;
  }
  return undefined;
}
