/**
 * Copy as curl: a POSIX shell command that makes real curl send the same
 * method, path, headers and body bytes. Pure.
 *
 * - Text bodies: --data-raw '<text>' (no @file interpretation, newlines kept).
 * - Binary or large bodies: printf '<octal escapes>' | curl --data-binary @-
 *   (printf is a shell builtin, so there is no argument-length limit, and NUL
 *   bytes survive, which no command-line argument can carry).
 * - Headers curl would add on its own (User-Agent, Accept, Content-Type for
 *   -d, Expect) are suppressed with -H 'Name:' when the original lacked them.
 */
import type { RawHeaders } from './http-types';
import { latin1Encode, utf8DecodeStrict, utf8Encode } from './base64';
import { isPlainAscii, printfFormat, quoteBytesArg, quoteWord, singleQuote } from './shell-quote';
import type { RequestSpec } from './request-spec';

/** Bodies above this go through printf | curl --data-binary @- instead of an argument. */
const MAX_INLINE_BODY = 64 * 1024;

/** Header value bytes as Node saw them: latin1 when every char fits a byte, else UTF-8. */
export function headerBytes(value: string): Uint8Array {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0xff) return utf8Encode(value);
  return latin1Encode(value);
}

function hasHeader(headers: RawHeaders, name: string): boolean {
  const n = name.toLowerCase();
  return headers.some(([k]) => k.toLowerCase() === n);
}

/** A text body that can sit inside single quotes and survive copy-paste: valid UTF-8, no controls but \t \n \r. */
function inlineText(body: Uint8Array): string | undefined {
  if (body.length > MAX_INLINE_BODY) return undefined;
  const text = utf8DecodeStrict(body);
  if (text === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return undefined;
  return text;
}

function hasDotSegment(url: string): boolean {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/)[0]!;
  return /(^|\/)\.\.?(\/|$)/.test(path);
}

function urlBytesAreSafe(url: string): boolean {
  return isPlainAscii(utf8Encode(url));
}

/** Content codings curl can decode with --compressed (Debian's curl has all four). */
const CURL_DECODES = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'zstd']);

/** True when the request's Accept-Encoding names a coding curl can decode (and does not refuse it with q=0). */
function asksForDecodableEncoding(headers: RequestSpec['headers']): boolean {
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'accept-encoding') continue;
    for (const part of value.split(',')) {
      const [coding = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      if (CURL_DECODES.has(coding) && !params.some((p) => /^q=0(\.0*)?$/.test(p))) return true;
    }
  }
  return false;
}

export interface CurlOptions {
  /** Join arguments with " \\\n  " (default) or a single space. */
  multiline?: boolean;
}

export function toCurl(spec: RequestSpec, options: CurlOptions = {}): { code: string; warnings: string[] } {
  const warnings = [...spec.warnings];
  /** One element per option, flag and value together (so multi-line output keeps them on one line). */
  const args: string[] = ['curl'];
  const method = spec.method;
  const hasBody = spec.body.length > 0;

  if (method === 'HEAD' && !hasBody) args.push('--head');
  else if (!((method === 'GET' && !hasBody) || (method === 'POST' && hasBody))) args.push(`-X ${quoteWord(method)}`);

  // An Upgrade handshake means nothing over HTTP/2, which curl picks for https:// when the server offers it.
  if (spec.websocket) {
    args.push('--http1.1');
    warnings.push('curl prints the 101 answer and then the raw WebSocket frames, and waits until the server closes; stop it with Ctrl-C');
  }
  // The browser asked for a compressed body: without --compressed curl would print it still compressed.
  if (asksForDecodableEncoding(spec.headers)) args.push('--compressed');
  if (/[[\]{}]/.test(spec.url)) args.push('--globoff');
  if (hasDotSegment(spec.url)) args.push('--path-as-is');
  if (!urlBytesAreSafe(spec.url)) warnings.push('the URL contains non-ASCII characters; curl sends them as UTF-8');
  args.push(singleQuote(spec.url));

  for (const [name, value] of spec.headers) {
    const line = value === '' ? `${name};` : `${name}: ${value}`;
    const bytes = headerBytes(line);
    args.push(`-H ${quoteBytesArg(bytes)}`);
  }
  for (const name of ['User-Agent', 'Accept']) if (!hasHeader(spec.headers, name)) args.push(`-H ${singleQuote(`${name}:`)}`);
  if (hasBody) {
    if (!hasHeader(spec.headers, 'content-type')) args.push(`-H ${singleQuote('Content-Type:')}`);
    if (!hasHeader(spec.headers, 'expect')) args.push(`-H ${singleQuote('Expect:')}`);
  }

  let prefix = '';
  if (hasBody) {
    const text = inlineText(spec.body);
    if (text !== undefined) args.push(`--data-raw ${singleQuote(text)}`);
    else {
      prefix = `printf ${printfFormat(spec.body)} | `;
      args.push('--data-binary @-');
    }
  }
  const sep = options.multiline === false ? ' ' : ' \\\n  ';
  return { code: prefix + args.join(sep), warnings };
}
