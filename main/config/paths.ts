import * as path from 'node:path';

/**
 * Where Gatehouse keeps its files, as a pure function of the platform, the
 * environment and the command-line flags (so every platform is testable anywhere).
 *
 * Config file (the one file a user edits):
 *   Linux    $XDG_CONFIG_HOME/gatehouse/config.json   (default ~/.config)
 *   macOS    ~/Library/Application Support/Gatehouse/config.json
 *   Windows  %APPDATA%\Gatehouse\config.json
 *   override --config FILE, then GATEHOUSE_CONFIG
 *
 * Data directory (CA, caches, instance.json):
 *   Linux    $XDG_DATA_HOME/gatehouse                  (default ~/.local/share)
 *   macOS    ~/Library/Application Support/Gatehouse
 *   Windows  %LOCALAPPDATA%\Gatehouse
 *   override --data-dir DIR, then GATEHOUSE_HOME
 */
export interface PathInputs {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  /** Working directory, for resolving relative flags and variables. */
  cwd: string;
  /** --config FILE */
  configFlag?: string;
  /** --data-dir DIR */
  dataDirFlag?: string;
}

export type PathSource = 'flag' | 'env' | 'default';

export interface GatehousePaths {
  configFile: string;
  configSource: PathSource;
  dataDir: string;
  dataDirSource: PathSource;
}

export const CONFIG_FILE_NAME = 'config.json';
export const SCHEMA_FILE_NAME = 'gatehouse.schema.json';

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** An XDG variable counts only when it is an absolute path (the XDG spec says to ignore relative ones). */
function xdg(env: PathInputs['env'], name: string, fallback: string): string {
  const v = env[name];
  return v && path.posix.isAbsolute(v) ? v : fallback;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

export function defaultConfigDir(p: Pick<PathInputs, 'platform' | 'env' | 'homedir'>): string {
  const P = pathApi(p.platform);
  switch (p.platform) {
    case 'win32':
      return P.join(nonEmpty(p.env.APPDATA) ?? P.join(p.homedir, 'AppData', 'Roaming'), 'Gatehouse');
    case 'darwin':
      return P.join(p.homedir, 'Library', 'Application Support', 'Gatehouse');
    default:
      return P.join(xdg(p.env, 'XDG_CONFIG_HOME', P.join(p.homedir, '.config')), 'gatehouse');
  }
}

export function defaultDataDir(p: Pick<PathInputs, 'platform' | 'env' | 'homedir'>): string {
  const P = pathApi(p.platform);
  switch (p.platform) {
    case 'win32':
      return P.join(nonEmpty(p.env.LOCALAPPDATA) ?? P.join(p.homedir, 'AppData', 'Local'), 'Gatehouse');
    case 'darwin':
      return P.join(p.homedir, 'Library', 'Application Support', 'Gatehouse');
    default:
      return P.join(xdg(p.env, 'XDG_DATA_HOME', P.join(p.homedir, '.local', 'share')), 'gatehouse');
  }
}

export function resolvePaths(p: PathInputs): GatehousePaths {
  const P = pathApi(p.platform);
  const abs = (v: string) => P.resolve(p.cwd, v);

  const configFromEnv = nonEmpty(p.env.GATEHOUSE_CONFIG);
  const [configFile, configSource]: [string, PathSource] = nonEmpty(p.configFlag)
    ? [abs(p.configFlag!), 'flag']
    : configFromEnv
      ? [abs(configFromEnv), 'env']
      : [P.join(defaultConfigDir(p), CONFIG_FILE_NAME), 'default'];

  const dataFromEnv = nonEmpty(p.env.GATEHOUSE_HOME);
  const [dataDir, dataDirSource]: [string, PathSource] = nonEmpty(p.dataDirFlag)
    ? [abs(p.dataDirFlag!), 'flag']
    : dataFromEnv
      ? [abs(dataFromEnv), 'env']
      : [defaultDataDir(p), 'default'];

  return { configFile, configSource, dataDir, dataDirSource };
}
