/**
 * Copy as fetch(...): JavaScript that sends the same request from a browser or
 * Node. Headers as an array of pairs keep duplicates and order. Pure.
 */
import { bytesToBase64, utf8DecodeStrict } from './base64';
import { withoutHeaders } from './raw-headers';
import type { RequestSpec } from './request-spec';

/** Headers fetch() computes itself or refuses to set (browsers' forbidden request headers). */
const FETCH_MANAGED = ['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'expect'];

function hostOfUrl(url: string): string {
  return (/^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '').toLowerCase();
}

/** Headers of an opening handshake that the WebSocket API sends by itself (it sets the rest of them too, from the page). */
const WEBSOCKET_MANAGED = ['host', 'connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol'];

/**
 * fetch() cannot open a WebSocket (it refuses Connection/Upgrade and CONNECT),
 * so a WebSocket handshake becomes `new WebSocket(url, protocols)`.
 */
function toWebSocket(spec: RequestSpec): { code: string; warnings: string[] } {
  const warnings = [...spec.warnings, 'fetch() cannot open a WebSocket; this opens the same one with the WebSocket API'];
  const url = spec.url.replace(/^http(s?):/i, 'ws$1:');
  const protocols = spec.headers
    .filter(([k]) => k.toLowerCase() === 'sec-websocket-protocol')
    .flatMap(([, v]) => v.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const unsent = spec.headers.filter(([k]) => !WEBSOCKET_MANAGED.includes(k.toLowerCase()));
  if (unsent.length > 0) warnings.push(`the WebSocket API cannot set headers; the browser sends its own for: ${unsent.map(([k]) => k).join(', ')}`);
  const args = protocols.length > 0 ? `${JSON.stringify(url)}, ${JSON.stringify(protocols)}` : JSON.stringify(url);
  const code = `const ws = new WebSocket(${args});\nws.onmessage = (event) => console.log(event.data);`;
  return { code, warnings };
}

export function toFetch(spec: RequestSpec): { code: string; warnings: string[] } {
  if (spec.websocket) return toWebSocket(spec);
  const warnings = [...spec.warnings];
  const host = spec.headers.find(([k]) => k.toLowerCase() === 'host')?.[1];
  if (host !== undefined && host.toLowerCase() !== hostOfUrl(spec.url)) {
    warnings.push(`fetch cannot set Host; the request goes with Host ${hostOfUrl(spec.url)} instead of ${host}`);
  }
  const dropped = spec.headers.filter(([k]) => FETCH_MANAGED.includes(k.toLowerCase()) && k.toLowerCase() !== 'host');
  if (dropped.length > 0) warnings.push(`fetch manages these headers itself: ${dropped.map(([k]) => k).join(', ')}`);
  const headers = withoutHeaders(spec.headers, FETCH_MANAGED);
  const lines: string[] = [];
  lines.push(`  method: ${JSON.stringify(spec.method)},`);
  if (headers.length > 0) {
    lines.push('  headers: [');
    for (const [k, v] of headers) lines.push(`    [${JSON.stringify(k)}, ${JSON.stringify(v)}],`);
    lines.push('  ],');
  }
  if (spec.body.length > 0) {
    if (spec.method === 'GET' || spec.method === 'HEAD') warnings.push(`fetch does not allow a body with ${spec.method}`);
    const text = utf8DecodeStrict(spec.body);
    if (text !== undefined) lines.push(`  body: ${JSON.stringify(text)},`);
    else lines.push(`  body: Uint8Array.from(atob(${JSON.stringify(bytesToBase64(spec.body))}), (c) => c.charCodeAt(0)),`);
  }
  const code = `await fetch(${JSON.stringify(spec.url)}, {\n${lines.join('\n')}\n});`;
  return { code, warnings };
}
