import { Menu, Tray, nativeImage } from 'electron';
import type { ApiHandlers } from '../../shared/api-contract';
import { buildTrayTemplate, toElectronMenu, type TrayAction, type TrayItem } from './tray-menu';
import { readTrayState } from './tray-state';

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
