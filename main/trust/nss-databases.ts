import * as fs from 'node:fs';
import * as path from 'node:path';
import { listDir } from './anchor-files';
import type { SystemContext } from './system-context';

/**
 * Where NSS certificate databases live: Chrome/Chromium's shared database on
 * Linux (plus the snap and flatpak variants) and every Firefox profile
 * (native, snap, flatpak; macOS too). Only databases that exist are returned,
 * except Chrome's default one, offered for creation when a Chrome/Chromium
 * binary is installed but has not made it yet.
 */

export interface NssDatabase {
  dir: string;
  /** sql: (cert9.db) or the legacy dbm: (cert8.db). */
  kind: 'sql' | 'dbm';
  label: string;
  /** Does not exist yet; installing creates it (certutil -N). */
  create?: boolean;
}

const CHROME_BINARIES = ['google-chrome', 'google-chrome-stable', 'chromium', 'chromium-browser', 'brave-browser', 'microsoft-edge'];

function kindOf(dir: string): 'sql' | 'dbm' | undefined {
  if (fs.existsSync(path.join(dir, 'cert9.db'))) return 'sql';
  if (fs.existsSync(path.join(dir, 'cert8.db'))) return 'dbm';
  return undefined;
}

function tilde(ctx: SystemContext, dir: string): string {
  return dir.startsWith(ctx.homeDir + path.sep) ? `~${dir.slice(ctx.homeDir.length)}` : dir;
}

export function findNssDatabases(ctx: SystemContext): NssDatabase[] {
  const home = ctx.homeDir;
  const out: NssDatabase[] = [];
  const add = (dir: string, what: string) => {
    const kind = kindOf(dir);
    if (kind && !out.some((d) => d.dir === dir)) out.push({ dir, kind, label: `${what} (${tilde(ctx, dir)})` });
  };

  if (ctx.platform === 'linux') {
    const chromeDbs = [
      path.join(home, '.pki', 'nssdb'),
      path.join(home, '.local', 'share', 'pki', 'nssdb'),
    ];
    chromeDbs.forEach((d) => add(d, 'Chrome/Chromium NSS database'));
    add(path.join(home, 'snap', 'chromium', 'current', '.pki', 'nssdb'), 'Chromium (snap) NSS database');
    add(path.join(home, '.var', 'app', 'org.chromium.Chromium', '.pki', 'nssdb'), 'Chromium (flatpak) NSS database');
    if (!chromeDbs.some((d) => out.some((o) => o.dir === d)) && CHROME_BINARIES.some((b) => ctx.hasProgram(b))) {
      out.push({ dir: chromeDbs[0]!, kind: 'sql', label: `Chrome/Chromium NSS database (${tilde(ctx, chromeDbs[0]!)})`, create: true });
    }
  }

  const firefoxRoots =
    ctx.platform === 'darwin'
      ? [path.join(home, 'Library', 'Application Support', 'Firefox', 'Profiles')]
      : ctx.platform === 'linux'
        ? [
            path.join(home, '.mozilla', 'firefox'),
            path.join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
            path.join(home, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox'),
          ]
        : [];
  for (const root of firefoxRoots) {
    for (const profile of listDir(root).sort()) add(path.join(root, profile), `Firefox profile ${profile}`);
  }
  return out;
}
