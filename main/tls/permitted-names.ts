import { BUILTIN_SUFFIXES } from '../../shared/config';

/**
 * The DNS suffixes Gatehouse answers for and its CA may issue under: always
 * `test` and `localhost`, plus the config's extra suffixes. Pure helpers.
 */

const LABEL_RE = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** Lower-cases a host name and drops one trailing dot ("App.Test." → "app.test"). */
export function normalizeHostName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** True for a syntactically valid DNS name (LDH labels, ≤ 253 chars); wildcards are not names. */
export function isValidHostName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => LABEL_RE.test(label));
}

/** Normalises one configured suffix: "*.Internal." / ".internal" → "internal". Undefined when invalid. */
export function normalizeSuffix(suffix: string): string | undefined {
  let s = normalizeHostName(suffix.trim());
  if (s.startsWith('*.')) s = s.slice(2);
  while (s.startsWith('.')) s = s.slice(1);
  return isValidHostName(s) ? s : undefined;
}

/** Built-in suffixes first, then the configured ones, normalised and without duplicates. */
export function permittedSuffixes(extra: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const raw of [...BUILTIN_SUFFIXES, ...(extra ?? [])]) {
    const s = normalizeSuffix(raw);
    if (s !== undefined && !out.includes(s)) out.push(s);
  }
  return out;
}

/** The suffix a name falls under (the name itself or a parent domain), or undefined. */
export function matchingSuffix(name: string, suffixes: readonly string[]): string | undefined {
  const n = normalizeHostName(name);
  return suffixes.find((s) => n === s || n.endsWith(`.${s}`));
}

/** True when two suffix lists permit the same names (order and duplicates ignored). */
export function sameSuffixSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = [...new Set(a)].sort();
  const sb = [...new Set(b)].sort();
  return sa.length === sb.length && sa.every((s, i) => s === sb[i]);
}
