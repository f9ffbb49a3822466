import type { HeaderOpsConfig } from '../../../shared/config';
import type { RawHeaders } from '../../../shared/http-types';

/** Values a header rule's placeholders are filled from. */
export interface PlaceholderValues {
  readonly remoteAddr: string;
  readonly host: string;
  readonly scheme: string;
  readonly route: string;
}

/** Header operations compiled once per route: lower-cased names, placeholders detected. */
export interface CompiledHeaderOps {
  readonly remove: ReadonlySet<string>;
  readonly set: readonly (readonly [name: string, value: string, templated: boolean])[];
  readonly add: readonly (readonly [name: string, value: string, templated: boolean])[];
  /** "set X-Env; remove X-Debug" — what the recorder's note says. */
  readonly summary: string;
}

const PLACEHOLDER_RE = /\{(remote_addr|host|scheme|route)\}/g;

function entries(map: Record<string, string> | undefined): (readonly [string, string, boolean])[] {
  return Object.entries(map ?? {}).map(([n, v]) => [n, v, v.includes('{')] as const);
}

/** Compiles a route's header ops; undefined when there is nothing to do (the hot path skips it). */
export function compileHeaderOps(ops: HeaderOpsConfig | undefined): CompiledHeaderOps | undefined {
  if (!ops) return undefined;
  const set = entries(ops.set);
  const add = entries(ops.add);
  const removeList = ops.remove ?? [];
  if (set.length === 0 && add.length === 0 && removeList.length === 0) return undefined;
  const parts: string[] = [];
  if (removeList.length) parts.push(`remove ${removeList.join(', ')}`);
  if (set.length) parts.push(`set ${set.map(([n]) => n).join(', ')}`);
  if (add.length) parts.push(`add ${add.map(([n]) => n).join(', ')}`);
  return {
    remove: new Set(removeList.map((n) => n.toLowerCase())),
    set,
    add,
    summary: parts.join('; '),
  };
}

/** Fills {remote_addr}, {host}, {scheme}, {route}; unknown braces are left as written. */
export function fillPlaceholders(template: string, values: PlaceholderValues): string {
  return template.replace(PLACEHOLDER_RE, (_m, key: string) => {
    switch (key) {
      case 'remote_addr':
        return values.remoteAddr;
      case 'host':
        return values.host;
      case 'scheme':
        return values.scheme;
      default:
        return values.route;
    }
  });
}

/**
 * Applies compiled ops to raw header pairs (never mutating them): removes, then
 * set (replacing every header of that name, at the first one's position), then add.
 * Values containing CR/LF after substitution are dropped (no header injection).
 */
export function applyHeaderOps(headers: RawHeaders, ops: CompiledHeaderOps, values: PlaceholderValues): RawHeaders {
  const setNames = new Map<string, readonly [string, string, boolean]>();
  for (const e of ops.set) setNames.set(e[0].toLowerCase(), e);
  const out: RawHeaders = [];
  const placed = new Set<string>();
  for (const pair of headers) {
    const lower = pair[0].toLowerCase();
    if (ops.remove.has(lower) && !setNames.has(lower)) continue;
    const rule = setNames.get(lower);
    if (rule) {
      if (!placed.has(lower)) {
        placed.add(lower);
        pushValue(out, rule, values);
      }
      continue;
    }
    out.push(pair);
  }
  for (const rule of ops.set) if (!placed.has(rule[0].toLowerCase())) pushValue(out, rule, values);
  for (const rule of ops.add) pushValue(out, rule, values);
  return out;
}

function pushValue(out: RawHeaders, rule: readonly [string, string, boolean], values: PlaceholderValues): void {
  const value = rule[2] ? fillPlaceholders(rule[1], values) : rule[1];
  if (/[\r\n\0]/.test(value)) return;
  out.push([rule[0], value]);
}
