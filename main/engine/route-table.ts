import * as path from 'node:path';
import {
  fileTargetPath,
  normalizeRoutePath,
  routeId,
  routeTargets,
  type BalancePolicy,
  type RouteConfig,
} from '../../shared/config';
import { compileRouteFeatures, type RouteFeatures } from './features/route-features';
import { rewriteUrl, type PathRewriter } from './features/path-rewrite';
import { parseTarget, type Target } from './target';

/**
 * The route table: config routes compiled into an immutable snapshot that
 * answers "which route serves this host and path?" without parsing or regexes.
 *
 * Matching rules:
 * - Host is case-insensitive; a port, surrounding IPv6 brackets and a trailing dot are ignored.
 * - An exact host beats any wildcard. `*.app.test` matches subdomains of any depth
 *   (`x.app.test`, `a.b.app.test`) but not `app.test` itself; the most specific
 *   wildcard (longest suffix) wins, so `*.b.app.test` beats `*.app.test`.
 * - Within a host, the longest path prefix wins, on segment boundaries: `/api`
 *   matches `/api`, `/api/x` and `/api?q`, never `/apix`. Paths are compared as
 *   sent (case-sensitive, not percent-decoded).
 * - When the most specific host has no route for the path, the next less specific
 *   host (a wildcard) is tried, so `x.app.test` (only `/admin`) + `*.app.test` (`/`)
 *   sends `x.app.test/` to the wildcard.
 * - A disabled route never serves, but it still claims its host and path: a request it
 *   would have served is answered 404 "route … is disabled" rather than handed on to a
 *   less specific route (`app.test/api` switched off does not send /api to `app.test`'s
 *   dev server). When two routes have the same host and path, the first wins.
 */
export interface CompiledRoute {
  /** routeId(): lower-cased host plus normalised path, e.g. "app.test/api". */
  readonly id: string;
  /** Lower-cased host as configured, possibly "*.app.test". */
  readonly host: string;
  /** Normalised prefix ("/" or "/api"). */
  readonly path: string;
  readonly enabled: boolean;
  readonly stripPath: boolean;
  readonly preserveHost: boolean;
  /** Explicit verifyTls; undefined means "verify unless the target is loopback". */
  readonly verifyTls: boolean | undefined;
  readonly https: boolean;
  readonly redirectToHttps: boolean;
  readonly record: boolean;
  readonly balance: BalancePolicy;
  readonly targets: readonly Target[];
  /** Absolute directory of a `file:` target: the route serves static files instead of forwarding. */
  readonly staticRoot?: string | undefined;
  /** SPA fallback to index.html for a static route. */
  readonly spa: boolean;
  /** Header rules and the security preset; undefined when the route uses none. */
  readonly features: RouteFeatures | undefined;
  /** Path rewrite applied after stripPath; undefined when none. */
  readonly rewrite?: PathRewriter | undefined;
  /** The route exactly as configured. */
  readonly config: RouteConfig;
}

/**
 * Compiles one route. `baseDir` resolves relative `file:` targets (default: the
 * current directory); a file: target serves static files instead of forwarding.
 */
export function compileRoute(config: RouteConfig, baseDir?: string): CompiledRoute {
  const host = config.host.trim().toLowerCase().replace(/\.$/, '');
  const https = config.https !== false;
  const { features, rewrite } = compileRouteFeatures(config);
  const all = routeTargets(config);
  const fileTarget = all.map((t) => fileTargetPath(t.url)).find((p) => p !== undefined);
  const staticRoot = fileTarget !== undefined ? path.resolve(baseDir ?? process.cwd(), fileTarget) : undefined;
  return Object.freeze({
    id: routeId({ host, path: config.path }),
    host,
    path: normalizeRoutePath(config.path),
    enabled: config.enabled !== false,
    stripPath: config.stripPath === true,
    preserveHost: config.preserveHost !== false,
    verifyTls: config.verifyTls,
    https,
    redirectToHttps: https && config.redirectToHttps !== false,
    record: config.record !== false,
    balance: config.balance ?? 'round-robin',
    targets: Object.freeze(all.filter((t) => fileTargetPath(t.url) === undefined).map(parseTarget)),
    staticRoot,
    spa: config.spa === true,
    features,
    rewrite,
    config,
  });
}

/** Whether the TLS certificate of `target` is verified for `route`. */
export function shouldVerifyTls(route: Pick<CompiledRoute, 'verifyTls'>, target: Target): boolean {
  return route.verifyTls ?? !target.loopback;
}

/**
 * The Host header to send upstream, or undefined to keep the client's: the target's
 * host:port when the route does not preserve Host; the request-target's authority
 * when the client used absolute form (it overrides Host, RFC 9112 §3.2.2).
 */
export function hostOverride(
  route: Pick<CompiledRoute, 'preserveHost'>,
  target: Pick<Target, 'hostHeader'>,
  head: { absoluteForm: boolean; host: string },
): string | undefined {
  if (!route.preserveHost) return target.hostHeader;
  return head.absoluteForm ? head.host : undefined;
}

/** "App.Test:8080" → "app.test"; "[::1]:80" → "::1"; "app.test." → "app.test". */
export function normalizeHost(hostHeader: string): string {
  let h = hostHeader;
  if (h.charCodeAt(0) === 91 /* [ */) {
    const end = h.indexOf(']');
    h = end > 0 ? h.slice(1, end) : h;
  } else {
    const colon = h.indexOf(':');
    if (colon >= 0) h = h.slice(0, colon);
  }
  if (h.charCodeAt(h.length - 1) === 46 /* . */) h = h.slice(0, -1);
  return h.toLowerCase();
}

/** True when `url` (path plus optional query) lies under `prefix` on a segment boundary. */
export function pathMatches(prefix: string, url: string): boolean {
  if (prefix === '/') return true;
  if (!url.startsWith(prefix)) return false;
  if (url.length === prefix.length) return true;
  const next = url.charCodeAt(prefix.length);
  return next === 47 /* / */ || next === 63; /* ? */
}

/**
 * The path sent upstream: the prefix removed when the route strips it ("/api/x?q" → "/x?q",
 * "/api" → "/", "/api?q" → "/?q"), then the route's rewrite applied (query kept), then the
 * target's own base path prepended.
 */
export function upstreamPath(route: Pick<CompiledRoute, 'path' | 'stripPath' | 'rewrite'>, target: Pick<Target, 'basePath'>, url: string): string {
  let rest = url;
  if (route.stripPath && route.path !== '/') {
    rest = url.slice(route.path.length);
    if (rest === '' || rest.charCodeAt(0) === 63 /* ? */) rest = `/${rest}`;
  }
  if (route.rewrite) rest = rewriteUrl(route.rewrite, rest);
  if (!target.basePath) return rest;
  return target.basePath + (rest === '/' ? '' : rest);
}

type HostIndex = ReadonlyMap<string, readonly CompiledRoute[]>;

function buildIndex(routes: readonly CompiledRoute[]): { exact: HostIndex; wildcard: HostIndex } {
  const exact = new Map<string, CompiledRoute[]>();
  const wildcard = new Map<string, CompiledRoute[]>();
  for (const r of routes) {
    const [map, key] = r.host.startsWith('*.') ? [wildcard, r.host.slice(1)] : [exact, r.host];
    const list = map.get(key) ?? [];
    if (!list.some((x) => x.path === r.path)) list.push(r);
    map.set(key, list);
  }
  // Longest prefix first; Array.prototype.sort is stable, so config order breaks ties.
  for (const list of [...exact.values(), ...wildcard.values()]) list.sort((a, b) => b.path.length - a.path.length);
  return { exact, wildcard };
}

function matchIn(index: { exact: HostIndex; wildcard: HostIndex }, host: string, url: string): CompiledRoute | undefined {
  const exact = index.exact.get(host);
  if (exact) {
    for (const r of exact) if (pathMatches(r.path, url)) return r;
  }
  if (index.wildcard.size === 0) return undefined;
  for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
    const list = index.wildcard.get(host.slice(dot));
    if (!list || dot === 0) continue;
    for (const r of list) if (pathMatches(r.path, url)) return r;
  }
  return undefined;
}

export class RouteTable {
  /** Every configured route (disabled ones included), in config order. */
  readonly routes: readonly CompiledRoute[];
  private readonly allIndex: { exact: HostIndex; wildcard: HostIndex };
  private readonly byId: ReadonlyMap<string, CompiledRoute>;

  private constructor(routes: readonly CompiledRoute[]) {
    this.routes = Object.freeze([...routes]);
    this.allIndex = buildIndex(routes);
    const byId = new Map<string, CompiledRoute>();
    for (const r of routes) if (!byId.has(r.id)) byId.set(r.id, r);
    this.byId = byId;
  }

  /** Compiles config routes; throws an EngineError (INVALID_TARGET) for a target it cannot parse. */
  static compile(routes: readonly RouteConfig[], baseDir?: string): RouteTable {
    return new RouteTable(routes.map((r) => compileRoute(r, baseDir)));
  }

  static readonly empty = new RouteTable([]);

  /**
   * The route serving `host` (a Host header, port allowed) and `url` (path, query allowed);
   * undefined when none matches or the one that matches is disabled.
   */
  match(host: string, url: string): CompiledRoute | undefined {
    const r = matchIn(this.allIndex, normalizeHost(host), url);
    return r !== undefined && r.enabled ? r : undefined;
  }

  /** The route that claims `host` and `url`, disabled or not: explains a 404 ("route is disabled"). */
  matchIncludingDisabled(host: string, url: string): CompiledRoute | undefined {
    return matchIn(this.allIndex, normalizeHost(host), url);
  }

  get(id: string): CompiledRoute | undefined {
    return this.byId.get(id);
  }
}
