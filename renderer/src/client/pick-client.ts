import type { GatehouseBridge } from '../../../shared/ipc-bridge';
import { createHttpClient } from './http-client';
import { createIpcClient } from './ipc-client';
import type { UiClient } from './ui-client';

declare global {
  interface Window {
    gatehouse?: GatehouseBridge;
  }
}

/**
 * Inside Electron the preload has put window.gatehouse there; otherwise the
 * page was served by the control server and talks to its own origin. A
 * ?token= in the address is taken once and removed from the address bar.
 */
export function pickClient(win: Window): UiClient {
  if (win.gatehouse) return createIpcClient(win.gatehouse);
  const url = new URL(win.location.href);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Gatehouse's bridge is missing: this page (${url.protocol}) needs the app's preload, or open the dashboard URL that \`gatehouse start\` prints.`);
  }
  const token = url.searchParams.get('token') ?? undefined;
  if (token !== undefined) {
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
  }
  return createHttpClient({ origin: url.origin, ...(token !== undefined ? { token } : {}) });
}
