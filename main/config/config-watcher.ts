import * as fs from 'node:fs';
import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { ConfigIssue, GatehouseConfig } from '../../shared/config';
import { parseConfigText } from './config-parse';

/**
 * Watches the config file and reports each settled change: a valid config, or
 * the located issues of an invalid one (the caller keeps its last good config).
 *
 * The file's directory is watched rather than the file, so saves that replace
 * the file (write-temp-then-rename, as many editors and Gatehouse itself do) and
 * a delete followed by a re-create are all seen. Events are debounced; content
 * identical to what was last seen is ignored, and so is a valid edit that
 * changes only formatting.
 */
export type ConfigWatchEvent =
  | { type: 'changed'; config: GatehouseConfig; text: string }
  | { type: 'invalid'; issues: ConfigIssue[] }
  /** The file was deleted (or cannot be read); the last good config stays in effect. */
  | { type: 'missing'; reason: string };

export interface ConfigWatcherOptions {
  /** The text the caller already loaded: a first event with the same content is not reported. */
  initialText?: string;
  debounceMs?: number;
  onEvent(event: ConfigWatchEvent): void;
}

export interface ConfigWatcher {
  readonly file: string;
  /** The owner wrote and applied this text itself: later edits are compared against it. */
  accept(text: string): void;
  close(): Promise<void>;
}

const DEFAULT_DEBOUNCE_MS = 100;

/** Resolves once the watch is established, so an edit made after it is never missed. */
export async function watchConfig(file: string, options: ConfigWatcherOptions): Promise<ConfigWatcher> {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;

  let lastText: string | null = options.initialText ?? null;
  let lastGood: string | null = null; // canonical JSON of the last valid config reported or given
  let state: 'good' | 'invalid' | 'missing' = 'good';
  if (options.initialText !== undefined) {
    const initial = parseConfigText(options.initialText, target);
    if (initial.ok) lastGood = JSON.stringify(initial.config);
    else state = 'invalid';
  }

  let timer: NodeJS.Timeout | undefined;
  // Bumped by accept(): a read that began before Gatehouse's own write is stale.
  let accepted = 0;
  let checking = false;
  let again = false;
  let closed = false;

  const report = (event: ConfigWatchEvent) => {
    if (closed) return;
    try {
      options.onEvent(event);
    } catch {
      // A listener's failure must not stop the watch.
    }
  };

  const check = async (): Promise<void> => {
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    try {
      do {
        again = false;
        await checkOnce();
      } while (again && !closed);
    } finally {
      checking = false;
    }
  };

  const checkOnce = async (): Promise<void> => {
    const acceptedBefore = accepted;
    let text: string;
    try {
      text = await fs.promises.readFile(target, 'utf8');
    } catch (err) {
      if (state !== 'missing') {
        state = 'missing';
        lastText = null;
        const code = (err as NodeJS.ErrnoException).code;
        report({ type: 'missing', reason: code === 'ENOENT' ? `${target} was deleted` : `${target} cannot be read: ${(err as Error).message}` });
      }
      return;
    }
    if (accepted !== acceptedBefore) {
      // Gatehouse wrote and applied the file while this read was under way: what was
      // read may be older than what is running now. Look again rather than go back.
      again = true;
      return;
    }
    if (text === lastText) return;
    lastText = text;
    const result = parseConfigText(text, target);
    if (!result.ok) {
      state = 'invalid';
      report({ type: 'invalid', issues: result.issues });
      return;
    }
    const canonical = JSON.stringify(result.config);
    if (state === 'good' && canonical === lastGood) return; // formatting-only edit
    state = 'good';
    lastGood = canonical;
    report({ type: 'changed', config: result.config, text });
  };

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void check(), debounceMs);
  };

  const watcher: FSWatcher = watch(dir, {
    depth: 0,
    ignoreInitial: true,
    ignored: (p: string) => {
      const abs = path.resolve(p);
      return abs !== dir && abs !== target;
    },
  });
  watcher.on('all', (_event, p) => {
    if (typeof p === 'string' && path.resolve(p) === target) schedule();
  });
  watcher.on('error', () => schedule());

  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  // A change between the caller's read and the watch being ready is caught here.
  schedule();

  return {
    file: target,
    accept(text: string) {
      accepted++;
      const parsed = parseConfigText(text, target);
      if (!parsed.ok) return;
      lastText = text;
      lastGood = JSON.stringify(parsed.config);
      state = 'good';
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
