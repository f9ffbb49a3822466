import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RawHeaders } from '../../../shared/http-types';
import { isHttp2Response, sendPage, writeHead, type AnyResponse } from '../client-response';
import { renderErrorPage, type ErrorInfo } from '../error-pages';
import type { Tap } from '../safe-tap';
import { contentTypeFor } from './content-types';

/**
 * Serving a `file:` route: GET/HEAD of files under one root directory, with
 * content types, single byte ranges (206/416), ETag / Last-Modified and
 * conditional 304s, index.html for directories, and an optional SPA fallback.
 *
 * Traversal: each path segment is percent-decoded once; a segment that is "."
 * or "..", or contains "/", "\" or NUL after decoding is refused (403). The file
 * found is then resolved with realpath and must lie inside the root's realpath,
 * so a symlink pointing outside the root is a 404, never the file.
 */
export interface StaticRequest {
  readonly method: string;
  /** Path (and query) relative to the root, as the client sent it (percent-encoded). */
  readonly path: string;
  /** The client's own path and query, for the trailing-slash redirect. */
  readonly clientUrl: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly json: boolean;
}

export interface StaticOptions {
  /** Absolute root directory. */
  readonly root: string;
  readonly spa: boolean;
  /** Last edits to the response head (header rules, security headers). */
  readonly editHeaders?: ((headers: RawHeaders) => RawHeaders) | undefined;
}

type Resolved = { kind: 'file'; file: string; stat: fs.Stats } | { kind: 'redirect'; location: string } | { kind: 'error'; error: ErrorInfo };

const FORBIDDEN: ErrorInfo = { status: 403, code: 'FORBIDDEN_PATH', message: 'this path is not allowed: it leaves the static root or contains an encoded separator' };

function notFound(p: string): ErrorInfo {
  return { status: 404, code: 'FILE_NOT_FOUND', message: `no file at ${p} in this static route` };
}

/** Decoded path segments, or null when the path is not acceptable. */
export function safeSegments(urlPath: string): string[] | null {
  const out: string[] = [];
  for (const raw of urlPath.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (seg === '.' || seg === '..' || /[/\\\0]/.test(seg)) return null;
    out.push(seg);
  }
  return out;
}

async function realInside(root: string, file: string): Promise<string | undefined> {
  try {
    const real = await fs.promises.realpath(file);
    return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep) ? real : undefined;
  } catch {
    return undefined;
  }
}

async function statFile(file: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.stat(file);
  } catch {
    return undefined;
  }
}

async function resolveFile(req: StaticRequest, opts: StaticOptions, realRoot: string): Promise<Resolved> {
  const q = req.path.indexOf('?');
  const urlPath = q < 0 ? req.path : req.path.slice(0, q);
  const segments = safeSegments(urlPath);
  if (!segments) return { kind: 'error', error: FORBIDDEN };
  const candidate = path.join(realRoot, ...segments);
  const real = await realInside(realRoot, candidate);
  let stat = real ? await statFile(real) : undefined;
  if (real && stat?.isDirectory()) {
    if (!urlPath.endsWith('/')) {
      const cq = req.clientUrl.indexOf('?');
      const location = cq < 0 ? `${req.clientUrl}/` : `${req.clientUrl.slice(0, cq)}/${req.clientUrl.slice(cq)}`;
      return { kind: 'redirect', location };
    }
    const index = await realInside(realRoot, path.join(real, 'index.html'));
    stat = index ? await statFile(index) : undefined;
    if (index && stat?.isFile()) return { kind: 'file', file: index, stat };
    return { kind: 'error', error: notFound(urlPath) };
  }
  if (real && stat?.isFile()) return { kind: 'file', file: real, stat };
  // A symlink that leads outside the root exists, but is reported as missing.
  const last = segments[segments.length - 1] ?? '';
  const looksLikeAsset = /\.[A-Za-z0-9]+$/.test(last) && !/\.html?$/i.test(last);
  if (opts.spa && !looksLikeAsset) {
    const index = await realInside(realRoot, path.join(realRoot, 'index.html'));
    const s = index ? await statFile(index) : undefined;
    if (index && s?.isFile()) return { kind: 'file', file: index, stat: s };
  }
  return { kind: 'error', error: notFound(urlPath) };
}

/** W/"size-mtime" — weak, as it is derived from metadata, not content. */
export function etagFor(stat: Pick<fs.Stats, 'size' | 'mtimeMs'>): string {
  return `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
}

/** True when If-None-Match lists the ETag (weak comparison) or is "*". */
function noneMatch(header: string, etag: string): boolean {
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v.replace(/^W\//, '') === bare;
  });
}

/** True when the file has not changed since the If-Modified-Since date (second precision). */
function notModifiedSince(header: string, mtimeMs: number): boolean {
  const since = Date.parse(header);
  return Number.isFinite(since) && Math.floor(mtimeMs / 1000) * 1000 <= since;
}

/** A single byte range, "none" for no/ignored Range, or "unsatisfiable". */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'none' | 'unsatisfiable' {
  if (!header) return 'none';
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return 'none'; // multiple ranges or other units: the whole file (RFC 9110 allows ignoring Range)
  const [, a, b] = m;
  if (a === '' && b === '') return 'none';
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

function sendError(res: AnyResponse, tap: Tap, error: ErrorInfo, json: boolean, extra: RawHeaders = []): void {
  const page = renderErrorPage(error, { json });
  sendPage(res, extra.length ? { ...page, headers: [...page.headers, ...extra] } : page, tap);
  tap.finish(error);
}

/** Serves one request from the static root; resolves when the response is over. */
export async function serveStatic(req: StaticRequest, res: AnyResponse, tap: Tap, opts: StaticOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, tap, { status: 405, code: 'METHOD_NOT_ALLOWED', message: `a static route serves GET and HEAD only, not ${req.method}` }, req.json, [
      ['Allow', 'GET, HEAD'],
    ]);
    return;
  }
  let realRoot: string;
  try {
    realRoot = await fs.promises.realpath(opts.root);
  } catch {
    sendError(res, tap, { status: 502, code: 'STATIC_ROOT_MISSING', message: `the static root ${opts.root} does not exist — build your site or fix the route's file: target` }, req.json);
    return;
  }
  const found = await resolveFile(req, opts, realRoot);
  if (found.kind === 'error') return sendError(res, tap, found.error, req.json);
  const edit = opts.editHeaders ?? ((h: RawHeaders) => h);
  if (found.kind === 'redirect') {
    const headers = edit([['Location', found.location], ['Content-Length', '0']]);
    respond(res, tap, 301, 'Moved Permanently', headers);
    res.end();
    tap.finish();
    return;
  }
  const { file, stat } = found;
  const etag = etagFor(stat);
  const lastModified = stat.mtime.toUTCString();
  const base: RawHeaders = [
    ['Content-Type', contentTypeFor(file)],
    ['ETag', etag],
    ['Last-Modified', lastModified],
    ['Accept-Ranges', 'bytes'],
    ['Cache-Control', 'no-cache'],
  ];
  const inm = req.headers.get('if-none-match');
  const ims = req.headers.get('if-modified-since');
  if (inm !== undefined ? noneMatch(inm, etag) : ims !== undefined && notModifiedSince(ims, stat.mtimeMs)) {
    respond(res, tap, 304, 'Not Modified', edit(base.filter(([n]) => n !== 'Content-Type')));
    res.end();
    tap.finish();
    return;
  }
  let range = parseRange(req.headers.get('range'), stat.size);
  const ifRange = req.headers.get('if-range');
  if (range !== 'none' && ifRange !== undefined && ifRange !== etag.replace(/^W\//, '') && ifRange !== lastModified) range = 'none';
  if (range === 'unsatisfiable') {
    sendError(res, tap, { status: 416, code: 'RANGE_NOT_SATISFIABLE', message: `the file has ${stat.size} bytes` }, req.json, [['Content-Range', `bytes */${stat.size}`]]);
    return;
  }
  const start = range === 'none' ? 0 : range.start;
  const end = range === 'none' ? stat.size - 1 : range.end;
  const length = Math.max(0, end - start + 1);
  const headers: RawHeaders = [...base, ['Content-Length', String(length)]];
  if (range !== 'none') headers.push(['Content-Range', `bytes ${start}-${end}/${stat.size}`]);
  respond(res, tap, range === 'none' ? 200 : 206, range === 'none' ? 'OK' : 'Partial Content', edit(headers));
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    tap.finish();
    return;
  }
  await streamFile(file, start, end, res, tap);
}

function respond(res: AnyResponse, tap: Tap, status: number, text: string, headers: RawHeaders): void {
  writeHead(res, status, isHttp2Response(res) ? undefined : text, headers);
  tap.clientResponse(status, headers);
}

function streamFile(file: string, start: number, end: number, res: AnyResponse, tap: Tap): Promise<void> {
  return new Promise((resolve) => {
    const input = fs.createReadStream(file, { start, end });
    const out = res as unknown as NodeJS.WritableStream & { on(e: string, f: () => void): void; off(e: string, f: () => void): void };
    let done = false;
    const finish = (error?: ErrorInfo) => {
      if (done) return;
      done = true;
      res.off('close', onClose);
      tap.finish(error);
      resolve();
    };
    const onClose = () => {
      input.destroy();
      finish({ status: 499, code: 'CLIENT_ABORTED', message: 'the client closed the connection before the file was sent' });
    };
    res.on('close', onClose);
    input.on('data', (chunk) => {
      const buf = chunk as Buffer;
      tap.responseBody(buf);
      if (!out.write(buf)) {
        input.pause();
        res.once('drain', () => input.resume());
      }
    });
    input.on('end', () => {
      res.end();
      finish();
    });
    input.on('error', (err) => {
      res.destroy();
      finish({ status: 500, code: 'STATIC_READ_FAILED', message: `reading ${file} failed: ${err.message}` });
    });
  });
}
