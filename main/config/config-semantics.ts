import * as net from 'node:net';
import { parse as parseDomain } from 'tldts';
import { durationTooLong, fileTargetPath, routeId } from '../../shared/config';
import { parseTarget } from '../engine/target';
import { matchingSuffix, normalizeHostName, permittedSuffixes } from '../tls/permitted-names';
import type { SchemaIssue } from './schema-issues';

/**
 * Checks the schema cannot express: target URLs that really parse (and name a
 * port), one route per host + path, listen addresses and trusted-proxy CIDRs
 * that are addresses, distinct HTTP/HTTPS ports, durations a timer can wait, hosts DNS can carry
 * and, for routes served over HTTPS, hosts the local CA may issue for. Defensive about types,
 * so it can run on a config that also has schema errors.
 */
export function semanticIssues(value: unknown): SchemaIssue[] {
  if (!isObject(value)) return [];
  const out: SchemaIssue[] = [];
  if (Array.isArray(value.suffixes)) {
    value.suffixes.forEach((suffix, i) => {
      if (typeof suffix === 'string') checkSuffix(suffix, `/suffixes/${i}`, out);
    });
  }
  const suffixes = permittedSuffixes(Array.isArray(value.suffixes) ? value.suffixes.filter((x): x is string => typeof x === 'string') : undefined);
  if (Array.isArray(value.routes)) checkRoutes(value.routes, suffixes, out);
  if (Array.isArray(value.listen)) {
    value.listen.forEach((addr, i) => {
      if (typeof addr === 'string' && net.isIP(addr) === 0) {
        out.push(issue(`/listen/${i}`, `"${addr}" is not an IP address; use 127.0.0.1, ::1, or 0.0.0.0 / :: for every interface`));
      }
    });
  }
  if (Array.isArray(value.trustedProxies)) {
    value.trustedProxies.forEach((entry, i) => {
      if (typeof entry === 'string' && !isAddressOrCidr(entry)) {
        out.push(issue(`/trustedProxies/${i}`, `"${entry}" is not an IP address or CIDR; use e.g. "127.0.0.1", "10.0.0.0/8" or "::1"`));
      }
    });
  }
  if (isObject(value.timeouts)) {
    for (const [key, v] of Object.entries(value.timeouts)) checkDuration(v, `/timeouts/${key}`, out);
  }
  const { httpPort, httpsPort } = value;
  if (typeof httpPort === 'number' && httpPort !== 0 && httpPort === httpsPort) {
    out.push(issue('/httpsPort', `HTTP and HTTPS cannot share port ${httpPort}; pick another httpsPort`));
  }
  return out;
}

/** Special-use names (RFC 6761, 8375, ICANN's .internal) that the Public Suffix List also lists: private by definition. */
const RESERVED_SUFFIXES = new Set(['home.arpa']);

/**
 * A suffix that is itself a public suffix ("com", "dev", "co.uk", "github.io"): the root would
 * be allowed to sign every site under it, and the DNS responder would answer for all of them,
 * which is exactly what the name constraints are there to rule out. Decided by the Public
 * Suffix List (tldts); names it does not know (test, internal, lan, corp.local) are fine.
 */
function checkSuffix(suffix: string, field: string, out: SchemaIssue[]): void {
  const name = normalizeHostName(suffix.trim().replace(/^\*?\./, ''));
  if (name === '' || RESERVED_SUFFIXES.has(name)) return;
  const parsed = parseDomain(name, { allowPrivateDomains: true });
  if (parsed.publicSuffix !== name || !(parsed.isIcann || parsed.isPrivate)) return;
  out.push(
    issue(
      field,
      `"${suffix}" is a public suffix: a local CA allowed to sign under it could impersonate every real site there, ` +
        `and the DNS responder would answer for them; use a name you own under it (e.g. "dev.example.${name}") or a reserved one ("test", "internal", "home.arpa")`,
    ),
  );
}

/**
 * A route host DNS cannot carry (a label over 63 characters, a name over 253), or one served
 * over HTTPS that the CA may not issue for: the TLS handshake would fail with nothing said
 * until a browser tried, after the plain-HTTP redirect had already sent it there.
 */
function checkHost(route: Record<string, unknown>, base: string, suffixes: readonly string[], out: SchemaIssue[]): void {
  if (typeof route.host !== 'string') return;
  const host = route.host;
  const name = normalizeHostName(host.startsWith('*.') ? host.slice(2) : host);
  const labels = name.split('.');
  const long = labels.find((l) => l.length > 63);
  if (long !== undefined || name.length > 253) {
    const why = long !== undefined ? `its label "${long.slice(0, 12)}…" has ${long.length} characters (at most 63)` : `it has ${name.length} characters (at most 253)`;
    out.push(issue(`${base}/host`, `"${host}" is not a name DNS can carry: ${why}`));
    return;
  }
  if (route.https === false || matchingSuffix(name, suffixes) !== undefined) return;
  if (net.isIP(name) !== 0) {
    out.push({
      ...issue(`${base}/host`, `"${host}" is an IP address, which the local CA issues no certificates for; set "https": false on this route to serve it over plain HTTP`),
      detail: { code: 'https-host-is-ip', host },
    });
    return;
  }
  // The registrable domain (example.co.uk for app.example.co.uk, not the public suffix co.uk,
  // which checkSuffix would refuse); the last two labels when the Public Suffix List has none.
  const domain = parseDomain(name, { allowPrivateDomains: true }).domain ?? (labels.length > 2 ? labels.slice(-2).join('.') : name);
  out.push({
    ...issue(
      `${base}/host`,
      `"${host}" cannot be served over HTTPS: the local CA only issues certificates under ${suffixes.join(', ')}; ` +
        `add its domain to "suffixes" (e.g. "${domain}"), or set "https": false on this route`,
    ),
    detail: { code: 'https-host-not-permitted', host, suffixes: [...suffixes], suggestedSuffix: domain },
  });
}

function checkRoutes(routes: unknown[], suffixes: readonly string[], out: SchemaIssue[]): void {
  const seen = new Map<string, number>();
  routes.forEach((route, i) => {
    if (!isObject(route)) return;
    const base = `/routes/${i}`;
    checkHost(route, base, suffixes, out);
    if (typeof route.path === 'string' && /[?#\s]/.test(route.path)) {
      out.push(issue(`${base}/path`, 'a route path is a plain prefix such as "/api": no "?", "#" or spaces'));
    }
    if (isObject(route.rewrite) && typeof route.rewrite.regex === 'string') {
      try {
        new RegExp(route.rewrite.regex);
      } catch (err) {
        out.push(issue(`${base}/rewrite/regex`, `not a valid regular expression: ${(err as Error).message}`));
      }
    }
    const all = route.targets !== undefined ? route.targets : route.target !== undefined ? [route.target] : [];
    if (Array.isArray(all)) {
      const files = all.filter((t) => typeof (isObject(t) ? t.url : t) === 'string' && String(isObject(t) ? t.url : t).trim().startsWith('file:'));
      if (files.length > 0 && all.length > 1) {
        out.push(issue(`${base}/targets`, 'a file: target (static files) must be the route\'s only target; put other targets on another route'));
      }
      for (const t of files) {
        const url = String(isObject(t) ? t.url : t).trim();
        if (fileTargetPath(url) === '') out.push(issue(`${base}/target`, `"${url}" names no directory; write e.g. "file:./dist"`));
      }
    }
    checkDuration(route.latency, `${base}/latency`, out);
    if (isObject(route.healthCheck)) {
      checkDuration(route.healthCheck.interval, `${base}/healthCheck/interval`, out);
      checkDuration(route.healthCheck.timeout, `${base}/healthCheck/timeout`, out);
    }
    if (route.target !== undefined) checkTarget(route.target, `${base}/target`, out);
    if (Array.isArray(route.targets)) route.targets.forEach((t, j) => checkTarget(t, `${base}/targets/${j}`, out));
    if (typeof route.host === 'string' && (route.path === undefined || typeof route.path === 'string')) {
      const id = routeId({ host: route.host, path: route.path });
      const first = seen.get(id);
      if (first === undefined) seen.set(id, i);
      else out.push(issue(base, `route "${id}" is already defined at /routes/${first}; remove one, or give one a different "path"`));
    }
  });
}

function checkTarget(target: unknown, pointer: string, out: SchemaIssue[]): void {
  const url = typeof target === 'string' ? target : isObject(target) ? target.url : undefined;
  const at = typeof target === 'string' ? pointer : `${pointer}/url`;
  if (typeof url !== 'string' || !/^(https?:\/\/|unix:)/.test(url)) return; // the schema reports these
  const reason = targetUrlProblem(url);
  if (reason) out.push(issue(at, reason));
}

/** A duration the schema accepts can still be longer than a timer can wait (Node turns that into 1 ms). */
function checkDuration(value: unknown, pointer: string, out: SchemaIssue[]): void {
  if (typeof value !== 'number' && typeof value !== 'string') return; // absent, or the schema reports it
  const reason = durationTooLong(value);
  if (reason) out.push(issue(pointer, reason));
}

/** Why a target URL is unusable, or null when the engine can use it. */
export function targetUrlProblem(url: string): string | null {
  const port = /^https?:\/\/(?:\[[^\]]*\]|[^/?#@[\]:]+):(\d+)(?:[/?#]|$)/i.exec(url.trim())?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    return `target "${url}": port ${Number(port)} is out of range (1–65535)`;
  }
  try {
    parseTarget({ url });
  } catch (err) {
    return (err as Error).message;
  }
  if (!url.startsWith('unix:') && !/^https?:\/\/(\[[^\]]*\]|[^/?#@[\]]+):\d+(?:[/?#]|$)/.test(url.trim())) {
    const example = url.trim().replace(/^(https?:\/\/(?:\[[^\]]*\]|[^/?#:]+))(:?)/, '$1:3000');
    return `target "${url}" has no port; write it out, e.g. "${example}"`;
  }
  return null;
}

function isAddressOrCidr(entry: string): boolean {
  const [addr, prefix, extra] = entry.split('/');
  if (extra !== undefined || !addr) return false;
  const family = net.isIP(addr);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function issue(field: string, reason: string): SchemaIssue {
  return { field, anchor: 'value', reason };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
