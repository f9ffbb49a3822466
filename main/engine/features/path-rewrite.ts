import type { PathRewriteConfig } from '../../../shared/config';

/** A compiled path rewrite: path (no query) in, rewritten path out (or the same string when it did not apply). */
export interface PathRewriter {
  (path: string): string;
  /** "prefix /old → /new" or "regex ^/u/(\d+) → /users/$1", for the recorder's note. */
  readonly summary: string;
}

/** Compiles a route's rewrite once (the regex is validated by main/config). */
export function compilePathRewrite(config: PathRewriteConfig | undefined): PathRewriter | undefined {
  if (!config) return undefined;
  const to = config.to;
  if (config.prefix !== undefined) {
    const prefix = config.prefix.length > 1 ? config.prefix.replace(/\/+$/, '') : config.prefix;
    const fn = (path: string): string => {
      if (prefix === '/') return joinPaths(to, path);
      if (!path.startsWith(prefix)) return path;
      if (path.length > prefix.length && path.charCodeAt(prefix.length) !== 47 /* / */) return path;
      return joinPaths(to, path.slice(prefix.length));
    };
    return Object.assign(fn, { summary: `prefix ${prefix} → ${to}` });
  }
  const re = new RegExp(config.regex ?? '');
  const fn = (path: string): string => {
    const out = path.replace(re, to);
    return out.startsWith('/') ? out : `/${out}`;
  };
  return Object.assign(fn, { summary: `regex ${config.regex} → ${to}` });
}

/** "/new" + "/x" → "/new/x"; "/new/" + "/x" → "/new/x"; "/new" + "" → "/new"; "" + "" → "/". */
function joinPaths(base: string, rest: string): string {
  const b = base.endsWith('/') ? base.slice(0, -1) : base;
  const joined = rest === '' ? b : b + (rest.startsWith('/') ? rest : `/${rest}`);
  return joined.startsWith('/') ? joined : `/${joined}`;
}

/** Applies a rewrite to a path-and-query, keeping the query as it was. */
export function rewriteUrl(rewrite: PathRewriter, url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return rewrite(url);
  return rewrite(url.slice(0, q)) + url.slice(q);
}
