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
}

export type RouteField = 'host' | 'path' | 'targets' | 'form';
export type RouteFormErrors = Partial<Record<RouteField, string>>;

export function formFromRoute(route?: RouteConfig): RouteFormState {
  if (!route) return { host: '', path: '/', targets: '', https: true, enabled: true, stripPath: false, preserveHost: true };
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
  };
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
  return { route, errors };
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
  if (code.includes('PATH')) return 'path';
  const hint = `${error.field ?? ''} ${error.message}`.toLowerCase();
  if (/\btargets?\b|upstream|\bport\b|url/.test(hint)) return 'targets';
  if (/\bpath\b/.test(hint)) return 'path';
  if (/\bhost\b|name|already|duplicate|exists/.test(hint)) return 'host';
  return 'form';
}
