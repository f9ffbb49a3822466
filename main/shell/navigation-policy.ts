import { isAppUrl, safeExternalUrl, type AppLocation } from './app-origin';

/**
 * What to do when the page tries to go somewhere: stay (the app's own page,
 * e.g. a reload), open it in the system browser (a validated http(s) link),
 * or refuse. Pure; the shell applies the decision.
 */
export type NavigationDecision = { action: 'allow' } | { action: 'open-external'; url: string } | { action: 'deny' };

export function decideNavigation(app: AppLocation, url: string): NavigationDecision {
  if (isAppUrl(app, url)) return { action: 'allow' };
  const external = safeExternalUrl(url);
  return external ? { action: 'open-external', url: external } : { action: 'deny' };
}

/** window.open never creates a window: links go to the system browser or nowhere. */
export function decideWindowOpen(url: string): { action: 'deny'; openExternal?: string } {
  const external = safeExternalUrl(url);
  return external ? { action: 'deny', openExternal: external } : { action: 'deny' };
}
