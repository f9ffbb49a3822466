/**
 * The config file's shape, shared by the engine, the CLI and the renderer.
 * Pure types and helpers only: no node:*, no DOM.
 *
 * The JSON Schema in config.schema.json is the published form of these types;
 * keep the two in step (test/unit/config-schema.test.ts checks that they agree).
 */

export type BalancePolicy = 'round-robin' | 'least-connections' | 'ip-hash' | 'weighted';

export const BALANCE_POLICIES: readonly BalancePolicy[] = [
  'round-robin',
  'least-connections',
  'ip-hash',
  'weighted',
];

/** A duration in the config: milliseconds as a number, or a string like "200ms", "5s", "2m". */
export type DurationValue = number | string;

export interface TargetObject {
  /**
   * http://host:port, https://host:port, unix:/path/to.sock, or file:./dist — a directory
   * served as static files (relative to the engine's base directory; only as a route's single target).
   */
  url: string;
  /** Relative weight for the "weighted" policy (default 1). */
  weight?: number;
}

export type TargetValue = string | TargetObject;

export interface RouteConfig {
  /** Exact host ("app.test") or a wildcard ("*.app.test"); case-insensitive, port ignored. */
  host: string;
  /** Path prefix ("/api"); longest prefix wins. Default "/". */
  path?: string;
  /** One target; shorthand for targets: [target]. */
  target?: TargetValue;
  /** Several targets, balanced by `balance`. */
  targets?: TargetValue[];
  balance?: BalancePolicy;
  /** Remove the matched path prefix before forwarding. Default false. */
  stripPath?: boolean;
  /** Default true. */
  enabled?: boolean;
  /** Send the client's Host upstream (default true); false sends the target's host:port. */
  preserveHost?: boolean;
  /**
   * Verify an https target's certificate. Default: false for loopback targets
   * (dev servers with self-signed certificates), true for anything else.
   */
  verifyTls?: boolean;
  /** Serve this route over HTTPS too (default true). */
  https?: boolean;
  /** Redirect plain-HTTP requests to HTTPS (default: true when the route is served over HTTPS). */
  redirectToHttps?: boolean;
  /** Record this route's traffic (default true). */
  record?: boolean;
  /** Header rules: request headers changed before forwarding, response headers before returning. */
  headers?: HeaderRulesConfig;
  /** For a `file:` target: serve index.html for paths that match no file (single-page apps). Default false. */
  spa?: boolean;
  /** Compress responses (br, gzip) for clients that accept it; true for the defaults, or an object. */
  compress?: boolean | CompressionConfig;
  /** Active health checks: a target failing them is taken out of rotation until it passes again. */
  healthCheck?: HealthCheckConfig;
  /** Network conditions: added latency before each request is forwarded ("200ms"). */
  latency?: DurationValue;
  /** Network conditions: response bandwidth limit in bytes per second. */
  bandwidth?: number;
  /** An RFC 9111 shared cache in memory for GET responses (Cache-Control, Expires, Vary, validators). */
  cache?: boolean;
  /** Rewrites the upstream path (after stripPath, before the target's base path). */
  rewrite?: PathRewriteConfig;
  /** true adds the security headers preset; an object configures it. */
  securityHeaders?: boolean | SecurityHeadersConfig;
  /** Token bucket limiting requests per client address (or for the whole route); 429 when exceeded. */
  rateLimit?: RateLimitConfig;
}

/**
 * Header operations, applied in the order remove, set, add. Values may use the
 * placeholders {remote_addr}, {host}, {scheme} and {route}.
 */
export interface HeaderOpsConfig {
  /** Replace (or create) these headers. */
  set?: Record<string, string>;
  /** Append these headers, keeping any existing ones. */
  add?: Record<string, string>;
  /** Remove these headers (case-insensitive names). */
  remove?: string[];
}

export interface HeaderRulesConfig {
  request?: HeaderOpsConfig;
  response?: HeaderOpsConfig;
}

/**
 * Path rewrite: `{"prefix": "/old", "to": "/new"}` replaces a leading prefix (on a
 * segment boundary); `{"regex": "^/u/(\\d+)$", "to": "/users/$1"}` replaces the first
 * match of a regular expression on the path ($1… are capture groups). The query is kept.
 */
export interface PathRewriteConfig {
  prefix?: string;
  regex?: string;
  to: string;
}

export interface SecurityHeadersConfig {
  /** Strict-Transport-Security max-age in seconds, HTTPS only (default 300; 0 = no HSTS). */
  hstsMaxAge?: number;
  /** X-Frame-Options (default "SAMEORIGIN"). */
  frameOptions?: string;
  /** Referrer-Policy (default "strict-origin-when-cross-origin"). */
  referrerPolicy?: string;
  /** Content-Security-Policy (none unless given). */
  contentSecurityPolicy?: string;
}

export interface CompressionConfig {
  /** Codings in order of preference (default ["br", "gzip"]). */
  encodings?: Array<'br' | 'gzip'>;
  /** Responses with a smaller Content-Length are not compressed (default 1024). */
  minSize?: number;
}

export interface HealthCheckConfig {
  /** Path requested with GET on each target, e.g. "/health". */
  path: string;
  /** Time between checks of one target (default "10s"). */
  interval?: DurationValue;
  /** Time a check may take (default "2s"). */
  timeout?: DurationValue;
  /** Status (or statuses) that pass; default any 2xx or 3xx. */
  expectStatus?: number | number[];
}

export interface RateLimitConfig {
  /** Tokens added per second. */
  rate: number;
  /** Bucket size: requests allowed at once (default: rate, at least 1). */
  burst?: number;
  /** "client" (default): one bucket per client address; "route": one bucket for the route. */
  per?: 'client' | 'route';
}

export interface TimeoutsConfig {
  /** Time a client has to send the complete request head. */
  requestHeaders?: DurationValue;
  /** Idle keep-alive time for client connections. */
  keepAlive?: DurationValue;
  /** Time to open a connection to an upstream. */
  upstreamConnect?: DurationValue;
  /** Time from sending the request to receiving the upstream's response head. */
  upstreamHeaders?: DurationValue;
  /** Idle time allowed between body chunks from the upstream. */
  upstreamBody?: DurationValue;
  /** Idle time allowed between request body chunks from the client (408, or the exchange aborted). */
  clientBody?: DurationValue;
}

export interface RecordingConfig {
  enabled?: boolean;
  /** Most exchanges kept in memory (oldest dropped first). */
  maxExchanges?: number;
  /** Most body bytes kept in memory across all exchanges. */
  maxTotalBytes?: number;
  /** Bytes captured per body; beyond this the body is marked truncated. */
  bodyCap?: number;
}

export interface GatehouseConfig {
  $schema?: string;
  routes: RouteConfig[];
  /** Plain HTTP port (default 80; falls back to 8080 when 80 cannot be bound). */
  httpPort?: number;
  /** HTTPS port (default 443; falls back to 8443). */
  httpsPort?: number;
  /** Built-in DNS responder port (default 5353 is avoided; default 15353). */
  dnsPort?: number;
  /** Addresses to listen on. Default ["127.0.0.1", "::1"]. Anything else is a LAN opt-in. */
  listen?: string[];
  /** Client addresses (IPs or CIDRs) whose X-Forwarded-* / Forwarded headers are trusted and appended to. */
  trustedProxies?: string[];
  /** Extra DNS suffixes the CA may issue for and the DNS responder answers (always: test, localhost). */
  suffixes?: string[];
  timeouts?: TimeoutsConfig;
  recording?: RecordingConfig;
}

export const DEFAULT_HTTP_PORT = 80;
export const DEFAULT_HTTPS_PORT = 443;
export const FALLBACK_HTTP_PORT = 8080;
export const FALLBACK_HTTPS_PORT = 8443;
export const DEFAULT_DNS_PORT = 15353;
export const DEFAULT_LISTEN: readonly string[] = ['127.0.0.1', '::1'];
export const BUILTIN_SUFFIXES: readonly string[] = ['test', 'localhost'];

export const DEFAULT_TIMEOUTS_MS = {
  requestHeaders: 30_000,
  keepAlive: 5_000,
  upstreamConnect: 5_000,
  upstreamHeaders: 60_000,
  upstreamBody: 300_000,
  clientBody: 60_000,
} as const satisfies Record<keyof TimeoutsConfig, number>;

export const DEFAULT_RECORDING = {
  enabled: true,
  maxExchanges: 10_000,
  maxTotalBytes: 256 * 1024 * 1024,
  bodyCap: 1024 * 1024,
} as const satisfies Required<RecordingConfig>;

/** The config written on first run. */
export function defaultConfig(): GatehouseConfig {
  return {
    $schema: './gatehouse.schema.json',
    routes: [{ host: 'app.test', target: 'http://127.0.0.1:3000' }],
  };
}

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest duration Gatehouse can wait: 2^31−1 ms (about 24.8 days), the
 * most a Node timer takes — a longer one fires after 1 ms instead.
 */
export const MAX_DURATION_MS = 2_147_483_647;

/** Parses "200ms", "5s", "2m", "1h" or a number of milliseconds. Returns undefined when invalid or longer than MAX_DURATION_MS. */
export function parseDuration(value: DurationValue): number | undefined {
  const ms = durationMs(value);
  return ms !== undefined && ms <= MAX_DURATION_MS ? ms : undefined;
}

function durationMs(value: DurationValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = DURATION_RE.exec(value.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!);
}

/** Why a well-formed duration is still unusable (longer than MAX_DURATION_MS), or undefined when it is fine. */
export function durationTooLong(value: DurationValue): string | undefined {
  const ms = durationMs(value);
  if (ms === undefined || ms <= MAX_DURATION_MS) return undefined;
  return `${JSON.stringify(value)} is too long: a duration can be at most ${MAX_DURATION_MS} ms (about 24.8 days, "596h")`;
}

/** Normalises a route path: leading slash, no trailing slash (except "/"). */
export function normalizeRoutePath(path: string | undefined): string {
  if (!path || path === '/') return '/';
  let p = path.startsWith('/') ? path : `/${path}`;
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

/** The stable identity of a route: lower-cased host plus normalised path, e.g. "app.test/api". */
export function routeId(route: Pick<RouteConfig, 'host' | 'path'>): string {
  const path = normalizeRoutePath(route.path);
  return route.host.toLowerCase() + (path === '/' ? '' : path);
}

/** Splits "app.test/api" into host and path, as the CLI accepts it. */
export function parseRouteSpec(spec: string): { host: string; path: string } {
  const slash = spec.indexOf('/');
  if (slash < 0) return { host: spec.toLowerCase(), path: '/' };
  return { host: spec.slice(0, slash).toLowerCase(), path: normalizeRoutePath(spec.slice(slash)) };
}

/** The directory of a `file:` target ("file:./dist" → "./dist", "file:///srv/x" → "/srv/x"), or undefined. */
export function fileTargetPath(url: string): string | undefined {
  const u = url.trim();
  if (!u.startsWith('file:')) return undefined;
  const rest = u.slice('file:'.length);
  return rest.startsWith('//') ? rest.slice(2) : rest;
}

/** A route's targets as a list of objects, whether written as target or targets. */
export function routeTargets(route: RouteConfig): TargetObject[] {
  const list = route.targets ?? (route.target !== undefined ? [route.target] : []);
  return list.map((t) => (typeof t === 'string' ? { url: t } : t));
}

/**
 * One problem found in a config file, as the CLI prints it and the UI shows it:
 * `config.json:4:18 /routes/1/balance: unknown balance policy "fastest"; use one of …`.
 */
export interface ConfigIssue {
  /** Path of the config file. */
  file: string;
  /** 1-based line and column of the offending value (or of the syntax error). */
  line: number;
  column: number;
  /** JSON pointer of the field, e.g. "/routes/1/balance"; "" for the whole document. */
  field: string;
  /** Plain-language reason, saying how to fix it where that is known. */
  reason: string;
  /**
   * What the problem is as data, for a program that words it for its own setting (the
   * dashboard's route form); `reason` is worded for the config file. Only some issues have one.
   */
  detail?: ConfigIssueDetail;
}

/** The problems a ConfigIssue can describe as data (see ConfigIssue.detail). */
export type ConfigIssueDetail =
  /** A route served over HTTPS whose host is outside every suffix the local CA may sign under. */
  | { code: 'https-host-not-permitted'; host: string; suffixes: string[]; suggestedSuffix: string }
  /** A route served over HTTPS whose host is an IP address: the CA signs for names only. */
  | { code: 'https-host-is-ip'; host: string };

/** "config.json:4:18 /routes/1/balance: reason" — one line per issue. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.field ? `${where} ${issue.field}: ${issue.reason}` : `${where}: ${issue.reason}`;
}
