import type { Target } from './target';

/**
 * The one place where low-level errors (Node socket errors, undici errors, TLS
 * errors) become coded errors with an HTTP status and a message a developer
 * understands at a glance.
 */
export interface ProxyFailure {
  code: string;
  status: number;
  message: string;
  /** The target looks dead (refused, unresolvable, unreachable): skip it for a while. */
  markDown: boolean;
  /** Failed while connecting: nothing reached the upstream, so another target may be tried. */
  connectPhase: boolean;
}

export interface ErrorContext {
  /** Upstream headers timeout in ms, to say how long was waited. */
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  connectTimeoutMs?: number;
}

const TLS_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/** The most telling code of an error: its own, its cause's, or the first of an AggregateError's. */
export function errorCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && e.code !== 'UND_ERR_SOCKET' && e.code !== 'ERR_INVALID_ARG_TYPE') return e.code;
  if (Array.isArray(e.errors) && e.errors.length > 0) {
    const inner = errorCode(e.errors[0]);
    if (inner) return inner;
  }
  if (e.cause && e.cause !== err) {
    const inner = errorCode(e.cause);
    if (inner) return inner;
  }
  return typeof e.code === 'string' ? e.code : undefined;
}

function seconds(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms % 1000 === 0 ? ` within ${ms / 1000} s` : ` within ${ms} ms`;
}

function failure(code: string, status: number, message: string, markDown = false, connectPhase = false): ProxyFailure {
  return { code, status, message, markDown, connectPhase };
}

export function classifyUpstreamError(err: unknown, target: Target, ctx: ErrorContext = {}): ProxyFailure {
  const code = errorCode(err) ?? '';
  const where = target.display;
  const message = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOENT':
      return failure('UPSTREAM_REFUSED', 502, `nothing is listening on ${where} — is your dev server running?`, true, true);
    case 'EACCES':
    case 'EPERM':
      return failure('UPSTREAM_UNREACHABLE', 502, `permission denied connecting to ${where}`, true, true);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return failure('UPSTREAM_DNS', 502, `cannot resolve "${target.hostname}" (target ${target.url}) — check the target's host name`, true, true);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'EHOSTDOWN':
      return failure('UPSTREAM_UNREACHABLE', 502, `${where} is unreachable (${code})`, true, true);
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return failure('UPSTREAM_CONNECT_TIMEOUT', 504, `could not connect to ${where}${seconds(ctx.connectTimeoutMs)} — is it overloaded or stopped in a debugger?`, true, true);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return failure('UPSTREAM_TIMEOUT', 504, `${where} did not answer${seconds(ctx.headersTimeoutMs)} — is it stuck, or waiting at a breakpoint?`);
    case 'UND_ERR_BODY_TIMEOUT':
      return failure('UPSTREAM_BODY_TIMEOUT', 504, `${where} stopped sending the response body for longer than${seconds(ctx.bodyTimeoutMs).replace(' within', '')}`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return failure('UPSTREAM_RESET', 502, `${where} closed the connection before the response was complete`);
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
    case 'UND_ERR_HEADERS_OVERFLOW':
      return failure('UPSTREAM_BAD_RESPONSE', 502, `${where} sent a malformed response: ${message}`);
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
      return failure('CLIENT_BODY_INCOMPLETE', 400, 'the request body did not match its Content-Length');
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return failure('UPSTREAM_TLS', 502, `TLS handshake with ${where} failed (${message}) — is it really serving HTTPS? Use http:// for a plain dev server`, false, true);
    default:
      break;
  }
  if (code.startsWith('HPE_')) {
    return failure('UPSTREAM_BAD_RESPONSE', 502, `${where} sent a response that is not valid HTTP (${code})`);
  }
  if (TLS_CERT_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
    return failure(
      'UPSTREAM_TLS',
      502,
      `the certificate of ${where} was rejected (${code}) — for a dev server with a self-signed certificate set "verifyTls": false on the route`,
      false,
      true,
    );
  }
  return failure('UPSTREAM_ERROR', 502, `request to ${where} failed: ${message}${code ? ` (${code})` : ''}`);
}
