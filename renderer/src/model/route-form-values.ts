import { durationTooLong, fileTargetPath, type DurationValue, type TargetObject } from '../../../shared/config';

/**
 * The route form's typed inputs: text as typed → a config value, or a message
 * that says how to fix it. Each check mirrors shared/config.schema.json (and the
 * engine's own checks of targets in main/config/config-semantics.ts), so the
 * form refuses what the engine would refuse. Pure.
 */
export type Checked<T> = { value: T } | { error: string };

/** The schema's string form of a duration (definitions.duration). */
const DURATION_TEXT = /^\s*\d+(\.\d+)?\s*(ms|s|m|h)?\s*$/;

/** "5000" → 5000 (milliseconds); "200ms", "5s", "2m", "1h" are kept as written. */
export function checkDuration(text: string): Checked<DurationValue> {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : DURATION_TEXT.test(text) ? text : undefined;
  if (value !== undefined) {
    const tooLong = durationTooLong(value);
    return tooLong ? { error: tooLong } : { value };
  }
  return { error: `"${text}" is not a duration; write milliseconds (5000) or a number with ms, s, m or h, e.g. 200ms, 5s, 2m` };
}

export interface NumberRule {
  integer: boolean;
  /** Smallest value allowed; with `above`, values must be greater than it. */
  min: number;
  above?: boolean;
  max?: number;
  example: string;
}

/** A plain decimal number within the rule ("1e3", "0x10" and "" are refused: the field says what it expects). */
export function checkNumber(text: string, label: string, rule: NumberRule): Checked<number> {
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  const ok = Number.isFinite(n) && (!rule.integer || Number.isInteger(n)) && (rule.above ? n > rule.min : n >= rule.min) && (rule.max === undefined || n <= rule.max);
  if (ok) return { value: n };
  return { error: `${label} must be ${describeRule(rule)}, e.g. ${rule.example} (not "${text}")` };
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'a whole number' : 'a number';
  if (rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
  return rule.above ? `${kind} greater than ${rule.min}` : `${kind}, ${rule.min} or more`;
}

export const STATUS_RULE: NumberRule = { integer: true, min: 100, max: 599, example: '200' };

/** "200" → 200; "200, 204" (or "200 204") → [200, 204]: the statuses a health check accepts. */
export function checkStatuses(text: string): Checked<number | number[]> {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    const n = checkNumber(p, 'A status', STATUS_RULE);
    if ('error' in n) return { error: `"${p}" is not an HTTP status; use whole numbers from 100 to 599, e.g. 200 or 200, 204` };
    out.push(n.value);
  }
  return { value: out.length === 1 ? out[0]! : out };
}

export type Encoding = 'br' | 'gzip';

/** "gzip,br" (the encodings select's value) → ["gzip", "br"]. */
export function checkEncodings(text: string): Checked<Encoding[]> {
  const list = text.split(',').map((s) => s.trim());
  if (list.length === 0 || list.some((e) => e !== 'br' && e !== 'gzip')) return { error: `Use br, gzip, or both in order of preference, e.g. br,gzip (not "${text}")` };
  return { value: list as Encoding[] };
}

/** Characters Node refuses in a header value (it would fail every response of the route at run time). */
const BAD_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

export function checkHeaderValue(text: string, header: string): Checked<string> {
  const bad = BAD_HEADER_CHAR.exec(text);
  if (!bad) return { value: text };
  const ch = bad[0];
  const hint = /[\u2018\u2019\u201c\u201d]/.test(ch) ? ` (a typographic quote: use a plain ' or ")` : '';
  return { error: `${header} cannot carry "${ch}"${hint}; a header value is plain text without line breaks` };
}

/** "3000" and "localhost:3000" are shorthand for http://127.0.0.1:3000 / http://localhost:3000; the scheme is lower-cased. */
export function normalizeTarget(input: string): string {
  const t = input.trim();
  if (/^\d+$/.test(t)) return `http://127.0.0.1:${t}`;
  if (/^[a-z0-9.-]+:\d+$/i.test(t) || /^\[[0-9a-f:]+\]:\d+$/i.test(t)) return `http://${t}`;
  const scheme = /^(https?:\/\/|unix:|file:)/i.exec(t)?.[0];
  return scheme ? scheme.toLowerCase() + t.slice(scheme.length) : t;
}

/** Why the engine would refuse this target URL, or null (see targetUrlProblem in main/config/config-semantics.ts). */
export function checkTarget(url: string): string | null {
  if (url.startsWith('unix:')) {
    const socket = url.slice('unix:'.length).replace(/^\/\//, '');
    return socket.startsWith('/') || /^[A-Za-z]:[\\/]/.test(socket) || socket.startsWith('\\\\') ? null : 'A unix target needs an absolute socket path, e.g. unix:/tmp/app.sock';
  }
  if (url.startsWith('file:')) return fileTargetPath(url) ? null : `"${url}" names no directory; write e.g. file:./dist`;
  const port = /^[a-z]+:\/\/(?:\[[^\]]*\]|[^/:]*):(\d+)/i.exec(url)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `"${url}": port ${port} is out of range (1–65535)`;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL — write it like http://localhost:3000`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `"${url}": only http://, https://, unix: and file: targets are supported`;
  if (u.username || u.password) return `"${url}": a target cannot carry a user name or password`;
  if (u.search || u.hash) return `"${url}": a target cannot carry a query or fragment`;
  if (!/^https?:\/\/(\[[^\]]*\]|[^/?#@[\]]+):\d+(?:[/?#]|$)/.test(url)) return `"${url}" has no port; write it out, e.g. ${u.protocol}//${u.host}:3000`;
  return null;
}

const WEIGHT_RULE: NumberRule = { integer: false, min: 0, above: true, example: '2' };

/**
 * The targets box: one target per line (or comma separated), each optionally
 * followed by "weight=N" for the weighted policy.
 */
export function checkTargetLines(text: string): Checked<TargetObject[]> {
  const lines = text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) return { error: 'Add at least one target, e.g. http://localhost:3000' };
  const out: TargetObject[] = [];
  for (const line of lines) {
    const [first, ...rest] = line.split(/\s+/);
    const url = normalizeTarget(first!);
    const bad = checkTarget(url);
    if (bad) return { error: bad };
    const target: TargetObject = { url };
    for (const extra of rest) {
      const w = /^weight=(.*)$/i.exec(extra);
      if (!w) return { error: `"${line}": after the URL only weight=N may follow, e.g. ${url} weight=2` };
      const weight = checkNumber(w[1]!, 'A weight', WEIGHT_RULE);
      if ('error' in weight) return weight;
      target.weight = weight.value;
    }
    out.push(target);
  }
  if (lines.length > 1 && out.some((t) => t.url.startsWith('file:'))) {
    return { error: "A file: target (static files) must be the route's only target; put other targets on another route" };
  }
  return { value: out };
}

/** The targets box's text for a route's targets: the inverse of checkTargetLines. */
export function targetLines(targets: readonly TargetObject[]): string {
  return targets.map((t) => (t.weight !== undefined ? `${t.url} weight=${t.weight}` : t.url)).join('\n');
}
