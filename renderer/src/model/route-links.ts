import type { RouteView, TargetHealth, TargetStatus } from '../../../shared/api-contract';
import { normalizeRoutePath } from '../../../shared/config';

/** The URL to open a route in a browser, with the bound port when it is not the scheme's default. */
export function routeOpenUrl(view: RouteView, httpPort: number | undefined, httpsPort: number | undefined): string | null {
  const host = view.route.host;
  if (host.includes('*') || !view.enabled) return null;
  const https = view.route.https !== false && httpsPort !== undefined;
  const port = https ? httpsPort : httpPort;
  if (port === undefined) return null;
  const path = normalizeRoutePath(view.route.path);
  const portPart = port === (https ? 443 : 80) ? '' : `:${port}`;
  return `${https ? 'https' : 'http'}://${host}${portPart}${path === '/' ? '/' : path}`;
}

export function routeHealth(status: TargetStatus | undefined): TargetHealth {
  return status?.health ?? 'unknown';
}
