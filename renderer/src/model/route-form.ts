import { normalizeRoutePath, routeTargets, type RouteConfig } from '../../../shared/config';

/**
 * The add/edit route form as plain data: to and from RouteConfig, with the
 * checks worth doing before asking the engine (which validates again and has
 * the last word — its errors are mapped back onto a field). Pure.
 */
export interface RouteFormState {
  host: string;
  path: string;
  /** One target URL per line (or comma separated). */
  targets: string;
  https: boolean;
  enabled: boolean;
  stripPath: boolean;
  preserveHost: boolean;
  /** Advanced: the per-route features. Toggles keep an object form from the file when left on. */
  compress: boolean;
  cache: boolean;
  securityHeaders: boolean;
  spa: boolean;
  /** Numbers and durations as typed; empty means "not set". */
  rateLimitRate: string;
  rateLimitBurst: string;
  latency: string;
  bandwidth: string;
  healthCheckPath: string;
  healthCheckInterval: string;
  /** JSON text of `headers` / `rewrite`; empty means "not set". */
  headersJson: string;
  rewriteJson: string;
}

export type RouteField = 'host' | 'path' | 'targets' | 'advanced' | 'headers' | 'rewrite' | 'form';
export type RouteFormErrors = Partial<Record<RouteField, string>>;

export function formFromRoute(route?: RouteConfig): RouteFormState {
  if (!route) return { host: '', path: '/', targets: '', https: true, enabled: true, stripPath: false, preserveHost: true, ...EMPTY_ADVANCED };
  return {
    host: route.host,
    path: normalizeRoutePath(route.path),
    targets: routeTargets(route)
      .map((t) => t.url)
      .join('\n'),
    https: route.https ?? true,
    enabled: route.enabled ?? true,
    stripPath: route.stripPath ?? false,
    preserveHost: route.preserveHost ?? true,
    compress: isOn(route.compress),
    cache: route.cache === true,
    securityHeaders: isOn(route.securityHeaders),
    spa: route.spa === true,
    rateLimitRate: route.rateLimit ? String(route.rateLimit.rate) : '',
    rateLimitBurst: route.rateLimit?.burst !== undefined ? String(route.rateLimit.burst) : '',
    latency: route.latency !== undefined ? String(route.latency) : '',
    bandwidth: route.bandwidth !== undefined ? String(route.bandwidth) : '',
    healthCheckPath: route.healthCheck?.path ?? '',
    healthCheckInterval: route.healthCheck?.interval !== undefined ? String(route.healthCheck.interval) : '',
    headersJson: route.headers !== undefined ? JSON.stringify(route.headers, null, 2) : '',
    rewriteJson: route.rewrite !== undefined ? JSON.stringify(route.rewrite, null, 2) : '',
  };
}

const EMPTY_ADVANCED = {
  compress: false,
  cache: false,
  securityHeaders: false,
  spa: false,
  rateLimitRate: '',
  rateLimitBurst: '',
  latency: '',
  bandwidth: '',
  healthCheckPath: '',
  healthCheckInterval: '',
  headersJson: '',
  rewriteJson: '',
} as const;

/** True when the route uses any feature of the Advanced section (the form opens it then). */
export function hasAdvanced(route?: RouteConfig): boolean {
  return route !== undefined && ADVANCED_KEYS.some((k) => route[k] !== undefined && route[k] !== false);
}

function isOn(v: boolean | object | undefined): boolean {
  return v !== undefined && v !== false;
}

const HOST_RE = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

/** "3000" and "localhost:3000" are accepted as shorthand for http://127.0.0.1:3000 / http://localhost:3000. */
export function normalizeTarget(input: string): string {
  const t = input.trim();
  if (/^\d+$/.test(t)) return `http://127.0.0.1:${t}`;
  if (/^[a-z0-9.-]+:\d+$/i.test(t) || /^\[[0-9a-f:]+\]:\d+$/i.test(t)) return `http://${t}`;
  return t;
}

export function checkTarget(url: string): string | null {
  if (url.startsWith('unix:')) return url.length > 5 ? null : 'A unix target needs a socket path, e.g. unix:/tmp/app.sock';
  const port = /^[a-z]+:\/\/(?:\[[^\]]*\]|[^/:]*):(\d+)/i.exec(url)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `"${url}": port ${port} is out of range (1–65535)`;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL — write it like http://localhost:3000`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `"${url}": only http://, https:// and unix: targets are supported`;
  if (u.search || u.hash) return `"${url}": a target cannot carry a query or fragment`;
  return null;
}

export function routeFromForm(form: RouteFormState, base?: RouteConfig): { route?: RouteConfig; errors: RouteFormErrors } {
  const errors: RouteFormErrors = {};
  const host = form.host.trim().toLowerCase();
  if (!host) errors.host = 'Enter a host name, e.g. app.test';
  else if (host.includes('://') || host.includes('/')) errors.host = 'Just the name, without scheme or path (e.g. app.test)';
  else if (!HOST_RE.test(host)) errors.host = `"${host}" is not a valid host name`;
  const path = form.path.trim() || '/';
  if (/\s/.test(path)) errors.path = 'A path cannot contain spaces';
  else if (path.includes('?') || path.includes('#')) errors.path = 'A path prefix cannot contain ? or #';
  const targets = form.targets
    .split(/[\n,]/)
    .map((t) => t.trim())
    .filter(Boolean)
    .map(normalizeTarget);
  if (targets.length === 0) errors.targets = 'Add at least one target, e.g. http://localhost:3000';
  else {
    const bad = targets.map(checkTarget).find((e) => e !== null);
    if (bad) errors.targets = bad;
  }
  const advanced = advancedFromForm(form, base, errors);
  if (Object.keys(errors).length > 0) return { errors };
  const { target: _t, targets: _ts, ...rest } = base ?? ({} as RouteConfig);
  const route: RouteConfig = { ...rest, host };
  const p = normalizeRoutePath(path);
  if (p !== '/') route.path = p;
  else delete route.path;
  if (targets.length === 1) route.target = targets[0]!;
  else route.targets = targets;
  setFlag(route, 'https', form.https, true);
  setFlag(route, 'enabled', form.enabled, true);
  setFlag(route, 'stripPath', form.stripPath, false);
  setFlag(route, 'preserveHost', form.preserveHost, true);
  for (const key of ADVANCED_KEYS) {
    const v = advanced[key];
    if (v === undefined) delete route[key];
    else (route as unknown as Record<string, unknown>)[key] = v;
  }
  return { route, errors };
}

const ADVANCED_KEYS = ['compress', 'cache', 'securityHeaders', 'spa', 'rateLimit', 'latency', 'bandwidth', 'healthCheck', 'headers', 'rewrite'] as const;
type Advanced = Pick<RouteConfig, (typeof ADVANCED_KEYS)[number]>;

/** The feature fields from the form; values the form does not show (compress options, rateLimit.per …) come from `base`. */
function advancedFromForm(form: RouteFormState, base: RouteConfig | undefined, errors: RouteFormErrors): Advanced {
  const out: Advanced = {};
  const problems: string[] = [];
  // A toggle left on keeps the file's object form (e.g. compress: {minSize: 256}).
  if (form.compress) out.compress = isOn(base?.compress) ? base!.compress! : true;
  if (form.securityHeaders) out.securityHeaders = isOn(base?.securityHeaders) ? base!.securityHeaders! : true;
  if (form.cache) out.cache = true;
  if (form.spa) out.spa = true;

  const rate = numberField(form.rateLimitRate, 'Rate limit rate', problems, false);
  const burst = numberField(form.rateLimitBurst, 'Rate limit burst', problems, true);
  if (rate !== undefined) {
    out.rateLimit = { ...base?.rateLimit, rate };
    if (burst !== undefined) out.rateLimit.burst = burst;
    else delete out.rateLimit.burst;
  } else if (burst !== undefined) problems.push('Rate limit burst needs a rate');

  const latency = form.latency.trim();
  if (latency) out.latency = /^\d+$/.test(latency) ? Number(latency) : latency;
  const bandwidth = numberField(form.bandwidth, 'Bandwidth', problems, true);
  if (bandwidth !== undefined) out.bandwidth = bandwidth;

  const hcPath = form.healthCheckPath.trim();
  const hcInterval = form.healthCheckInterval.trim();
  if (hcPath) {
    if (!hcPath.startsWith('/')) problems.push('Health check path must start with /, e.g. /health');
    out.healthCheck = { ...base?.healthCheck, path: hcPath };
    if (hcInterval) out.healthCheck.interval = /^\d+$/.test(hcInterval) ? Number(hcInterval) : hcInterval;
    else delete out.healthCheck.interval;
  } else if (hcInterval) problems.push('Health check interval needs a path');
  if (problems.length > 0) errors.advanced = problems.join('; ');

  const headers = jsonField(form.headersJson, 'headers', errors);
  if (headers !== undefined) out.headers = headers as RouteConfig['headers'];
  const rewrite = jsonField(form.rewriteJson, 'rewrite', errors);
  if (rewrite !== undefined) out.rewrite = rewrite as RouteConfig['rewrite'];
  return out;
}

function numberField(text: string, label: string, problems: string[], integer: boolean): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    problems.push(`${label} must be a positive ${integer ? 'whole ' : ''}number, not "${t}"`);
    return undefined;
  }
  return n;
}

/** Parses a JSON object field; the engine checks its shape (its error lands on the same field). */
function jsonField(text: string, field: 'headers' | 'rewrite', errors: RouteFormErrors): object | undefined {
  const t = text.trim();
  if (!t) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch (err) {
    errors[field] = `Not valid JSON: ${(err as Error).message}`;
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    errors[field] = field === 'headers' ? 'Write an object, e.g. {"response": {"set": {"X-Dev": "1"}}}' : 'Write an object, e.g. {"prefix": "/old", "to": "/new"}';
    return undefined;
  }
  return v;
}

/** Writes a boolean only when it differs from the default, so the config file stays short. */
function setFlag<K extends 'https' | 'enabled' | 'stripPath' | 'preserveHost'>(route: RouteConfig, key: K, value: boolean, dflt: boolean): void {
  if (value === dflt) delete route[key];
  else route[key] = value;
}

/** Puts an engine validation error next to the field it is about: by its code, a field name, or its words. */
export function fieldOfError(error: { message: string; code?: string; field?: string }): RouteField {
  const code = (error.code ?? '').toUpperCase();
  if (code.includes('TARGET')) return 'targets';
  if (code === 'ROUTE_EXISTS' || code.includes('HOST')) return 'host';
  const hint = `${error.field ?? ''} ${error.message}`.toLowerCase();
  if (/\bheaders\b/.test(hint)) return 'headers';
  if (/\brewrite\b/.test(hint)) return 'rewrite';
  if (/ratelimit|healthcheck|latency|bandwidth|compress|securityheaders|\bcache\b|\bspa\b/.test(hint)) return 'advanced';
  if (code.includes('PATH')) return 'path';
  if (/\btargets?\b|upstream|\bport\b|url/.test(hint)) return 'targets';
  if (/\bpath\b/.test(hint)) return 'path';
  if (/\bhost\b|name|already|duplicate|exists/.test(hint)) return 'host';
  return 'form';
}
