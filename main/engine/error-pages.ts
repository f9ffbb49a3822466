import type { RawHeaders } from '../../shared/http-types';

/**
 * The proxy's own responses (no route, upstream down, timeout, loop, malformed
 * request): HTML for browsers, JSON when the client prefers it. Pure.
 */
export interface ErrorInfo {
  status: number;
  code: string;
  message: string;
}

export interface RouteSummary {
  id: string;
  targets: readonly string[];
  enabled: boolean;
}

export interface ErrorPageOptions {
  json: boolean;
  /** Listed on the 404 page. */
  routes?: readonly RouteSummary[];
  /**
   * How the client reached the proxy (its scheme and Host header): the 404 page's route
   * links use the same scheme and port, so they work on non-default ports (8080/8443).
   */
  linkOrigin?: { scheme: 'http' | 'https'; host: string };
  /** Close the connection after this response (malformed requests). */
  close?: boolean;
}

export interface RenderedPage {
  status: number;
  statusText: string;
  headers: RawHeaders;
  body: Buffer;
}

export const REDIRECT_TEXT = 'Permanent Redirect';

export const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  403: 'Forbidden',
  413: 'Content Too Large',
  416: 'Range Not Satisfiable',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  508: 'Loop Detected',
};

const TITLES: Readonly<Record<string, string>> = {
  NO_ROUTE: 'No route for this host',
  ROUTE_DISABLED: 'This route is disabled',
  UPSTREAM_REFUSED: 'Nothing is listening',
  ALL_TARGETS_DOWN: 'Every target is down',
  UPSTREAM_TIMEOUT: 'The upstream did not answer in time',
  UPSTREAM_CONNECT_TIMEOUT: 'Could not connect in time',
  LOOP_DETECTED: 'The request looped back through Gatehouse',
  UPSTREAM_TLS: 'TLS to the upstream failed',
  RATE_LIMITED: 'Too many requests',
  MISDIRECTED_REQUEST: 'This connection is for another host',
};

/**
 * Weight of a media type in an Accept header and how specifically it matched
 * (2 exact, 1 type/*, 0 wildcard, -1 not at all): the most specific range wins (RFC 9110 §12.5.1).
 */
function acceptWeight(ranges: Array<{ type: string; q: number }>, type: string): { q: number; specificity: number } {
  const major = type.slice(0, type.indexOf('/'));
  let q = 0;
  let specificity = -1;
  for (const r of ranges) {
    const s = r.type === type ? 2 : r.type === `${major}/*` ? 1 : r.type === '*/*' ? 0 : -1;
    if (s > specificity) {
      specificity = s;
      q = r.q;
    }
  }
  return { q, specificity };
}

/**
 * True when the Accept header ranks application/json above text/html: by q,
 * and at equal q when JSON was named more specifically ("application/json, *\/*").
 */
export function prefersJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [type = '', ...params] = part.split(';');
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=');
      if (k?.trim().toLowerCase() === 'q' && v !== undefined) q = Number(v.trim()) || 0;
    }
    return { type: type.trim().toLowerCase(), q };
  });
  const a = acceptWeight(ranges, 'application/json');
  const b = acceptWeight(ranges, 'application/problem+json');
  const json = b.q > a.q || (b.q === a.q && b.specificity > a.specificity) ? b : a;
  const html = acceptWeight(ranges, 'text/html');
  if (json.q <= 0) return false;
  return json.q > html.q || (json.q === html.q && json.specificity > html.specificity);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The port a Host header names ("app.test:8443" → ":8443", "[::1]:80" → ":80"), or "" when it names none. */
function hostHeaderPort(host: string): string {
  const bracket = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  if (colon <= bracket || colon === host.length - 1) return '';
  const port = host.slice(colon + 1);
  return /^[0-9]{1,5}$/.test(port) ? `:${port}` : '';
}

/** Where a configured route is reached: "*.app.test/api" → "http://www.app.test:8080/api". */
export function routeLink(id: string, origin: ErrorPageOptions['linkOrigin']): string {
  const slash = id.indexOf('/');
  const host = (slash < 0 ? id : id.slice(0, slash)).replace(/^\*\./, 'www.');
  const path = slash < 0 ? '' : id.slice(slash);
  return `${origin?.scheme ?? 'http'}://${host}${origin ? hostHeaderPort(origin.host) : ''}${path}`;
}

function html(err: ErrorInfo, statusText: string, routes: readonly RouteSummary[] | undefined, origin: ErrorPageOptions['linkOrigin']): string {
  const title = TITLES[err.code] ?? statusText;
  const list =
    routes === undefined
      ? ''
      : routes.length === 0
        ? '<p>No routes are configured yet. Add one with <code>gatehouse route add app.test http://127.0.0.1:3000</code>.</p>'
        : `<h2>Configured routes</h2><ul>${routes
            .map(
              (r) =>
                `<li><a href="${escapeHtml(routeLink(r.id, origin))}"><code>${escapeHtml(r.id)}</code></a> → ${r.targets
                  .map((t) => `<code>${escapeHtml(t)}</code>`)
                  .join(', ')}${r.enabled ? '' : ' <em>(disabled)</em>'}</li>`,
            )
            .join('')}</ul>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${err.status} ${escapeHtml(title)} · Gatehouse</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}code{background:#f3f3f3;padding:.1em .3em;border-radius:3px}.code{color:#777;font-size:.85rem}</style>
</head><body><h1>${err.status} · ${escapeHtml(title)}</h1>
<p>${escapeHtml(err.message)}</p>${list}
<p class="code">Gatehouse · ${escapeHtml(err.code)}</p></body></html>
`;
}

export function renderErrorPage(err: ErrorInfo, opts: ErrorPageOptions): RenderedPage {
  const statusText = STATUS_TEXT[err.status] ?? 'Error';
  let text: string;
  let type: string;
  if (opts.json) {
    const payload: Record<string, unknown> = { status: err.status, code: err.code, message: err.message };
    if (opts.routes) payload.routes = opts.routes.map((r) => ({ id: r.id, targets: r.targets, enabled: r.enabled }));
    text = `${JSON.stringify({ error: payload })}\n`;
    type = 'application/json; charset=utf-8';
  } else {
    text = html(err, statusText, opts.routes, opts.linkOrigin);
    type = 'text/html; charset=utf-8';
  }
  const body = Buffer.from(text, 'utf8');
  const headers: RawHeaders = [
    ['Content-Type', type],
    ['Content-Length', String(body.length)],
    ['Cache-Control', 'no-store'],
    ['X-Gatehouse-Error', err.code],
  ];
  if (opts.close) headers.push(['Connection', 'close']);
  return { status: err.status, statusText, headers, body };
}

/** 308 to the HTTPS address; not cacheable, so turning HTTPS off later does not strand browsers. */
export function renderRedirect(location: string): RenderedPage {
  const body = Buffer.from(`Redirecting to ${location}\n`, 'utf8');
  return {
    status: 308,
    statusText: REDIRECT_TEXT,
    headers: [
      ['Location', location],
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(body.length)],
      ['Cache-Control', 'no-store'],
    ],
    body,
  };
}
