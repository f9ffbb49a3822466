import * as zlib from 'node:zlib';
import type { CompressionConfig } from '../../../shared/config';
import type { RawHeaders } from '../../../shared/http-types';

export type ContentCoding = 'br' | 'gzip';

/** Bodies smaller than this (by Content-Length) are sent as they are: compressing them gains nothing. */
export const DEFAULT_MIN_COMPRESS_BYTES = 1024;

export interface CompiledCompression {
  /** In order of preference. */
  readonly encodings: readonly ContentCoding[];
  readonly minSize: number;
}

export function compileCompression(config: boolean | CompressionConfig | undefined): CompiledCompression | undefined {
  if (!config) return undefined;
  const c: CompressionConfig = config === true ? {} : config;
  const encodings = c.encodings && c.encodings.length > 0 ? [...new Set(c.encodings)] : (['br', 'gzip'] as ContentCoding[]);
  return Object.freeze({ encodings: Object.freeze(encodings), minSize: c.minSize ?? DEFAULT_MIN_COMPRESS_BYTES });
}

/** The coding to use for a client's Accept-Encoding: the route's preference among those with q > 0. */
export function chooseEncoding(acceptEncoding: string | undefined, allowed: readonly ContentCoding[]): ContentCoding | undefined {
  if (!acceptEncoding) return undefined;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q=([0-9.]+)\s*$/.exec(p);
      if (m) weight = Number(m[1]);
    }
    q.set(name, weight);
  }
  for (const enc of allowed) {
    const w = q.get(enc) ?? (enc === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*');
    if (w !== undefined && w > 0) return enc;
  }
  return undefined;
}

/** Text-like media types worth compressing; images, video, archives and fonts like woff2 already are compressed. */
export function isCompressibleType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('text/')) return true;
  if (type.endsWith('+json') || type.endsWith('+xml')) return true;
  return COMPRESSIBLE.has(type);
}

const COMPRESSIBLE = new Set([
  'application/json',
  'application/javascript',
  'application/x-javascript',
  'application/ecmascript',
  'application/xml',
  'application/xhtml+xml',
  'application/wasm',
  'application/manifest+json',
  'application/graphql-response+json',
  'application/x-ndjson',
  'image/svg+xml',
  'image/x-icon',
  'font/ttf',
  'font/otf',
]);

function first(headers: RawHeaders, lower: string): string | undefined {
  for (const [n, v] of headers) if (n.toLowerCase() === lower) return v;
  return undefined;
}

/**
 * Whether a response may be compressed at all (independently of the client): a
 * body is expected, the upstream did not encode it, its type is compressible,
 * it is not tiny, not a partial response, and Cache-Control allows transforms.
 */
export function compressible(method: string, status: number, headers: RawHeaders, minSize: number): boolean {
  if (method === 'HEAD' || status < 200 || status === 204 || status === 206 || status === 304) return false;
  const encoding = first(headers, 'content-encoding');
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return false;
  if (first(headers, 'content-range') !== undefined) return false;
  if (!isCompressibleType(first(headers, 'content-type'))) return false;
  const length = first(headers, 'content-length');
  if (length !== undefined && Number(length) < minSize) return false;
  const cc = first(headers, 'cache-control');
  if (cc !== undefined && /(^|,)\s*no-transform\s*(,|$)/i.test(cc)) return false;
  return true;
}

/** Adds Accept-Encoding to Vary (once; nothing when Vary is "*"). */
export function withVaryAcceptEncoding(headers: RawHeaders): RawHeaders {
  const vary = headers.filter(([n]) => n.toLowerCase() === 'vary').map(([, v]) => v);
  const tokens = vary.join(',').split(',').map((t) => t.trim().toLowerCase());
  if (tokens.includes('*') || tokens.includes('accept-encoding')) return headers;
  if (vary.length === 0) return [...headers, ['Vary', 'Accept-Encoding']];
  let done = false;
  return headers.map(([n, v]): [string, string] => {
    if (done || n.toLowerCase() !== 'vary') return [n, v];
    done = true;
    return [n, v.trim() === '' ? 'Accept-Encoding' : `${v}, Accept-Encoding`];
  });
}

/** The head of a compressed response: no Content-Length, Content-Encoding set, ETag made weak. */
export function compressedHeaders(headers: RawHeaders, encoding: ContentCoding): RawHeaders {
  const out: RawHeaders = [];
  for (const [n, v] of headers) {
    const lower = n.toLowerCase();
    if (lower === 'content-length' || lower === 'content-encoding') continue;
    if (lower === 'etag' && !v.startsWith('W/')) out.push([n, `W/${v}`]);
    else out.push([n, v]);
  }
  out.push(['Content-Encoding', encoding]);
  return out;
}

/** What a compressing response writes to: the client response (HTTP/1 or HTTP/2 compat). */
export interface CompressedSink {
  write(chunk: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * A zlib/brotli stream between the upstream body and the client. Every upstream
 * chunk is flushed through at once (sync flush), so streamed responses and
 * server-sent events arrive chunk by chunk, never held in the compressor.
 * Backpressure runs both ways: a slow client pauses the compressor; a full
 * compressor makes write() return false until `onWritable` is called.
 */
export class ResponseCompressor {
  private readonly z: zlib.Gzip | zlib.BrotliCompress;
  private readonly flushKind: number;

  constructor(
    readonly encoding: ContentCoding,
    sink: CompressedSink,
    onOutput: (chunk: Buffer) => void,
    onWritable: () => void,
    onError: (err: Error) => void,
  ) {
    if (encoding === 'br') {
      // Quality 4: fast enough for a dev proxy, still far smaller than identity.
      this.z = zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
      this.flushKind = zlib.constants.BROTLI_OPERATION_FLUSH;
    } else {
      this.z = zlib.createGzip({ level: 6 });
      this.flushKind = zlib.constants.Z_SYNC_FLUSH;
    }
    const z = this.z;
    z.on('data', (chunk: Buffer) => {
      onOutput(chunk);
      if (!sink.write(chunk)) {
        z.pause();
        sink.once('drain', () => z.resume());
      }
    });
    z.on('drain', onWritable);
    z.on('error', onError);
  }

  /** Compresses and flushes one chunk; false when the caller should wait for onWritable. */
  write(chunk: Buffer): boolean {
    const ok = this.z.write(chunk);
    this.z.flush(this.flushKind);
    return ok;
  }

  /** Ends the compressed body; `done` runs once everything was handed to the sink. */
  end(done: () => void): void {
    this.z.once('end', done);
    this.z.end();
  }

  destroy(): void {
    this.z.destroy();
  }
}
