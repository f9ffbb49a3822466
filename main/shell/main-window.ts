import { BrowserWindow, shell, type WebContents } from 'electron';
import type { AppLocation } from './app-origin';
import { decideNavigation, decideWindowOpen } from './navigation-policy';
import { mainWindowOptions } from './window-options';

export interface MainWindowInput {
  app: AppLocation;
  preloadPath: string;
  iconPath?: string;
  darkBackground: boolean;
  /** Called with the window before the page loads (so events can reach it from its first script on). */
  onCreated?: (win: BrowserWindow) => void;
  /** Loads the renderer (app://gatehouse/, or the dev server in development). */
  load: (win: BrowserWindow) => Promise<void>;
}

/** Navigation stays on the app's page; http(s) links open in the system browser; nothing else opens. */
export function guardNavigation(contents: WebContents, app: AppLocation): void {
  contents.on('will-navigate', (event, url) => {
    const d = decideNavigation(app, url);
    if (d.action === 'allow') return;
    event.preventDefault();
    if (d.action === 'open-external') void shell.openExternal(d.url);
  });
  contents.on('will-redirect', (event, url) => {
    if (decideNavigation(app, url).action !== 'allow') event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const d = decideWindowOpen(url);
    if (d.openExternal) void shell.openExternal(d.openExternal);
    return { action: 'deny' };
  });
}

export async function createMainWindow(input: MainWindowInput): Promise<BrowserWindow> {
  const win = new BrowserWindow(
    mainWindowOptions({
      preloadPath: input.preloadPath,
      darkBackground: input.darkBackground,
      ...(input.iconPath ? { iconPath: input.iconPath } : {}),
    }),
  );
  guardNavigation(win.webContents, input.app);
  input.onCreated?.(win);
  win.once('ready-to-show', () => win.show());
  await input.load(win);
  return win;
}
