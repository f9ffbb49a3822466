import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { resolvePaths, type PathInputs } from '../../main/config/paths';

const linux: PathInputs = { platform: 'linux', env: {}, homedir: '/home/dev', cwd: '/work' };

test('Linux: XDG defaults under the home directory', () => {
  assert.deepEqual(resolvePaths(linux), {
    configFile: '/home/dev/.config/gatehouse/config.json',
    configSource: 'default',
    dataDir: '/home/dev/.local/share/gatehouse',
    dataDirSource: 'default',
  });
});

test('Linux: XDG_CONFIG_HOME and XDG_DATA_HOME are honoured, relative values ignored as the spec says', () => {
  const p = resolvePaths({ ...linux, env: { XDG_CONFIG_HOME: '/cfg', XDG_DATA_HOME: '/data' } });
  assert.equal(p.configFile, '/cfg/gatehouse/config.json');
  assert.equal(p.dataDir, '/data/gatehouse');
  const rel = resolvePaths({ ...linux, env: { XDG_CONFIG_HOME: 'rel/cfg', XDG_DATA_HOME: '' } });
  assert.equal(rel.configFile, '/home/dev/.config/gatehouse/config.json');
  assert.equal(rel.dataDir, '/home/dev/.local/share/gatehouse');
});

test('macOS: Application Support for both', () => {
  const p = resolvePaths({ ...linux, platform: 'darwin', homedir: '/Users/dev', env: { XDG_CONFIG_HOME: '/ignored' } });
  assert.equal(p.configFile, '/Users/dev/Library/Application Support/Gatehouse/config.json');
  assert.equal(p.dataDir, '/Users/dev/Library/Application Support/Gatehouse');
});

test('Windows: %APPDATA% for config, %LOCALAPPDATA% for data, with fallbacks under the profile', () => {
  const win: PathInputs = {
    platform: 'win32',
    homedir: 'C:\\Users\\dev',
    cwd: 'C:\\work',
    env: { APPDATA: 'C:\\Users\\dev\\AppData\\Roaming', LOCALAPPDATA: 'D:\\Local' },
  };
  const p = resolvePaths(win);
  assert.equal(p.configFile, 'C:\\Users\\dev\\AppData\\Roaming\\Gatehouse\\config.json');
  assert.equal(p.dataDir, 'D:\\Local\\Gatehouse');
  const bare = resolvePaths({ ...win, env: {} });
  assert.equal(bare.configFile, 'C:\\Users\\dev\\AppData\\Roaming\\Gatehouse\\config.json');
  assert.equal(bare.dataDir, 'C:\\Users\\dev\\AppData\\Local\\Gatehouse');
});

test('GATEHOUSE_CONFIG / GATEHOUSE_HOME override the defaults; flags override both; relative paths resolve against cwd', () => {
  const env = { GATEHOUSE_CONFIG: 'conf/gh.json', GATEHOUSE_HOME: '/state/gh', XDG_CONFIG_HOME: '/cfg' };
  const fromEnv = resolvePaths({ ...linux, env });
  assert.deepEqual(fromEnv, { configFile: '/work/conf/gh.json', configSource: 'env', dataDir: '/state/gh', dataDirSource: 'env' });
  const fromFlags = resolvePaths({ ...linux, env, configFlag: '/x/config.json', dataDirFlag: 'state' });
  assert.deepEqual(fromFlags, { configFile: '/x/config.json', configSource: 'flag', dataDir: '/work/state', dataDirSource: 'flag' });
  const winFlag = resolvePaths({ platform: 'win32', env: {}, homedir: 'C:\\Users\\dev', cwd: 'C:\\work', configFlag: 'gh.json' });
  assert.equal(winFlag.configFile, 'C:\\work\\gh.json');
});
