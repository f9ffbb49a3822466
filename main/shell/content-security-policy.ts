/**
 * The Content-Security-Policy the shell sets on every response the window
 * loads (the renderer's index.html carries the same policy in a meta tag).
 * Inside Electron the renderer talks over IPC only, so connect-src is 'self'.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Adds the CSP to a response's headers without mutating the input. */
export function withCsp(headers: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? [...value] : [value];
  }
  out['Content-Security-Policy'] = [RENDERER_CSP];
  return out;
}
