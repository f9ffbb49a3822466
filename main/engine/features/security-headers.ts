import type { SecurityHeadersConfig } from '../../../shared/config';
import type { RawHeaders } from '../../../shared/http-types';

/** Default HSTS max-age: five minutes, so a dev machine is never locked into HTTPS for long. */
export const DEFAULT_HSTS_MAX_AGE = 300;

/** The preset, compiled once per route: headers to add for HTTP and for HTTPS responses. */
export interface SecurityHeaders {
  readonly http: RawHeaders;
  readonly https: RawHeaders;
}

/** Response headers the preset removes (they advertise the server's software). */
const REMOVED = new Set(['server', 'x-powered-by']);

export function compileSecurityHeaders(config: boolean | SecurityHeadersConfig | undefined): SecurityHeaders | undefined {
  if (!config) return undefined;
  const c: SecurityHeadersConfig = config === true ? {} : config;
  const common: RawHeaders = [
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', c.frameOptions ?? 'SAMEORIGIN'],
    ['Referrer-Policy', c.referrerPolicy ?? 'strict-origin-when-cross-origin'],
  ];
  if (c.contentSecurityPolicy) common.push(['Content-Security-Policy', c.contentSecurityPolicy]);
  const maxAge = c.hstsMaxAge ?? DEFAULT_HSTS_MAX_AGE;
  const https: RawHeaders = maxAge > 0 ? [['Strict-Transport-Security', `max-age=${maxAge}`], ...common] : common;
  return { http: common, https };
}

/**
 * Adds the preset's headers (replacing any the upstream sent under the same
 * names) and removes Server / X-Powered-By. HSTS only when the client used HTTPS.
 */
export function applySecurityHeaders(headers: RawHeaders, preset: SecurityHeaders, scheme: 'http' | 'https'): RawHeaders {
  const add = scheme === 'https' ? preset.https : preset.http;
  const names = new Set(add.map(([n]) => n.toLowerCase()));
  const out: RawHeaders = headers.filter(([n]) => {
    const lower = n.toLowerCase();
    return !REMOVED.has(lower) && !names.has(lower);
  });
  for (const pair of add) out.push(pair);
  return out;
}
