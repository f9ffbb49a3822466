/**
 * Who may talk to the control server: requests must name the server by its own
 * loopback address (Host), must not come from another origin (Origin), and must
 * carry the token (Bearer header, session cookie, or ?token= where allowed).
 * Pure checks over request headers; no I/O.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newControlToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares in constant time (both sides hashed first, so lengths do not leak either). */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined || given === '') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** The Host values that name this server: 127.0.0.1:<port>, localhost:<port>, [::1]:<port>. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export function hostAllowed(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).has(host.toLowerCase());
}

/** No Origin (curl, the CLI, top-level navigations) is fine; otherwise it must be this server's own origin as named by Host. */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (host === undefined) return false;
  return origin.toLowerCase() === `http://${host.toLowerCase()}`;
}

export function cookieName(port: number): string {
  return `gatehouse_session_${port}`;
}

export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return m?.[1];
}

export type AuthVerdict = { ok: true } | { ok: false; status: 401 | 403; code: 'unauthorized' | 'forbidden'; message: string };

export interface AuthInput {
  host: string | undefined;
  origin: string | undefined;
  authorization: string | undefined;
  cookie: string | undefined;
  /** ?token= from the URL, when this kind of request may carry it. */
  queryToken?: string | undefined;
}

/** Host first, then Origin (a rebinding or cross-site request fails even with a stolen cookie), then the token. */
export function authorize(input: AuthInput, port: number, token: string): AuthVerdict {
  if (!hostAllowed(input.host, port)) {
    return { ok: false, status: 403, code: 'forbidden', message: `the Host header must name this control server (127.0.0.1:${port}, localhost:${port} or [::1]:${port})` };
  }
  if (!originAllowed(input.origin, input.host)) {
    return { ok: false, status: 403, code: 'forbidden', message: 'requests from other origins are not allowed' };
  }
  // Any one that matches will do: a session cookie left from before a restart (the token is new on
  // every start) must not shadow the fresh ?token= of the URL Gatehouse just printed.
  const given = [bearerToken(input.authorization), cookieValue(input.cookie, cookieName(port)), input.queryToken];
  if (!given.some((g) => tokenMatches(g, token))) {
    return {
      ok: false,
      status: 401,
      code: 'unauthorized',
      message: 'a valid token is needed: open the dashboard URL Gatehouse printed at start, or send "Authorization: Bearer <token>" (the token is in instance.json in the data directory)',
    };
  }
  return { ok: true };
}
