/** Serves the built renderer (dist/renderer) read-only: no directory listing, no escaping the folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as http from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** Content-Security-Policy for the dashboard: own scripts only, API and events on this origin. */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Resolves a URL path to a file inside root, or undefined (traversal, missing, or a directory). */
export function staticFile(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = path.resolve(root, rel);
  if (full !== root && !full.startsWith(root + path.sep)) return undefined;
  try {
    return fs.statSync(full).isFile() ? full : undefined;
  } catch {
    return undefined;
  }
}

export function serveStatic(root: string, urlPath: string, res: http.ServerResponse, head: boolean): void {
  let file = staticFile(root, urlPath);
  // Client-side routes ("/traffic/e12") get the app shell; missing assets get 404.
  if (!file && !path.extname(urlPath.split('?')[0]!)) file = staticFile(root, '/');
  if (!file) {
    const index = path.join(root, 'index.html');
    const missingUi = !fs.existsSync(index);
    res.writeHead(missingUi ? 503 : 404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(missingUi ? `The dashboard is not built (${index} is missing): run \`npm run build:renderer\`. The API under /api/ works.\n` : 'Not found\n');
    return;
  }
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const headers: http.OutgoingHttpHeaders = {
    'content-type': type,
    'content-length': fs.statSync(file).size,
    'cache-control': file.endsWith('index.html') ? 'no-store' : 'no-cache',
    'x-content-type-options': 'nosniff',
  };
  if (type.startsWith('text/html')) {
    headers['content-security-policy'] = DASHBOARD_CSP;
    headers['x-frame-options'] = 'DENY';
  }
  res.writeHead(200, headers);
  if (head) {
    res.end();
    return;
  }
  fs.createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
