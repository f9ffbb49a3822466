import CachePolicy = require('http-cache-semantics');
import type { RawHeaders } from '../../../shared/http-types';

/** Defaults for the in-memory shared cache. */
export const DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_CACHE_MAX_ENTRY_BYTES = 8 * 1024 * 1024;

export type CacheRequest = CachePolicy.Request;

export interface CacheEntry {
  readonly routeId: string;
  policy: CachePolicy;
  readonly status: number;
  readonly body: Buffer;
  /** The request headers the entry was stored for (to match Vary on revalidation). */
  readonly requestHeaders: Record<string, string>;
}

/** Lower-cased header object (repeated names joined with ", "; cookies with "; ") for http-cache-semantics. */
export function headerObject(headers: RawHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [n, v] of headers) {
    const k = n.toLowerCase();
    out[k] = out[k] === undefined ? v : `${out[k]}${k === 'cookie' ? '; ' : ', '}${v}`;
  }
  return out;
}

/** Requests the cache stays out of: conditional or ranged ones (the client manages its own copy). */
export function bypassesCache(headers: Record<string, string>): boolean {
  return headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined || headers.range !== undefined;
}

/**
 * An RFC 9111 shared cache in memory, bounded in bytes (least recently used
 * entries go first). The rules — freshness, Cache-Control, Expires, Vary,
 * validators — are http-cache-semantics'; this class only stores and finds.
 */
export class ResponseCache {
  private readonly entries = new Map<string, CacheEntry[]>();
  private bytes = 0;

  constructor(
    readonly maxBytes = DEFAULT_CACHE_MAX_BYTES,
    readonly maxEntryBytes = DEFAULT_CACHE_MAX_ENTRY_BYTES,
  ) {}

  static key(routeId: string, host: string, url: string): string {
    return `${routeId}\n${host.toLowerCase()}\n${url}`;
  }

  /** A fresh entry (serve it), a stale one whose Vary matches (revalidate it), or nothing. */
  lookup(key: string, req: CacheRequest): { entry: CacheEntry; fresh: boolean } | undefined {
    const list = this.entries.get(key);
    if (!list) return undefined;
    // Least recently used order: move the key to the end.
    this.entries.delete(key);
    this.entries.set(key, list);
    for (const entry of list) {
      if (entry.policy.satisfiesWithoutRevalidation(req)) return { entry, fresh: true };
    }
    for (const entry of list) {
      if (varyMatches(entry, req) && hasValidator(entry)) return { entry, fresh: false };
    }
    return undefined;
  }

  /** Stores (or replaces the variant of) a response; false when it is too big. */
  store(key: string, entry: CacheEntry): boolean {
    if (entry.body.length > this.maxEntryBytes) return false;
    const list = (this.entries.get(key) ?? []).filter((e) => {
      const same = sameVariant(e, entry);
      if (same) this.bytes -= e.body.length;
      return !same;
    });
    list.push(entry);
    this.entries.delete(key);
    this.entries.set(key, list);
    this.bytes += entry.body.length;
    for (const [k, l] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      for (const e of l) this.bytes -= e.body.length;
      this.entries.delete(k);
    }
    return true;
  }

  /** Drops every entry (of one route when given); returns how many were dropped. */
  purge(routeId?: string): number {
    let n = 0;
    for (const [k, list] of this.entries) {
      const keep = routeId === undefined ? [] : list.filter((e) => e.routeId !== routeId);
      n += list.length - keep.length;
      for (const e of list) if (!keep.includes(e)) this.bytes -= e.body.length;
      if (keep.length) this.entries.set(k, keep);
      else this.entries.delete(k);
    }
    return n;
  }

  get size(): { entries: number; bytes: number } {
    let entries = 0;
    for (const l of this.entries.values()) entries += l.length;
    return { entries, bytes: this.bytes };
  }
}

function varyNames(entry: CacheEntry): string[] {
  const vary = entry.policy.responseHeaders().vary;
  if (typeof vary !== 'string') return [];
  return vary.split(',').map((v) => v.trim().toLowerCase()).filter(Boolean);
}

function varyMatches(entry: CacheEntry, req: CacheRequest): boolean {
  const names = varyNames(entry);
  if (names.includes('*')) return false;
  const headers = req.headers as Record<string, string | undefined>;
  return names.every((n) => entry.requestHeaders[n] === headers[n]);
}

function sameVariant(a: CacheEntry, b: CacheEntry): boolean {
  return varyNames(a).every((n) => a.requestHeaders[n] === b.requestHeaders[n]);
}

function hasValidator(entry: CacheEntry): boolean {
  const h = entry.policy.responseHeaders();
  return h.etag !== undefined || h['last-modified'] !== undefined;
}

/** The cached response head as raw pairs (Age and friends from the policy), with X-Cache. */
export function cachedHeaders(entry: CacheEntry, indicator: string): RawHeaders {
  const out: RawHeaders = [];
  for (const [n, v] of Object.entries(entry.policy.responseHeaders())) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.push([n, x]);
    else out.push([n, String(v)]);
  }
  out.push(['Content-Length', String(entry.body.length)]);
  out.push(['X-Cache', indicator]);
  return out.filter(([n], i) => n.toLowerCase() !== 'content-length' || i === out.length - 2);
}

export { CachePolicy };
