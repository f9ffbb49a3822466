import type { RouteConfig } from '../../../shared/config';
import type { RawHeaders } from '../../../shared/http-types';
import type { Tap } from '../safe-tap';
import { applyHeaderOps, compileHeaderOps, type CompiledHeaderOps, type PlaceholderValues } from './header-rules';
import { compilePathRewrite, type PathRewriter } from './path-rewrite';
import { compileNetworkConditions, type NetworkConditions } from './throttle';
import { compileCompression, type CompiledCompression } from './compression';
import { applySecurityHeaders, compileSecurityHeaders, type SecurityHeaders } from './security-headers';

/**
 * A route's opt-in powers, compiled once with the route table. A route that uses
 * none of them has `features: undefined`, so the forward path does one check.
 */
export interface RouteFeatures {
  readonly requestHeaders?: CompiledHeaderOps;
  readonly responseHeaders?: CompiledHeaderOps;
  readonly security?: SecurityHeaders;
  readonly compression?: CompiledCompression;
  readonly network?: NetworkConditions;
  /** True when response heads need any change (header rules or the security preset). */
  readonly editsResponse: boolean;
}

export function compileRouteFeatures(config: RouteConfig): { features: RouteFeatures | undefined; rewrite: PathRewriter | undefined } {
  const requestHeaders = compileHeaderOps(config.headers?.request);
  const responseHeaders = compileHeaderOps(config.headers?.response);
  const security = compileSecurityHeaders(config.securityHeaders);
  const rewrite = compilePathRewrite(config.rewrite);
  const compression = compileCompression(config.compress);
  const network = compileNetworkConditions(config.latency, config.bandwidth);
  if (!requestHeaders && !responseHeaders && !security && !compression && !network) return { features: undefined, rewrite };
  const features: RouteFeatures = {
    ...(requestHeaders ? { requestHeaders } : {}),
    ...(responseHeaders ? { responseHeaders } : {}),
    ...(security ? { security } : {}),
    ...(compression ? { compression } : {}),
    ...(network ? { network } : {}),
    editsResponse: responseHeaders !== undefined || security !== undefined,
  };
  return { features: Object.freeze(features), rewrite };
}

/**
 * A response head after the route's response header rules, then the security
 * preset (which wins on its own names); each one that acted is noted on the tap.
 */
export function editResponseHeaders(
  features: RouteFeatures,
  headers: RawHeaders,
  values: PlaceholderValues & { readonly scheme: 'http' | 'https' },
  tap: Tap,
): RawHeaders {
  let out = headers;
  if (features.responseHeaders) {
    out = applyHeaderOps(out, features.responseHeaders, values);
    if (tap.active) tap.note(`response headers: ${features.responseHeaders.summary}`);
  }
  if (features.security) {
    out = applySecurityHeaders(out, features.security, values.scheme);
    if (tap.active) tap.note(`security headers${values.scheme === 'https' ? ' (with HSTS)' : ''}`);
  }
  return out;
}
