import * as path from 'node:path';

/**
 * The renderer is served from app://gatehouse/ rather than file://: a custom
 * privileged scheme gives the page a real origin (module scripts and CSP
 * 'self' work, file:// CORS rules do not apply) and confines it to the built
 * renderer folder. Electron's security checklist recommends exactly this.
 * The path mapping is pure and tested; app-protocol-handler.ts wires it up.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'gatehouse';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The file under `rootDir` that an app:// URL names, or null (other host, traversal, bad encoding). */
export function resolveAppPath(rootDir: string, requestUrl: string): string | null {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  if (rel === '/' || rel === '') rel = '/index.html';
  const root = path.resolve(rootDir);
  const file = path.resolve(root, `.${rel}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export function contentTypeOf(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
