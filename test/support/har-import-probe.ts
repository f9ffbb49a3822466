// Run as a child process with a small V8 heap: imports one HAR entry whose
// response body is MB megabytes of text (ENCODING "text": "A"s; "base64":
// base64 wrapped in lines of 76, as MIME tools write it) and prints what was
// captured as JSON. A run out of memory dies instead of printing.
// Usage: node --max-old-space-size=N --import tsx test/support/har-import-probe.ts ENCODING MB CAP
import { harToExchanges } from '../../shared/har-import';

const [encoding, mb, cap] = process.argv.slice(2);
const bytes = Number(mb) * 1024 * 1024;
const text = encoding === 'base64' ? `${'QUFB'.repeat(19)}\n`.repeat(Math.floor(bytes / 77)) : 'A'.repeat(bytes);
// Only the fields the importer requires.
const content = { mimeType: 'text/plain', text, ...(encoding === 'base64' ? { encoding: 'base64' } : {}) };
const entry = {
  startedDateTime: '2024-05-01T10:00:00.000Z',
  request: { method: 'GET', url: 'http://app.test/big', headers: [] },
  response: { status: 200, headers: [], content },
};
const out = harToExchanges({ log: { version: '1.2', creator: { name: 'probe', version: '1' }, entries: [entry] } }, { bodyCap: Number(cap) });
const body = out.exchanges[0]!.responseBody;
const captured = Buffer.from(body.captured, 'base64');
process.stdout.write(JSON.stringify({ size: body.size, truncated: body.truncated, captured: captured.length, allA: captured.every((b) => b === 0x41) }));
