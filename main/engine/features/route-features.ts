import type { RouteConfig } from '../../../shared/config';
import { compileHeaderOps, type CompiledHeaderOps } from './header-rules';
import { compilePathRewrite, type PathRewriter } from './path-rewrite';
import { compileSecurityHeaders, type SecurityHeaders } from './security-headers';

/**
 * A route's opt-in powers, compiled once with the route table. A route that uses
 * none of them has `features: undefined`, so the forward path does one check.
 */
export interface RouteFeatures {
  readonly requestHeaders?: CompiledHeaderOps;
  readonly responseHeaders?: CompiledHeaderOps;
  readonly security?: SecurityHeaders;
  /** True when response heads need any change (header rules or the security preset). */
  readonly editsResponse: boolean;
}

export function compileRouteFeatures(config: RouteConfig): { features: RouteFeatures | undefined; rewrite: PathRewriter | undefined } {
  const requestHeaders = compileHeaderOps(config.headers?.request);
  const responseHeaders = compileHeaderOps(config.headers?.response);
  const security = compileSecurityHeaders(config.securityHeaders);
  const rewrite = compilePathRewrite(config.rewrite);
  if (!requestHeaders && !responseHeaders && !security) return { features: undefined, rewrite };
  const features: RouteFeatures = {
    ...(requestHeaders ? { requestHeaders } : {}),
    ...(responseHeaders ? { responseHeaders } : {}),
    ...(security ? { security } : {}),
    editsResponse: responseHeaders !== undefined || security !== undefined,
  };
  return { features: Object.freeze(features), rewrite };
}
