import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The main window's options as a pure function: every security switch is set
 * explicitly here (not left to Electron's defaults) so a test can read them.
 */
export interface WindowOptionsInput {
  preloadPath: string;
  iconPath?: string;
  /** Start hidden and show on 'ready-to-show' (no white flash). */
  show?: boolean;
  darkBackground?: boolean;
}

export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 760,
    minHeight: 480,
    title: 'Gatehouse',
    show: input.show ?? false,
    backgroundColor: input.darkBackground ? '#1b1d21' : '#ffffff',
    autoHideMenuBar: true,
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  };
}
