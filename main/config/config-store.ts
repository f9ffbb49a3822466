import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, type GatehouseConfig, type RouteConfig } from '../../shared/config';
import { createFileExclusive, describeFileError, FileAccessError, writeFileAtomic } from './atomic-file';
import { ConfigError } from './config-error';
import { parseConfigText } from './config-parse';
import { configSchemaText } from './config-schema';
import { SCHEMA_FILE_NAME } from './paths';
import * as edits from './route-edits';
import type { ConfigSettings, EditResult } from './route-edits';

/**
 * The config file on disk: first-run creation, reading, and edits.
 *
 * Rules every write follows:
 * - writes are atomic (temp file in the same directory, fsync, rename; mode kept);
 * - an edit re-reads the file first and refuses to write when it does not parse
 *   (the file is left exactly as it was, and the error says where it is broken);
 * - the file is read once more immediately before the rename, and if it changed
 *   meanwhile (a hand edit, another Gatehouse) the edit is redone on the new text,
 *   so a concurrent edit is never lost.
 */
export interface LoadedConfig {
  file: string;
  text: string;
  config: GatehouseConfig;
  /** True when this call created the file (first run). */
  created: boolean;
}

const EDIT_ATTEMPTS = 5;

export function defaultConfigText(): string {
  return `${JSON.stringify(defaultConfig(), null, 2)}\n`;
}

export class ConfigStore {
  constructor(readonly file: string) {}

  /** Where the JSON Schema copy lives (referenced by "$schema": "./gatehouse.schema.json"). */
  get schemaFile(): string {
    return path.join(path.dirname(this.file), SCHEMA_FILE_NAME);
  }

  /**
   * Reads and validates the file, creating the default config (and the schema
   * copy beside it) when it does not exist. Throws ConfigError CONFIG_INVALID
   * with located issues when the file is not valid.
   */
  async load(): Promise<LoadedConfig> {
    const created = await this.createIfMissing();
    const text = await this.readText();
    if (!created) await this.refreshSchemaCopy();
    const result = parseConfigText(text, this.file);
    if (!result.ok) throw ConfigError.invalid(this.file, result.issues, 'fix it and try again');
    return { file: this.file, text, config: result.config, created };
  }

  /**
   * Reads and validates the file without creating anything. A missing file is
   * ConfigError CONFIG_MISSING, whose message says how to create it.
   */
  async read(): Promise<{ text: string; config: GatehouseConfig }> {
    const text = await this.readText();
    const result = parseConfigText(text, this.file);
    if (!result.ok) throw ConfigError.invalid(this.file, result.issues, 'fix it and try again');
    return { text, config: result.config };
  }

  /**
   * For commands that only read settings (the CA's suffixes, DNS ports): the
   * file's config, or the defaults `gatehouse start` would write when there is
   * no file yet — never creating it. `missing` says which it was.
   */
  async readOrDefaults(): Promise<{ config: GatehouseConfig; missing: boolean }> {
    try {
      return { config: (await this.read()).config, missing: false };
    } catch (err) {
      if (err instanceof ConfigError && err.code === 'CONFIG_MISSING') return { config: defaultConfig(), missing: true };
      throw err;
    }
  }

  addRoute(route: RouteConfig): Promise<RouteConfig> {
    return this.edit((text, config) => edits.addRoute(text, config, route), 'route not added');
  }

  removeRoute(ref: string): Promise<RouteConfig> {
    return this.edit((text, config) => edits.removeRoute(text, config, ref), 'route not removed');
  }

  /** Sets enabled, or flips it when `enabled` is undefined; returns the route as it now is. */
  setRouteEnabled(ref: string, enabled?: boolean): Promise<RouteConfig> {
    return this.edit((text, config) => edits.setRouteEnabled(text, config, ref, enabled), 'route not changed');
  }

  updateRoute(ref: string, route: RouteConfig): Promise<RouteConfig> {
    return this.edit((text, config) => edits.updateRoute(text, config, ref, route), 'route not changed');
  }

  /** Merges top-level settings; returns the settings now in the file. */
  async updateSettings(settings: Partial<ConfigSettings>): Promise<ConfigSettings> {
    await this.edit((text) => edits.updateSettings(text, settings), 'settings not changed');
    const { config } = await this.read();
    const { routes: _routes, $schema: _schema, ...rest } = config;
    return rest;
  }

  /**
   * Applies `change` to the current file. Refuses (ConfigError, file untouched)
   * when the file is missing (CONFIG_MISSING: never recreated with the defaults
   * here), is invalid, or the result would be; redoes the change
   * when the file changes between reading and writing.
   */
  async edit<T>(change: (text: string, config: GatehouseConfig) => EditResult<T>, what: string): Promise<T> {
    for (let attempt = 0; attempt < EDIT_ATTEMPTS; attempt++) {
      const before = await this.readText();
      const current = parseConfigText(before, this.file);
      if (!current.ok) {
        throw ConfigError.invalid(this.file, current.issues, `${what}; the file was left as it is — fix it first`);
      }
      const { text, value } = change(before, current.config);
      if (text === before) return value;
      const next = parseConfigText(text, this.file);
      if (!next.ok) {
        const reasons = next.issues.map((i) => `${i.field}: ${i.reason}`);
        throw new ConfigError('CONFIG_INVALID', `${what}: ${reasons.join('; ')}`, next.issues);
      }
      if ((await this.readText()) !== before) continue; // changed under us: redo on the new text
      await this.write(text);
      return value;
    }
    throw new ConfigError('CONFIG_BUSY', `${what}: ${this.file} kept changing while Gatehouse tried to edit it; try again`);
  }

  private async readText(): Promise<string> {
    try {
      return await fs.promises.readFile(this.file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw new ConfigError(
          'CONFIG_MISSING',
          `the config file ${this.file} does not exist; \`gatehouse start\` or \`gatehouse route add\` creates it`,
          [],
          { cause: err },
        );
      }
      throw new ConfigError('CONFIG_IO', `cannot read the config file ${this.file}: ${describeFileError(err, this.file, 'read')}`, [], { cause: err });
    }
  }

  private async write(text: string): Promise<void> {
    // A file made read-only is the user saying "not this one": an atomic write would replace it anyway
    // (the rename needs only the folder to be writable), so refuse before writing.
    const mode = (await fs.promises.stat(this.file).catch(() => undefined))?.mode;
    if (mode !== undefined && (mode & 0o200) === 0) {
      throw new ConfigError(
        'CONFIG_READ_ONLY',
        `the config file ${this.file} is read-only (mode ${(mode & 0o777).toString(8).padStart(4, '0')}), so Gatehouse leaves it as it is; ` +
          `make it writable (\`chmod u+w ${this.file}\`) to change routes with gatehouse`,
      );
    }
    try {
      await writeFileAtomic(this.file, text);
    } catch (err) {
      throw new ConfigError('CONFIG_IO', `cannot write the config file ${this.file}: ${reasonOf(err, this.file)}`, [], { cause: err });
    }
  }

  /**
   * First run: the directory, the default config and the schema copy. Returns true
   * when it created the file. Only `gatehouse start` (through load()) and
   * `gatehouse route add` create the file; every other command and every edit
   * refuses a missing file (CONFIG_MISSING) rather than write the defaults over
   * what a running Gatehouse still serves.
   */
  async createIfMissing(): Promise<boolean> {
    if (fs.existsSync(this.file)) return false;
    try {
      await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
      const created = await createFileExclusive(this.file, defaultConfigText());
      if (created) await writeFileAtomic(this.schemaFile, configSchemaText());
      return created;
    } catch (err) {
      throw new ConfigError('CONFIG_IO', `cannot create the config file ${this.file}: ${reasonOf(err, this.file)}`, [], { cause: err });
    }
  }

  /** Keeps an existing schema copy in step with this version of Gatehouse (it is ours, never the user's). */
  private async refreshSchemaCopy(): Promise<void> {
    try {
      const current = await fs.promises.readFile(this.schemaFile, 'utf8');
      if (current !== configSchemaText()) await writeFileAtomic(this.schemaFile, configSchemaText());
    } catch {
      // No copy (the user keeps the config elsewhere) or not writable: nothing to refresh.
    }
  }
}

/** The user-facing reason of a failed write (FileAccessError already has it; mkdir errors are described here). */
function reasonOf(err: unknown, file: string): string {
  return err instanceof FileAccessError ? err.reason : describeFileError(err, file, 'write');
}
