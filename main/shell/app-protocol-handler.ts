import * as fs from 'node:fs';
import { protocol, type Session } from 'electron';
import { APP_SCHEME, contentTypeOf, resolveAppPath } from './app-protocol';
import { RENDERER_CSP } from './content-security-policy';

/** Must run before the app is ready: app:// behaves like https (standard, secure, fetch, CORS). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

/** Serves the built renderer folder on app://gatehouse/, with the CSP header on every response. */
export function serveApp(session: Session, rootDir: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppPath(rootDir, request.url);
    const headers = { 'content-security-policy': RENDERER_CSP, 'x-content-type-options': 'nosniff' };
    if (!file || request.method !== 'GET') return new Response('not found', { status: 404, headers });
    try {
      const body = await fs.promises.readFile(file);
      return new Response(body, { status: 200, headers: { ...headers, 'content-type': contentTypeOf(file) } });
    } catch {
      return new Response('not found', { status: 404, headers });
    }
  });
}
