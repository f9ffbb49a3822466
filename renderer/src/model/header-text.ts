import type { RawHeaders } from '../../../shared/http-types';

/** Headers as editable text ("Name: value" per line) and back. Pure. */
export function headersToText(headers: RawHeaders): string {
  return headers
    .filter(([n]) => !n.startsWith(':'))
    .map(([n, v]) => `${n}: ${v}`)
    .join('\n');
}

export function textToHeaders(text: string): { headers: RawHeaders; error?: string } {
  const headers: RawHeaders = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { headers, error: `Line ${i + 1}: expected "Name: value"` };
    const name = line.slice(0, colon).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return { headers, error: `Line ${i + 1}: "${name}" is not a valid header name` };
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  return { headers };
}
