import * as net from 'node:net';
import type { TargetObject } from '../../shared/config';
import { EngineError } from './engine-error';

/**
 * An upstream as the engine uses it: parsed once when the config is compiled,
 * so nothing on the request path parses a URL.
 */
export interface Target {
  /** The target as configured (used as its identity in status and logs). */
  readonly url: string;
  readonly protocol: 'http:' | 'https:' | 'unix:';
  /** Host name or IP (IPv6 without brackets); "localhost" for unix sockets. */
  readonly hostname: string;
  /** TCP port; 0 for unix sockets. */
  readonly port: number;
  readonly socketPath?: string;
  /** Value of the Host header when a route does not preserve the client's Host. */
  readonly hostHeader: string;
  /** How error pages name it: "127.0.0.1:3000", "https://dev.local:8443", "unix:/run/app.sock". */
  readonly display: string;
  /** Origin for the undici pool ("http://localhost" for unix sockets). */
  readonly origin: string;
  /** Path prefix from the target URL ("" when none), prepended to the upstream path. */
  readonly basePath: string;
  readonly loopback: boolean;
  /** TLS SNI / certificate name for https targets given by name (undefined for IPs and plain http). */
  readonly servername?: string;
  /** Weight for the weighted policy (default 1). */
  readonly weight: number;
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/** True for 127.0.0.0/8, ::1, ::ffff:127.x and the usual localhost names. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (LOOPBACK_NAMES.has(h) || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

function invalid(url: string, why: string): EngineError {
  return new EngineError('INVALID_TARGET', `invalid target "${url}": ${why}`);
}

export function parseTarget(value: TargetObject): Target {
  const url = value.url.trim();
  const weight = value.weight ?? 1;
  if (!(weight > 0)) throw invalid(url, 'weight must be a positive number');
  if (url.startsWith('unix:')) {
    let socketPath = url.slice('unix:'.length);
    if (socketPath.startsWith('//')) socketPath = socketPath.slice(2);
    if (!socketPath.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(socketPath) && !socketPath.startsWith('\\\\')) {
      throw invalid(url, 'a unix socket target needs an absolute path, e.g. unix:/run/app.sock');
    }
    return {
      url,
      protocol: 'unix:',
      hostname: 'localhost',
      port: 0,
      socketPath,
      hostHeader: 'localhost',
      display: `unix:${socketPath}`,
      origin: 'http://localhost',
      basePath: '',
      loopback: true,
      weight,
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(url, 'not a URL; use http://host:port, https://host:port or unix:/path/to.sock');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalid(url, `unsupported scheme ${parsed.protocol}; use http:, https: or unix:`);
  }
  if (parsed.username || parsed.password) throw invalid(url, 'credentials in target URLs are not supported');
  if (parsed.search || parsed.hash) throw invalid(url, 'a target may not have a query or fragment');
  const https = parsed.protocol === 'https:';
  const port = parsed.port ? Number(parsed.port) : https ? 443 : 80;
  const hostname = parsed.hostname.replace(/^\[|\]$/g, '');
  const hostForUrl = net.isIPv6(hostname) ? `[${hostname}]` : hostname;
  const defaultPort = port === (https ? 443 : 80);
  const hostHeader = defaultPort ? hostForUrl : `${hostForUrl}:${port}`;
  const basePath = parsed.pathname === '/' ? '' : parsed.pathname.replace(/\/+$/, '');
  const servername = https && net.isIP(hostname) === 0 ? hostname : undefined;
  return {
    url,
    protocol: parsed.protocol,
    hostname,
    port,
    ...(servername ? { servername } : {}),
    hostHeader,
    display: https ? `https://${hostForUrl}:${port}` : `${hostForUrl}:${port}`,
    origin: `${parsed.protocol}//${hostForUrl}:${port}`,
    basePath,
    loopback: isLoopbackHost(hostname),
    weight,
  };
}
