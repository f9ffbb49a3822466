import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANCHOR_FILE_PREFIX } from './trust-store';

/** Small read-only helpers for stores that keep the root as a file in an anchors directory. */

export function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

export function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Gatehouse's files (current and older roots) in an anchors directory, by extension. */
export function gatehouseAnchors(dir: string, ext: string): string[] {
  return listDir(dir)
    .filter((n) => n.startsWith(ANCHOR_FILE_PREFIX) && n.endsWith(ext))
    .map((n) => path.join(dir, n));
}
