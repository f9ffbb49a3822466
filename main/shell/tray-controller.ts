import { Menu, Tray, nativeImage } from 'electron';
import type { ApiHandlers } from '../../shared/api-contract';
import { normalizeRoutePath } from '../../shared/config';
import { buildTrayTemplate, toElectronMenu, type TrayAction, type TrayItem, type TrayState } from './tray-menu';

/**
 * The tray icon: its menu is rebuilt from the API's state (through the same
 * handlers the window uses) whenever routes or recording change, and on a
 * slow poll for upstream health.
 */
export interface TrayControllerOptions {
  handlers: ApiHandlers;
  iconPath: string;
  onAction: (action: TrayAction) => void;
  startAtLogin: () => boolean | undefined;
  healthPollMs?: number;
}

export async function readTrayState(handlers: ApiHandlers, startAtLogin: boolean | undefined): Promise<TrayState> {
  const [routes, status, recording, info] = await Promise.all([
    handlers['routes.list']({}),
    handlers['routes.status']({}).catch(() => []),
    handlers['recording.get']({}).catch(() => undefined),
    handlers['instance.info']({}).catch(() => undefined),
  ]);
  const health = new Map(status.map((s) => [s.id, s]));
  const state: TrayState = {
    routes: routes.map((r) => ({
      id: r.id,
      host: r.route.host,
      path: normalizeRoutePath(r.route.path),
      enabled: r.enabled,
      https: r.route.https !== false,
      targets: (health.get(r.id)?.targets ?? []).map((t) => ({ url: t.url, up: t.health === 'up' ? true : t.health === 'down' ? false : null })),
    })),
    recordingPaused: recording ? !recording.recording : false,
    httpPort: info?.httpPort ?? 80,
    httpsPort: info?.httpsPort ?? 443,
  };
  if (startAtLogin !== undefined) state.startAtLogin = startAtLogin;
  return state;
}

export class TrayController {
  private readonly tray: Tray;
  private last = '';
  private timer: ReturnType<typeof setInterval> | undefined;
  private pending = false;
  private again = false;

  constructor(private readonly options: TrayControllerOptions) {
    const image = nativeImage.createFromPath(options.iconPath);
    if (process.platform === 'darwin') image.setTemplateImage(true);
    this.tray = new Tray(image);
    this.tray.setToolTip('Gatehouse');
    this.tray.on('click', () => options.onAction({ kind: 'show-window' }));
    this.timer = setInterval(() => this.refresh(), options.healthPollMs ?? 5000);
    this.refresh();
  }

  /** Rebuilds the menu if the state it shows has changed. */
  refresh(): void {
    if (this.pending) {
      this.again = true;
      return;
    }
    this.pending = true;
    readTrayState(this.options.handlers, this.options.startAtLogin())
      .then((state) => this.show(buildTrayTemplate(state)))
      .catch(() => {})
      .finally(() => {
        this.pending = false;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  private show(items: TrayItem[]): void {
    const key = JSON.stringify(items);
    if (key === this.last || this.tray.isDestroyed()) return;
    this.last = key;
    this.tray.setContextMenu(Menu.buildFromTemplate(toElectronMenu(items, this.options.onAction)));
  }

  destroy(): void {
    clearInterval(this.timer);
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }
}
