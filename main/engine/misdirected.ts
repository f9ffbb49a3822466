import type { ErrorInfo } from './error-pages';
import { normalizeHost } from './route-table';

/**
 * 421 Misdirected Request (RFC 9110 §15.5.20) for requests that reached an HTTPS
 * connection not made for them. Gatehouse mints one certificate per host name
 * (the SNI name, its only subjectAltName), so a TLS connection serves exactly the
 * host it was opened for: a request for another host (an HTTP/1.1 Host, or an
 * HTTP/2 :authority on a connection a client tried to reuse, RFC 9113 §9.1.1)
 * is misdirected, and so is one for a route that does not serve HTTPS. Clients
 * such as browsers retry a 421 on a new connection. Pure.
 */

/**
 * True when a Host / :authority value names `serverName` (case, port and a trailing
 * dot ignored). Allocation-free: it runs on every HTTPS request.
 */
export function hostIsServerName(host: string, serverName: string): boolean {
  // An IP literal ("[::1]:8443", "127.0.0.1") is never a TLS server name; the lengths then differ or a char does.
  let end = host.indexOf(':');
  if (end < 0) end = host.length;
  if (end > 0 && host.charCodeAt(end - 1) === 46 /* . */) end--;
  let nameEnd = serverName.length;
  if (nameEnd > 0 && serverName.charCodeAt(nameEnd - 1) === 46) nameEnd--;
  if (end !== nameEnd) return false;
  for (let i = 0; i < end; i++) {
    let a = host.charCodeAt(i);
    let b = serverName.charCodeAt(i);
    if (a === b) continue;
    if (a >= 65 && a <= 90) a += 32;
    if (b >= 65 && b <= 90) b += 32;
    if (a !== b) return false;
  }
  return true;
}

/**
 * The 421 for a request on a TLS connection, or undefined when the connection may serve it.
 * `serverName` is the connection's SNI (undefined without one: nothing to compare, as before);
 * `route` the route the request matched, if any. A request without a host is left to the 404.
 */
export function misdirectedRequest(host: string, serverName: string | undefined, route: { readonly id: string; readonly https: boolean } | undefined): ErrorInfo | undefined {
  if (serverName !== undefined && host !== '' && !hostIsServerName(host, serverName)) {
    const name = normalizeHost(host);
    return {
      status: 421,
      code: 'MISDIRECTED_REQUEST',
      message: `this HTTPS connection was opened for ${serverName.toLowerCase()} and its certificate covers only that name, not ${name} — connect to ${name} itself (a new connection whose TLS server name is ${name})`,
    };
  }
  if (route !== undefined && !route.https) {
    return {
      status: 421,
      code: 'MISDIRECTED_REQUEST',
      message: `route ${route.id} is not served over HTTPS ("https": false) — use http://${normalizeHost(host)}, or set "https": true on the route`,
    };
  }
  return undefined;
}
