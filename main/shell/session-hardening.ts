import type { Session } from 'electron';
import { withCsp } from './content-security-policy';

/** Permissions the app itself uses: writing to the clipboard ("Copy as curl"). Everything else is denied. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(permission: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission);
}

/** CSP on every response the window loads; permission requests and checks denied but for the allow-list. */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) });
  });
  session.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionAllowed(permission)));
  session.setPermissionCheckHandler((_wc, permission) => isPermissionAllowed(permission));
  session.setDevicePermissionHandler(() => false);
}
