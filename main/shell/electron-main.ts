/**
 * The Electron entry (package.json "main"). Thin: it starts the same engine
 * the CLI runs headless, shows the renderer in a locked-down window talking
 * over IPC to the same API handlers, and keeps a tray menu. Closing the
 * window keeps Gatehouse running in the tray; Quit stops the engine cleanly.
 */
import { app, BrowserWindow, dialog, ipcMain, nativeTheme, session, shell } from 'electron';
import * as path from 'node:path';
import type { AppLocation } from './app-origin';
import { isAppUrl } from './app-origin';
import { APP_INDEX_URL } from './app-protocol';
import { registerAppScheme, serveApp } from './app-protocol-handler';
import { createShellEngine } from './engine-link';
import { forwardEvents, registerApiIpc } from './ipc-api';
import { getStartAtLogin, setStartAtLogin } from './login-item';
import { createMainWindow } from './main-window';
import { hardenSession } from './session-hardening';
import type { ShellEngine } from './shell-engine';
import { TrayController } from './tray-controller';
import type { TrayAction } from './tray-menu';

const ROOT = path.join(__dirname, '..', '..', '..'); // dist/main/shell -> project / app root
const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
const PRELOAD = path.join(__dirname, '..', 'preload.js');
const DEV_URL = app.isPackaged ? undefined : process.env.GATEHOUSE_RENDERER_URL;
const RESOURCES = app.isPackaged ? path.join(process.resourcesPath, 'icons') : path.join(ROOT, 'resources');
const START_HIDDEN = process.argv.includes('--hidden');

const location: AppLocation = { indexUrl: DEV_URL ?? APP_INDEX_URL };

// Before ready: the renderer is served on app://gatehouse/ (see app-protocol.ts).
registerAppScheme();

let engine: ShellEngine | null = null;
let win: BrowserWindow | null = null;
let tray: TrayController | null = null;
let quitting = false;
let creating: Promise<void> | null = null;
const cleanups: Array<() => void> = [];

function trayIcon(): string {
  if (process.platform === 'darwin') return path.join(RESOURCES, 'trayTemplate.png');
  return path.join(RESOURCES, 'tray@2x.png');
}

function showWindow(): Promise<void> {
  if (win && !win.isDestroyed()) {
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    return Promise.resolve();
  }
  // One window at a time, even when asked again while it is still loading.
  creating ??= openWindow().finally(() => {
    creating = null;
  });
  return creating;
}

async function openWindow(): Promise<void> {
  await createMainWindow({
    app: location,
    onCreated: (w) => {
      win = w;
      w.on('close', (event) => {
        // Closing the window keeps Gatehouse running in the tray.
        if (!quitting) {
          event.preventDefault();
          w.hide();
        }
      });
      w.on('closed', () => {
        if (win === w) win = null;
      });
    },
    preloadPath: PRELOAD,
    iconPath: path.join(RESOURCES, app.isPackaged ? 'icon.png' : 'icons/256x256.png'),
    darkBackground: nativeTheme.shouldUseDarkColors,
    load: (w) => w.loadURL(location.indexUrl),
  });
}

function onTrayAction(action: TrayAction): void {
  if (!engine) return;
  const h = engine.handlers;
  const done = () => tray?.refresh();
  switch (action.kind) {
    case 'toggle-route':
      void h['routes.toggle']({ id: action.routeId, enabled: action.enabled }).finally(done);
      return;
    case 'open-url':
      void shell.openExternal(action.url);
      return;
    case 'set-recording':
      void (action.paused ? h['recording.pause']({}) : h['recording.resume']({})).finally(done);
      return;
    case 'set-start-at-login':
      setStartAtLogin(action.enabled);
      done();
      return;
    case 'show-window':
      void showWindow();
      return;
    case 'quit':
      app.quit();
  }
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  serveApp(session.defaultSession, RENDERER_DIR);
  // Flags are picked out by name; the app path and Chromium switches in argv are ignored.
  engine = await createShellEngine({ argv: process.argv.slice(1) });
  const e = engine;
  cleanups.push(registerApiIpc(ipcMain, e.handlers, (url) => isAppUrl(location, url)));
  cleanups.push(forwardEvents(e.subscribe.bind(e), () => (win && !win.isDestroyed() ? win.webContents : null)));
  tray = new TrayController({ handlers: e.handlers, iconPath: trayIcon(), onAction: onTrayAction, startAtLogin: getStartAtLogin });
  cleanups.push(
    e.subscribe(
      (msg) => {
        if (msg.event === 'routes.changed' || msg.event === 'recording.state') tray?.refresh();
      },
      // The tray never needs exchange events built for it.
      () => false,
    ),
  );
  if (!START_HIDDEN) await showWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another Gatehouse window is running: it shows itself (second-instance below).
  app.quit();
} else {
  app.on('second-instance', () => void showWindow());
  app.on('activate', () => void showWindow());
  // Keep running in the tray when the last window closes.
  app.on('window-all-closed', () => {});
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.on('before-quit', (event) => {
    quitting = true;
    if (!engine) return;
    // Stop the engine first (listeners closed, config flushed), then really quit.
    event.preventDefault();
    const e = engine;
    engine = null;
    for (const off of cleanups.splice(0)) off();
    tray?.destroy();
    tray = null;
    e.stop()
      .catch((err: Error) => console.error(`gatehouse: stopping the engine failed: ${err.message}`))
      .finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((err: Error) => {
      console.error(`gatehouse: could not start: ${err.message}`);
      dialog.showErrorBox('Gatehouse could not start', err.message);
      app.exit(1);
    });
}
