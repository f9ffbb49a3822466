import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { decodeBody, hexDump } from '../../main/recorder/body-decoder';

const json = Buffer.from(JSON.stringify({ a: 1, b: ['x', 'ü'] }));

test('gzip, deflate (zlib and raw) and br are removed; JSON is pretty-printed', () => {
  const cases: Array<[string, Buffer]> = [
    ['gzip', zlib.gzipSync(json)],
    ['deflate', zlib.deflateSync(json)],
    ['deflate', zlib.deflateRawSync(json)],
    ['br', zlib.brotliCompressSync(json)],
  ];
  for (const [enc, bytes] of cases) {
    const d = decodeBody({ bytes, headers: [['Content-Type', 'application/json'], ['Content-Encoding', enc]], truncated: false });
    assert.equal(d.kind, 'json', enc);
    assert.equal(d.text, JSON.stringify({ a: 1, b: ['x', 'ü'] }, null, 2));
    assert.deepEqual(d.contentEncoding, [enc]);
    assert.equal(d.decodedSize, json.length);
  }
});

test('stacked encodings are removed last-applied first', () => {
  const bytes = zlib.brotliCompressSync(zlib.gzipSync(Buffer.from('layered')));
  const d = decodeBody({ bytes, headers: [['content-type', 'text/plain'], ['content-encoding', 'gzip, br']], truncated: false });
  assert.equal(d.text, 'layered');
});

test('a truncated gzip prefix decodes as far as it goes', () => {
  const text = 'line of text\n'.repeat(5000);
  const gz = zlib.gzipSync(Buffer.from(text));
  const d = decodeBody({ bytes: gz.subarray(0, Math.floor(gz.length / 2)), headers: [['content-encoding', 'gzip'], ['content-type', 'text/plain']], truncated: true });
  assert.equal(d.kind, 'text');
  assert.equal(d.truncated, true);
  assert.ok(d.text!.length > 0 && text.startsWith(d.text!));
});

test('corrupt encoded data falls back to hex with a decode error', () => {
  const d = decodeBody({ bytes: Buffer.from('not gzip at all'), headers: [['content-encoding', 'gzip']], truncated: false });
  assert.equal(d.kind, 'hex');
  assert.match(d.decodeError!, /content-encoding/);
});

test('text is decoded in its declared charset', () => {
  const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "café" in ISO-8859-1
  const d = decodeBody({ bytes: latin1, headers: [['content-type', 'text/plain; charset=ISO-8859-1']], truncated: false });
  assert.equal(d.text, 'café');
  assert.equal(d.charset, 'windows-1252'); // WHATWG maps latin1 labels to windows-1252
  const sjis = Buffer.from([0x82, 0xa0]); // "あ" in Shift_JIS
  assert.equal(decodeBody({ bytes: sjis, headers: [['content-type', 'text/plain; charset="shift_jis"']], truncated: false }).text, 'あ');
});

test('invalid JSON under a JSON type is shown as text, not lost', () => {
  const d = decodeBody({ bytes: Buffer.from('{"cut'), headers: [['content-type', 'application/json']], truncated: true });
  assert.equal(d.kind, 'text');
  assert.equal(d.text, '{"cut');
});

test('images become base64 data with their mime type; binary becomes a hex dump', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const img = decodeBody({ bytes: png, headers: [['content-type', 'image/png']], truncated: false });
  assert.equal(img.kind, 'image');
  assert.equal(img.mimeType, 'image/png');
  assert.equal(Buffer.from(img.base64!, 'base64').toString('hex'), png.toString('hex'));
  const bin = decodeBody({ bytes: Buffer.from([0, 1, 2, 0x41]), headers: [['content-type', 'application/octet-stream']], truncated: false });
  assert.equal(bin.kind, 'hex');
  assert.equal(bin.text, '00000000  00 01 02 41                                       |...A|');
  assert.equal(decodeBody({ bytes: new Uint8Array(0), headers: [], truncated: false }).kind, 'empty');
});

test('untyped bodies are sniffed: JSON-looking text is JSON, control bytes are hex', () => {
  assert.equal(decodeBody({ bytes: Buffer.from('[1,2]'), headers: [], truncated: false }).kind, 'json');
  assert.equal(decodeBody({ bytes: Buffer.from('plain words'), headers: [], truncated: false }).kind, 'text');
  assert.equal(decodeBody({ bytes: Buffer.from([0x00, 0xff]), headers: [], truncated: false }).kind, 'hex');
});

test('hex dumps stop at the limit and say how much is left', () => {
  const dump = hexDump(new Uint8Array(100), 32);
  assert.equal(dump.split('\n').length, 3);
  assert.match(dump, /… 68 more bytes$/);
});

test('a decompression bomb is cut off rather than exhausting memory', () => {
  const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
  const d = decodeBody({ bytes: bomb, headers: [['content-encoding', 'gzip']], truncated: false });
  assert.equal(d.kind, 'hex');
  assert.match(d.decodeError!, /content-encoding/);
});
