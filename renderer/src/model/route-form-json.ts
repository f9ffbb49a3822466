import type { HeaderRulesConfig, PathRewriteConfig } from '../../../shared/config';
import type { Checked } from './route-form-values';

/**
 * The route form's two JSON boxes, header rules and path rewrite: parsed and
 * checked against the shapes of shared/config.schema.json (route.headers,
 * definitions.headerOps, route.rewrite), with a message that names the place
 * and says what to write. Pure.
 */
const HEADERS_EXAMPLE = '{"response": {"set": {"X-Dev": "1"}}, "request": {"remove": ["Cookie"]}}';
const REWRITE_EXAMPLE = '{"prefix": "/old", "to": "/new"}';

export function checkHeaderRulesJson(text: string): Checked<HeaderRulesConfig> {
  const v = parseJson(text);
  if ('error' in v) return v;
  const problem = headerRulesProblem(v.value);
  return problem ? { error: problem } : { value: v.value as HeaderRulesConfig };
}

export function checkRewriteJson(text: string): Checked<PathRewriteConfig> {
  const v = parseJson(text);
  if ('error' in v) return v;
  const problem = rewriteProblem(v.value);
  return problem ? { error: problem } : { value: v.value as PathRewriteConfig };
}

function parseJson(text: string): Checked<unknown> {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: `Not valid JSON: ${(err as Error).message}` };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKey(v: Record<string, unknown>, allowed: readonly string[], where: string): string | null {
  const extra = Object.keys(v).find((k) => !allowed.includes(k));
  return extra === undefined ? null : `${where}: unknown field "${extra}"; use ${allowed.map((k) => `"${k}"`).join(', ')}`;
}

function headerRulesProblem(v: unknown): string | null {
  if (!isObject(v)) return `Write an object, e.g. ${HEADERS_EXAMPLE}`;
  const extra = unknownKey(v, ['request', 'response'], 'headers');
  if (extra) return extra;
  for (const side of ['request', 'response'] as const) {
    if (v[side] === undefined) continue;
    const problem = headerOpsProblem(v[side], `headers.${side}`);
    if (problem) return problem;
  }
  return null;
}

function headerOpsProblem(v: unknown, where: string): string | null {
  if (!isObject(v)) return `${where} must be an object with "set", "add" and/or "remove", e.g. {"set": {"X-Dev": "1"}}`;
  const extra = unknownKey(v, ['set', 'add', 'remove'], where);
  if (extra) return extra;
  for (const op of ['set', 'add'] as const) {
    const map = v[op];
    if (map === undefined) continue;
    if (!isObject(map)) return `${where}.${op} must be an object of header names to values, e.g. {"X-Dev": "1"}`;
    const bad = Object.entries(map).find(([, value]) => typeof value !== 'string');
    if (bad) return `${where}.${op}."${bad[0]}" must be a string (found ${JSON.stringify(bad[1])}); quote it, e.g. "${String(bad[1])}"`;
  }
  const remove = v.remove;
  if (remove !== undefined && (!Array.isArray(remove) || remove.some((n) => typeof n !== 'string' || n === ''))) {
    return `${where}.remove must be a list of header names, e.g. ["Cookie", "X-Debug"]`;
  }
  return null;
}

function rewriteProblem(v: unknown): string | null {
  if (!isObject(v)) return `Write an object, e.g. ${REWRITE_EXAMPLE}`;
  const extra = unknownKey(v, ['prefix', 'regex', 'to'], 'rewrite');
  if (extra) return extra;
  if (v.prefix !== undefined && v.regex !== undefined) return 'rewrite takes "prefix" or "regex", not both';
  if (v.prefix === undefined && v.regex === undefined) return `rewrite needs "prefix" or "regex", e.g. ${REWRITE_EXAMPLE}`;
  if (v.prefix !== undefined && (typeof v.prefix !== 'string' || !v.prefix.startsWith('/'))) return 'rewrite.prefix must be a path starting with "/", e.g. "/old"';
  if (v.regex !== undefined) {
    if (typeof v.regex !== 'string' || v.regex === '') return 'rewrite.regex must be a regular expression as a string, e.g. "^/u/(\\\\d+)$"';
    try {
      new RegExp(v.regex);
    } catch (err) {
      return `rewrite.regex is not a valid regular expression: ${(err as Error).message}`;
    }
  }
  if (v.to === undefined) return `rewrite needs "to": the path to write instead, e.g. ${REWRITE_EXAMPLE}`;
  if (typeof v.to !== 'string') return 'rewrite.to must be a string, e.g. "/new"';
  return null;
}
