import type { MenuItemConstructorOptions } from 'electron';

/**
 * The tray menu as data, built by a pure function from the app's state.
 * Items carry an action descriptor instead of a click handler so the
 * template can be compared in a test; toElectronMenu() attaches handlers.
 */
export interface TrayRoute {
  id: string;
  host: string;
  path: string;
  enabled: boolean;
  https: boolean;
  /** Upstreams with their last known health. */
  targets: Array<{ url: string; up: boolean | null }>;
}

export interface TrayState {
  routes: readonly TrayRoute[];
  recordingPaused: boolean;
  httpPort: number;
  httpsPort: number;
  /** undefined when start-at-login is not supported on this platform. */
  startAtLogin?: boolean;
}

export type TrayAction =
  | { kind: 'toggle-route'; routeId: string; enabled: boolean }
  | { kind: 'open-url'; url: string }
  | { kind: 'set-recording'; paused: boolean }
  | { kind: 'set-start-at-login'; enabled: boolean }
  | { kind: 'show-window' }
  | { kind: 'quit' };

export type TrayItem =
  | { type: 'separator' }
  | { type: 'normal'; label: string; enabled?: boolean; action?: TrayAction; submenu?: TrayItem[] }
  | { type: 'checkbox'; label: string; checked: boolean; action: TrayAction };

export const TRAY_ROUTE_LIMIT = 20;

/** Down means: has targets, and every one of them is known to be down. */
export function routeIsDown(route: TrayRoute): boolean {
  return route.targets.length > 0 && route.targets.every((t) => t.up === false);
}

export function routeUrl(route: Pick<TrayRoute, 'host' | 'path' | 'https'>, httpPort: number, httpsPort: number): string | null {
  if (route.host.includes('*')) return null;
  const scheme = route.https ? 'https' : 'http';
  const port = route.https ? httpsPort : httpPort;
  const defaultPort = route.https ? 443 : 80;
  const path = route.path === '/' ? '' : route.path;
  return `${scheme}://${route.host}${port === defaultPort ? '' : `:${port}`}${path}`;
}

function routeLabel(route: TrayRoute): string {
  const name = route.host + (route.path === '/' ? '' : route.path);
  return routeIsDown(route) ? `${name} — down` : name;
}

export function buildTrayTemplate(state: TrayState): TrayItem[] {
  const items: TrayItem[] = [];
  const shown = state.routes.slice(0, TRAY_ROUTE_LIMIT);
  if (state.routes.length === 0) {
    items.push({ type: 'normal', label: 'No routes yet — add one in the window', enabled: false });
  }
  for (const route of shown) {
    items.push({
      type: 'checkbox',
      label: routeLabel(route),
      checked: route.enabled,
      action: { kind: 'toggle-route', routeId: route.id, enabled: !route.enabled },
    });
  }
  if (state.routes.length > shown.length) {
    items.push({ type: 'normal', label: `…and ${state.routes.length - shown.length} more (open the window)`, enabled: false });
  }
  const urls = [...new Set(shown.filter((r) => r.enabled).map((r) => routeUrl(r, state.httpPort, state.httpsPort)))].filter(
    (u): u is string => u !== null,
  );
  if (urls.length > 0) {
    items.push({ type: 'separator' });
    for (const url of urls) items.push({ type: 'normal', label: `Open ${url}`, action: { kind: 'open-url', url } });
  }
  items.push({ type: 'separator' });
  items.push(
    state.recordingPaused
      ? { type: 'normal', label: 'Resume recording', action: { kind: 'set-recording', paused: false } }
      : { type: 'normal', label: 'Pause recording', action: { kind: 'set-recording', paused: true } },
  );
  items.push({ type: 'normal', label: 'Open Gatehouse', action: { kind: 'show-window' } });
  if (state.startAtLogin !== undefined) {
    items.push({
      type: 'checkbox',
      label: 'Start at login',
      checked: state.startAtLogin,
      action: { kind: 'set-start-at-login', enabled: !state.startAtLogin },
    });
  }
  items.push({ type: 'separator' });
  items.push({ type: 'normal', label: 'Quit Gatehouse', action: { kind: 'quit' } });
  return items;
}

/** Attaches click handlers; still free of Electron at run time (types only). */
export function toElectronMenu(items: readonly TrayItem[], dispatch: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    const base: MenuItemConstructorOptions = { type: item.type, label: item.label };
    if (item.type === 'checkbox') base.checked = item.checked;
    if (item.type === 'normal' && item.enabled === false) base.enabled = false;
    if (item.type === 'normal' && item.submenu) base.submenu = toElectronMenu(item.submenu, dispatch);
    const action = item.action;
    if (action) base.click = () => dispatch(action);
    return base;
  });
}
