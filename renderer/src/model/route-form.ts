import {
  normalizeRoutePath,
  routeTargets,
  type CompressionConfig,
  type HealthCheckConfig,
  type RateLimitConfig,
  type RouteConfig,
  type SecurityHeadersConfig,
  type TargetObject,
} from '../../../shared/config';
import { checkHeaderRulesJson, checkRewriteJson } from './route-form-json';
import { checkDuration, checkEncodings, checkHeaderValue, checkNumber, checkStatuses, checkTargetLines, targetLines, type Checked, type NumberRule } from './route-form-values';

/**
 * The add/edit route form as plain data: to and from RouteConfig, with the
 * checks of shared/config.schema.json done before asking the engine (which
 * validates again and has the last word — route-form-errors.ts maps its
 * errors back onto the inputs). Every RouteConfig field has an input
 * (ROUTE_FIELD_INPUTS says which), and an input left as it was writes the
 * file's value back exactly. Pure.
 */
export interface RouteFormState {
  host: string;
  path: string;
  /** One target URL per line (or comma separated), each optionally followed by "weight=N". */
  targets: string;
  https: boolean;
  enabled: boolean;
  stripPath: boolean;
  preserveHost: boolean;
  redirectToHttps: boolean;
  record: boolean;
  /** Selects: "" means "not set" (the default applies). */
  balance: string;
  verifyTls: '' | 'true' | 'false';
  /** Advanced: the per-route features. Text fields are as typed; empty means "not set". */
  compress: boolean;
  /** The encodings select: "" or "br", "gzip", "br,gzip", "gzip,br". */
  compressEncodings: string;
  compressMinSize: string;
  cache: boolean;
  spa: boolean;
  securityHeaders: boolean;
  hstsMaxAge: string;
  frameOptions: string;
  referrerPolicy: string;
  contentSecurityPolicy: string;
  rateLimitRate: string;
  rateLimitBurst: string;
  rateLimitPer: string;
  latency: string;
  bandwidth: string;
  healthCheckPath: string;
  healthCheckInterval: string;
  healthCheckTimeout: string;
  healthCheckExpectStatus: string;
  /** JSON text of `headers` / `rewrite`; empty means "not set". */
  headers: string;
  rewrite: string;
}

/** A field that can carry a message: any input, "advanced" (the section as a whole) or "form" (the whole form). */
export type RouteField = keyof RouteFormState | 'advanced' | 'form';
export type RouteFormErrors = Partial<Record<RouteField, string>>;

type Input = keyof RouteFormState;

/** The input that edits each RouteConfig field: a new field fails to compile until the form covers it. */
export const ROUTE_FIELD_INPUTS = {
  host: 'host',
  path: 'path',
  target: 'targets',
  targets: 'targets',
  balance: 'balance',
  stripPath: 'stripPath',
  enabled: 'enabled',
  preserveHost: 'preserveHost',
  verifyTls: 'verifyTls',
  https: 'https',
  redirectToHttps: 'redirectToHttps',
  record: 'record',
  headers: 'headers',
  spa: 'spa',
  compress: 'compress',
  healthCheck: 'healthCheckPath',
  latency: 'latency',
  bandwidth: 'bandwidth',
  cache: 'cache',
  rewrite: 'rewrite',
  securityHeaders: 'securityHeaders',
  rateLimit: 'rateLimitRate',
} as const satisfies Record<keyof RouteConfig, Input>;

/** The inputs of the object-valued fields' own fields (targets' url and weight share the targets box). */
export const SUB_FIELD_INPUTS = {
  target: { url: 'targets', weight: 'targets' } satisfies Record<keyof TargetObject, Input>,
  compress: { encodings: 'compressEncodings', minSize: 'compressMinSize' } satisfies Record<keyof CompressionConfig, Input>,
  securityHeaders: {
    hstsMaxAge: 'hstsMaxAge',
    frameOptions: 'frameOptions',
    referrerPolicy: 'referrerPolicy',
    contentSecurityPolicy: 'contentSecurityPolicy',
  } satisfies Record<keyof SecurityHeadersConfig, Input>,
  rateLimit: { rate: 'rateLimitRate', burst: 'rateLimitBurst', per: 'rateLimitPer' } satisfies Record<keyof RateLimitConfig, Input>,
  healthCheck: {
    path: 'healthCheckPath',
    interval: 'healthCheckInterval',
    timeout: 'healthCheckTimeout',
    expectStatus: 'healthCheckExpectStatus',
  } satisfies Record<keyof HealthCheckConfig, Input>,
} as const;

/** RouteConfig fields edited in the Advanced section (the form opens it when a route uses one). */
export const ADVANCED_KEYS = ['balance', 'verifyTls', 'compress', 'cache', 'securityHeaders', 'spa', 'rateLimit', 'latency', 'bandwidth', 'healthCheck', 'headers', 'rewrite'] as const;

export function formFromRoute(route?: RouteConfig): RouteFormState {
  const r: RouteConfig = route ?? { host: '' };
  const compress = typeof r.compress === 'object' ? r.compress : {};
  const security = typeof r.securityHeaders === 'object' ? r.securityHeaders : {};
  return {
    host: r.host,
    path: normalizeRoutePath(r.path),
    targets: targetLines(routeTargets(r)),
    https: r.https ?? true,
    enabled: r.enabled ?? true,
    stripPath: r.stripPath ?? false,
    preserveHost: r.preserveHost ?? true,
    redirectToHttps: r.redirectToHttps ?? true,
    record: r.record ?? true,
    balance: r.balance ?? '',
    verifyTls: r.verifyTls === undefined ? '' : r.verifyTls ? 'true' : 'false',
    compress: isOn(r.compress),
    compressEncodings: compress.encodings?.join(',') ?? '',
    compressMinSize: text(compress.minSize),
    cache: r.cache === true,
    spa: r.spa === true,
    securityHeaders: isOn(r.securityHeaders),
    hstsMaxAge: text(security.hstsMaxAge),
    frameOptions: security.frameOptions ?? '',
    referrerPolicy: security.referrerPolicy ?? '',
    contentSecurityPolicy: security.contentSecurityPolicy ?? '',
    rateLimitRate: text(r.rateLimit?.rate),
    rateLimitBurst: text(r.rateLimit?.burst),
    rateLimitPer: r.rateLimit?.per ?? '',
    latency: text(r.latency),
    bandwidth: text(r.bandwidth),
    healthCheckPath: r.healthCheck?.path ?? '',
    healthCheckInterval: text(r.healthCheck?.interval),
    healthCheckTimeout: text(r.healthCheck?.timeout),
    healthCheckExpectStatus: Array.isArray(r.healthCheck?.expectStatus) ? r.healthCheck.expectStatus.join(', ') : text(r.healthCheck?.expectStatus),
    headers: r.headers !== undefined ? JSON.stringify(r.headers, null, 2) : '',
    rewrite: r.rewrite !== undefined ? JSON.stringify(r.rewrite, null, 2) : '',
  };
}

function text(v: string | number | undefined): string {
  return v === undefined ? '' : String(v);
}

function isOn(v: boolean | object | undefined): boolean {
  return v !== undefined && v !== false;
}

/** True when the route uses any field of the Advanced section (the form opens it then). */
export function hasAdvanced(route?: RouteConfig): boolean {
  return route !== undefined && ADVANCED_KEYS.some((k) => route[k] !== undefined && route[k] !== false);
}

/** True when a message on this field is shown inside the Advanced section. */
export function isAdvancedField(field: RouteField): boolean {
  return field === 'advanced' || (ADVANCED_INPUTS as readonly string[]).includes(field);
}

const ADVANCED_INPUTS = [
  ...ADVANCED_KEYS.map((k) => ROUTE_FIELD_INPUTS[k]),
  ...Object.values(SUB_FIELD_INPUTS).flatMap((sub) => Object.values(sub)),
].filter((f) => f !== 'targets');

const HOST_RE = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;
const RULES = {
  rate: { integer: false, min: 0, above: true, example: '10' },
  burst: { integer: true, min: 1, example: '20' },
  bandwidth: { integer: true, min: 1, example: '65536' },
  minSize: { integer: true, min: 0, example: '1024' },
  hstsMaxAge: { integer: true, min: 0, example: '300' },
} satisfies Record<string, NumberRule>;

/**
 * Reads the form back into a RouteConfig. `opened` is the route as the form
 * was filled from it, `base` the route as the file has it now (the same unless
 * it was edited by hand meanwhile). An input left as formFromRoute(opened) put
 * it writes base's value back exactly (same type, same shape, a hand edit
 * included); an emptied one removes the field. Returns the route, or the
 * errors by input.
 */
export function routeFromForm(form: RouteFormState, base?: RouteConfig, opened: RouteConfig | undefined = base): { route?: RouteConfig; errors: RouteFormErrors } {
  const errors: RouteFormErrors = {};
  const was = opened ? formFromRoute(opened) : undefined;
  const b: RouteConfig = base ?? { host: '' };
  const untouched = (...names: Input[]) => was !== undefined && names.every((n) => form[n] === was[n]);

  /** An input's value: base's when untouched, undefined when empty, else the checked text (or a message on the input). */
  function read<T>(name: Input, baseValue: T | undefined, check: (text: string) => Checked<T>): T | undefined {
    if (untouched(name)) return baseValue;
    const t = String(form[name]).trim();
    if (!t) return undefined;
    const c = check(t);
    if ('error' in c) {
      errors[name] = c.error;
      return undefined;
    }
    return c.value;
  }
  const number = (name: Input, baseValue: number | undefined, label: string, rule: NumberRule) => read(name, baseValue, (t) => checkNumber(t, label, rule));
  const choice = <T extends string>(name: Input, baseValue: T | undefined) => read(name, baseValue, (t) => ({ value: t as T }));
  /** A checkbox: written only when it differs from the default, or when the file already says it. */
  const flag = (name: 'https' | 'enabled' | 'stripPath' | 'preserveHost' | 'redirectToHttps' | 'record' | 'cache' | 'spa', dflt: boolean) => {
    if (untouched(name)) return b[name];
    const value = form[name];
    return b[name] === value ? value : value === dflt ? undefined : value;
  };

  const route: Record<string, unknown> = { ...b };
  const put = (key: keyof RouteConfig, value: unknown) => {
    if (value === undefined) delete route[key];
    else route[key] = value;
  };

  put('host', read('host', b.host, checkHost));
  if (!form.host.trim()) errors.host = 'Enter a host name, e.g. app.test';
  put('path', read('path', b.path, checkPath));

  if (!untouched('targets')) {
    const targets = read('targets', undefined, checkTargetLines);
    if (!form.targets.trim()) errors.targets = 'Add at least one target, e.g. http://localhost:3000';
    delete route.target;
    delete route.targets;
    const list = (targets ?? []).map((t) => targetValue(t, b));
    if (list.length === 1) route.target = list[0];
    else route.targets = list;
  }

  for (const name of ['https', 'enabled', 'preserveHost', 'redirectToHttps', 'record'] as const) put(name, flag(name, true));
  for (const name of ['stripPath', 'cache', 'spa'] as const) put(name, flag(name, false));
  put('balance', choice('balance', b.balance));
  const verify = choice('verifyTls', b.verifyTls === undefined ? undefined : String(b.verifyTls));
  put('verifyTls', verify === undefined ? undefined : verify === 'true');

  if (untouched('compress', 'compressEncodings', 'compressMinSize')) put('compress', b.compress);
  else if (!form.compress) put('compress', b.compress === false ? false : undefined);
  else {
    const c = typeof b.compress === 'object' ? b.compress : undefined;
    const fields: CompressionConfig = {
      encodings: read('compressEncodings', c?.encodings, checkEncodings),
      minSize: number('compressMinSize', c?.minSize, 'Minimum size', RULES.minSize),
    };
    put('compress', objectOrTrue(c, fields));
  }

  if (untouched('securityHeaders', 'hstsMaxAge', 'frameOptions', 'referrerPolicy', 'contentSecurityPolicy')) put('securityHeaders', b.securityHeaders);
  else if (!form.securityHeaders) put('securityHeaders', b.securityHeaders === false ? false : undefined);
  else {
    const s = typeof b.securityHeaders === 'object' ? b.securityHeaders : undefined;
    const fields: SecurityHeadersConfig = {
      hstsMaxAge: number('hstsMaxAge', s?.hstsMaxAge, 'HSTS max-age', RULES.hstsMaxAge),
      frameOptions: read('frameOptions', s?.frameOptions, (t) => checkHeaderValue(t, 'X-Frame-Options')),
      referrerPolicy: read('referrerPolicy', s?.referrerPolicy, (t) => checkHeaderValue(t, 'Referrer-Policy')),
      contentSecurityPolicy: read('contentSecurityPolicy', s?.contentSecurityPolicy, (t) => checkHeaderValue(t, 'Content-Security-Policy')),
    };
    put('securityHeaders', objectOrTrue(s, fields));
  }

  const rl = b.rateLimit;
  const rate = number('rateLimitRate', rl?.rate, 'Rate limit', RULES.rate);
  const burst = number('rateLimitBurst', rl?.burst, 'Burst', RULES.burst);
  const per = choice('rateLimitPer', rl?.per);
  if (rate !== undefined) put('rateLimit', withFields(rl, { rate, burst, per }));
  else {
    put('rateLimit', undefined);
    if (!errors.rateLimitRate && (burst !== undefined || per !== undefined)) errors.rateLimitRate = 'Set a rate (requests per second) to limit the route, or clear Burst and Per';
  }

  put('latency', read('latency', b.latency, checkDuration));
  put('bandwidth', number('bandwidth', b.bandwidth, 'Bandwidth', RULES.bandwidth));

  const hc = b.healthCheck;
  const hcPath = read('healthCheckPath', hc?.path, checkHealthPath);
  const hcRest = {
    interval: read('healthCheckInterval', hc?.interval, checkDuration),
    timeout: read('healthCheckTimeout', hc?.timeout, checkDuration),
    expectStatus: read('healthCheckExpectStatus', hc?.expectStatus, checkStatuses),
  };
  if (hcPath !== undefined) put('healthCheck', withFields(hc, { path: hcPath, ...hcRest }));
  else {
    put('healthCheck', undefined);
    if (!errors.healthCheckPath && Object.values(hcRest).some((v) => v !== undefined)) errors.healthCheckPath = 'A health check needs a path, e.g. /health (or clear the other health check fields)';
  }

  put('headers', read('headers', b.headers, checkHeaderRulesJson));
  put('rewrite', read('rewrite', b.rewrite, checkRewriteJson));

  if (Object.keys(errors).length > 0) return { errors };
  return { route: route as unknown as RouteConfig, errors };
}

/**
 * The balance policy that ignores the targets' weights, when the targets box gives some:
 * only "weighted" uses them (main/engine/balancer.ts), and the default is round-robin.
 * Undefined when no weight is given, the policy is weighted, or the box does not parse yet.
 */
export function policyIgnoringWeights(form: Pick<RouteFormState, 'targets' | 'balance'>): string | undefined {
  if (form.balance === 'weighted') return undefined;
  const targets = checkTargetLines(form.targets);
  if ('error' in targets || !targets.value.some((t) => t.weight !== undefined)) return undefined;
  return form.balance || 'round-robin';
}

function checkHost(t: string): Checked<string> {
  const host = t.toLowerCase();
  if (host.includes('://') || host.includes('/')) return { error: 'Just the name, without scheme or path (e.g. app.test)' };
  if (!HOST_RE.test(host)) return { error: `"${host}" is not a valid host name; use letters, digits, "-" and "." (e.g. app.test or *.app.test)` };
  return { value: host };
}

/** A route path: "/" (the default) is not written. */
function checkPath(t: string): Checked<string | undefined> {
  if (/\s/.test(t)) return { error: 'A path cannot contain spaces' };
  if (t.includes('?') || t.includes('#')) return { error: 'A path prefix cannot contain ? or #' };
  const p = normalizeRoutePath(t);
  return { value: p === '/' ? undefined : p };
}

function checkHealthPath(t: string): Checked<string> {
  return t.startsWith('/') ? { value: t } : { error: `The health check path starts with /, e.g. /${t}` };
}

/** A target as written in the file: base's own entry when the URL and weight are the same, else a string or {url, weight}. */
function targetValue(t: TargetObject, base: RouteConfig): string | TargetObject {
  const list = base.targets ?? (base.target !== undefined ? [base.target] : []);
  const same = list.find((x) => (typeof x === 'string' ? x === t.url && t.weight === undefined : x.url === t.url && x.weight === t.weight));
  if (same !== undefined) return same;
  return t.weight === undefined ? t.url : t;
}

/** A feature turned on: `true` when no option is set (unless the file wrote `{}`), else its options object. */
function objectOrTrue<T extends object>(base: T | undefined, fields: Partial<T>): T | true {
  const out = withFields(base, fields);
  const wasEmpty = base !== undefined && Object.keys(base).length === 0;
  return Object.keys(out).length === 0 && !wasEmpty ? true : out;
}

/** base's object with `fields` set (undefined ones removed), keeping base's key order. */
function withFields<T extends object>(base: T | undefined, fields: Partial<T>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out as T;
}
