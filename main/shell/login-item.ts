import { app } from 'electron';

/** Start at login, where Electron supports it (macOS, Windows); undefined elsewhere. */
export function getStartAtLogin(): boolean | undefined {
  if (process.platform !== 'darwin' && process.platform !== 'win32') return undefined;
  return app.getLoginItemSettings().openAtLogin;
}

export function setStartAtLogin(enabled: boolean): void {
  if (process.platform !== 'darwin' && process.platform !== 'win32') return;
  // --hidden: start in the tray without opening the window.
  app.setLoginItemSettings({ openAtLogin: enabled, args: ['--hidden'] });
}
