import type { RouteConfig } from '../../shared/config';
import { normalizeHostName } from './permitted-names';

/**
 * Which names the HTTPS listener mints certificates for: every configured
 * route served over HTTPS (route.https !== false), exact or wildcard. Disabled
 * routes count, so a browser reaches the "route is disabled" page rather than a
 * TLS error. Pure: built from the config, rebuilt on each config change.
 */
export function httpsHostMatcher(routes: readonly RouteConfig[]): (host: string) => boolean {
  const exact = new Set<string>();
  const wildcardParents: string[] = [];
  for (const route of routes) {
    if (route.https === false) continue;
    const host = normalizeHostName(route.host);
    if (host.startsWith('*.')) wildcardParents.push(host.slice(1)); // "*.app.test" → ".app.test"
    else exact.add(host);
  }
  return (name) => {
    const host = normalizeHostName(name);
    if (exact.has(host)) return true;
    return wildcardParents.some((parent) => host.length > parent.length && host.endsWith(parent));
  };
}
