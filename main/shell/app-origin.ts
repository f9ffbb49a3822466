/**
 * Which frame is "the app": the renderer's own index.html (file://) or, in
 * development, the dev server URL. IPC senders, navigations and window.open
 * are judged against it.
 */
export interface AppLocation {
  /** file:///…/dist/renderer/index.html, or http://localhost:5173/ in development. */
  indexUrl: string;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True when `url` is the app's own page (any hash or query on it is ignored). */
export function isAppUrl(app: AppLocation, url: string | undefined | null): boolean {
  if (!url) return false;
  const u = parse(url);
  const home = parse(app.indexUrl);
  if (!u || !home) return false;
  if (u.protocol !== home.protocol) return false;
  if (home.protocol === 'file:') return u.host === home.host && decodeURI(u.pathname) === decodeURI(home.pathname);
  // A dev server: same origin, any path on it.
  return u.origin === home.origin;
}

/**
 * An external link the user may open in the system browser: http(s) only,
 * no credentials in the URL. Returns the normalised URL or null.
 */
export function safeExternalUrl(url: string): string | null {
  const u = parse(url);
  if (!u) return null;
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.username || u.password) return null;
  if (!u.hostname) return null;
  return u.href;
}
