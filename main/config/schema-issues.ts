import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { ConfigIssueDetail } from '../../shared/config';
import type { Anchor } from './json-document';
import { configSchema } from './config-schema';

/**
 * Validates a parsed config against shared/config.schema.json and turns ajv's
 * errors into one plain sentence per field. ajv reports every failed branch of
 * a oneOf ("must be string", "must be object", "must match exactly one schema
 * in oneOf"); here a oneOf is resolved by the value's type and only the branch
 * the user evidently meant is explained.
 */
export interface SchemaIssue {
  /** JSON pointer of the field. */
  field: string;
  /** Where in the file to point: the value, the field's key, or the enclosing object. */
  anchor: Anchor;
  reason: string;
  /** The problem as data, where a program may want to word it itself (see ConfigIssue.detail). */
  detail?: ConfigIssueDetail;
}

type Schema = Record<string, unknown>;

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
let rootValidator: ValidateFunction | undefined;
const definitions = (configSchema.definitions ?? {}) as Record<string, Schema>;
const branchValidators = new WeakMap<Schema, ValidateFunction>();

const PATTERN = {
  host: (definitions.route?.properties as Record<string, Schema> | undefined)?.host?.pattern,
  path: (definitions.route?.properties as Record<string, Schema> | undefined)?.path?.pattern,
  targetUrl: definitions.targetUrl?.pattern,
  duration: ((definitions.duration?.oneOf as Schema[] | undefined) ?? []).find((b) => b.type === 'string')?.pattern,
};

export function schemaIssues(value: unknown): SchemaIssue[] {
  rootValidator ??= ajv.compile(configSchema);
  if (rootValidator(value)) return [];
  return explain(rootValidator.errors ?? [], value);
}

function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/definitions/')) {
    const target = definitions[ref.slice('#/definitions/'.length)];
    if (target) return resolve(target);
  }
  return schema;
}

function branchValidator(branch: Schema): ValidateFunction {
  let v = branchValidators.get(branch);
  if (!v) {
    v = ajv.compile({ definitions, ...branch });
    branchValidators.set(branch, v);
  }
  return v;
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let v: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(schema: Schema, v: unknown): boolean {
  const t = schema.type;
  if (t === undefined) return true;
  const types = Array.isArray(t) ? (t as string[]) : [t as string];
  const actual = jsonType(v);
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

function isUnder(pointer: string, base: string): boolean {
  return pointer === base || pointer.startsWith(`${base}/`);
}

function isRequiredOnly(schema: Schema): boolean {
  return Object.keys(schema).every((k) => k === 'required') && Array.isArray(schema.required);
}

function explain(errors: readonly ErrorObject[], value: unknown): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  const handled = new Set<ErrorObject>();
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf').sort((a, b) => a.instancePath.length - b.instancePath.length);

  for (const o of oneOfs) {
    if (handled.has(o)) continue;
    handled.add(o);
    const at = o.instancePath;
    const v = valueAt(value, at);
    const branches = ((o.schema as Schema[] | undefined) ?? []).map(resolve);
    const parent = (o.parentSchema ?? {}) as Schema;

    if (branches.length > 0 && branches.every(isRequiredOnly)) {
      // "exactly one of these fields": route target / targets.
      for (const e of errors) {
        if (e.instancePath === at && e.keyword === 'required' && /\/oneOf\/\d+\/required$/.test(e.schemaPath)) handled.add(e);
      }
      out.push({ field: at, anchor: 'value', reason: exactlyOneOfReason(branches, v) });
      continue;
    }

    const exclusive = Object.keys(parent).every((k) => ['oneOf', 'description', 'title', '$comment'].includes(k));
    if (!exclusive) {
      out.push({ field: at, anchor: 'value', reason: 'does not match any of the allowed forms' });
      continue;
    }
    // Everything at or under this value came from one of the branches.
    for (const e of errors) if (isUnder(e.instancePath, at)) handled.add(e);
    const compatible = branches.filter((b) => typeMatches(b, v));
    if (compatible.length === 1) {
      const validate = branchValidator(compatible[0]!);
      if (!validate(v)) {
        for (const issue of explain(validate.errors ?? [], v)) out.push({ ...issue, field: at + issue.field });
        continue;
      }
    }
    const types = [...new Set(branches.map((b) => typeName(String(b.type ?? 'value'))))];
    const description = typeof parent.description === 'string' ? `. ${parent.description.replace(/\.$/, '')}` : '';
    out.push({ field: at, anchor: 'value', reason: `must be ${types.join(' or ')} (found ${describe(v)})${description}` });
  }

  for (const e of errors) {
    if (handled.has(e)) continue;
    out.push(describeError(e, valueAt(value, e.instancePath)));
  }
  return dedupe(out);
}

function exactlyOneOfReason(branches: Schema[], v: unknown): string {
  const names = branches.flatMap((b) => b.required as string[]);
  const present = v && typeof v === 'object' ? names.filter((n) => n in (v as object)) : [];
  const quoted = names.map((n) => `"${n}"`);
  if (present.length > 1) return `use either ${quoted.join(' or ')}, not both`;
  if (names.includes('target') && names.includes('targets')) {
    return 'a route needs "target" (one URL, e.g. "http://127.0.0.1:3000") or "targets" (a list of URLs)';
  }
  return `needs exactly one of ${quoted.join(', ')}`;
}

function typeName(t: string): string {
  switch (t) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list [...]';
    case 'object':
      return 'an object {...}';
    case 'null':
      return 'null';
    default:
      return t;
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function lastSegment(pointer: string): string {
  return pointer.slice(pointer.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
}

function describeError(e: ErrorObject, v: unknown): SchemaIssue {
  const at = e.instancePath;
  const p = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Schema;
  switch (e.keyword) {
    case 'required': {
      const name = String(p.missingProperty);
      const hint = name === 'host' ? ' (e.g. "app.test")' : name === 'routes' ? ' (a list of routes; [] for none)' : '';
      return { field: `${at}/${name}`, anchor: 'parent', reason: `missing required field "${name}"${hint}` };
    }
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const known = Object.keys((parent.properties ?? {}) as Schema);
      const guess = closest(name, known);
      const hint = guess ? `; did you mean "${guess}"?` : known.length ? `; known fields: ${known.join(', ')}` : '';
      return { field: `${at}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, anchor: 'key', reason: `unknown field "${name}"${hint}` };
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String).join(', ');
      if (lastSegment(at) === 'balance') {
        return { field: at, anchor: 'value', reason: `unknown balance policy ${JSON.stringify(v)}; use one of ${allowed}` };
      }
      return { field: at, anchor: 'value', reason: `${JSON.stringify(v)} is not allowed here; use one of ${allowed}` };
    }
    case 'type':
      return { field: at, anchor: 'value', reason: `must be ${typeName(String(p.type))} (found ${describe(v)})` };
    case 'pattern':
      return { field: at, anchor: 'value', reason: patternReason(String(p.pattern), v, at) };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      if (parent.maximum === 65535) return { field: at, anchor: 'value', reason: `${JSON.stringify(v)} is not a port; use a whole number from 0 to 65535 (0 picks a free port)` };
      if (lastSegment(at) === 'weight') return { field: at, anchor: 'value', reason: 'a weight must be a number greater than 0' };
      return { field: at, anchor: 'value', reason: `must be ${String(p.comparison)} ${String(p.limit)} (found ${JSON.stringify(v)})` };
    case 'minItems':
      return { field: at, anchor: 'value', reason: p.limit === 1 ? 'must not be an empty list' : `needs at least ${String(p.limit)} items` };
    default:
      return { field: at, anchor: 'value', reason: e.message ?? 'invalid value' };
  }
}

function patternReason(pattern: string, v: unknown, at: string): string {
  const s = String(v);
  if (pattern === PATTERN.host) return hostReason(s);
  if (pattern === PATTERN.path) return `a route path starts with "/", e.g. "/${s.replace(/^\/*/, '') || 'api'}"`;
  if (pattern === PATTERN.targetUrl) {
    return `${JSON.stringify(s)} is not a target; use http://host:port, https://host:port or unix:/path/to.sock`;
  }
  if (pattern === PATTERN.duration) {
    return `${JSON.stringify(s)} is not a duration; use milliseconds (5000) or a string like "200ms", "5s", "2m", "1h"`;
  }
  if (at.startsWith('/suffixes/')) {
    return `${JSON.stringify(s)} is not a DNS suffix; use lower-case labels such as "dev" or "corp.local" (no leading dot)`;
  }
  return `${JSON.stringify(s)} does not have the expected form`;
}

/** "http://y.test:3000/x" → "y.test": the host name inside something written as a URL, or undefined. */
export function hostOfUrl(text: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(text.trim())?.[1];
}

/** Why a host name is not acceptable, and what to write instead. */
export function hostReason(host: string): string {
  if (host.trim() === '') return 'a host must not be empty; use a name such as "app.test"';
  const url = hostOfUrl(host);
  if (url) return `a host is a name, not a URL: write "${url}" and put the address in "target"`;
  if (host.includes('/')) {
    const slash = host.indexOf('/');
    return `put the path in its own field: "host": "${host.slice(0, slash)}", "path": "${host.slice(slash)}"`;
  }
  if (/:\d*$/.test(host)) return `a host has no port (routes match any port): write "${host.replace(/:\d*$/, '')}"`;
  if (host.includes('*')) return 'a wildcard may only be the whole first label, as in "*.app.test"';
  if (host.endsWith('.')) return `write the host without the trailing dot: "${host.replace(/\.+$/, '')}"`;
  return `"${host}" is not a valid host name; use letters, digits, "-" and "." (e.g. "app.test" or "*.app.test")`;
}

function closest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = name.toLowerCase() === c.toLowerCase() ? 0 : editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function dedupe(issues: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.field}\n${i.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
