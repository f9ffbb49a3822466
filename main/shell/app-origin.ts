/**
 * Which frame is "the app": the renderer served on app://gatehouse/ (or a
 * file:// index.html), or, in development, the dev server URL. IPC senders,
 * navigations and window.open are judged against it.
 */
export interface AppLocation {
  /** app://gatehouse/index.html, a file:// index.html, or http://localhost:5173/ in development. */
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
  // Compare scheme and host explicitly: custom schemes have an opaque ("null") origin.
  if (u.protocol !== home.protocol || u.host !== home.host) return false;
  if (home.protocol === 'file:') return decodeURI(u.pathname) === decodeURI(home.pathname);
  // app://gatehouse/ or the dev server: any page of the app.
  return true;
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
