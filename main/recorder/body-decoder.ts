/**
 * Decodes a captured body for display — never on the forward path: removes
 * Content-Encoding (gzip, deflate, br; truncated prefixes decode as far as they
 * go), then shows JSON pretty-printed, text in its charset, images as data, and
 * everything else as a hex dump.
 */
import * as zlib from 'node:zlib';
import { TextDecoder } from 'node:util';
import type { RawHeaders } from '../../shared/http-types';
import type { DecodedBody } from '../../shared/exchange-types';
import { bytesToBase64 } from '../../shared/base64';
import { headerValue, isJsonMediaType, isTextualMediaType, mediaType, mediaTypeParam } from '../../shared/raw-headers';

/** Largest decoded size produced (guards against decompression bombs). */
export const MAX_DECODED_BYTES = 32 * 1024 * 1024;
/** Bytes shown in a hex dump. */
export const HEX_DUMP_LIMIT = 64 * 1024;

export interface DecodeInput {
  bytes: Uint8Array;
  headers: RawHeaders;
  truncated: boolean;
  /** Content-Encoding already removed (HAR imports). */
  contentDecoded?: boolean;
}

function decodeLayer(encoding: string, data: Buffer, truncated: boolean): Buffer {
  const opts = {
    maxOutputLength: MAX_DECODED_BYTES,
    // A truncated capture has no proper end: decode what is there.
    finishFlush: truncated ? zlib.constants.Z_SYNC_FLUSH : zlib.constants.Z_FINISH,
  };
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(data, opts);
    case 'deflate':
      // "deflate" is meant to be zlib-wrapped, but servers send raw deflate too.
      try {
        return zlib.inflateSync(data, opts);
      } catch {
        return zlib.inflateRawSync(data, opts);
      }
    case 'br':
      return zlib.brotliDecompressSync(data, {
        maxOutputLength: MAX_DECODED_BYTES,
        finishFlush: truncated ? zlib.constants.BROTLI_OPERATION_FLUSH : zlib.constants.BROTLI_OPERATION_FINISH,
      });
    case 'identity':
      return data;
    default:
      throw new Error(`unsupported content-encoding "${encoding}"`);
  }
}

/** Removes the Content-Encoding layers (last applied first). Throws on corrupt data. */
export function removeContentEncoding(bytes: Uint8Array, headers: RawHeaders, truncated = false): { bytes: Uint8Array; layers: string[] } {
  const header = headerValue(headers, 'content-encoding');
  const layers = (header ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '' && s !== 'identity');
  let data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const layer of [...layers].reverse()) data = decodeLayer(layer, data, truncated);
  return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), layers };
}

export function hexDump(bytes: Uint8Array, limit = HEX_DUMP_LIMIT): string {
  const lines: string[] = [];
  const n = Math.min(bytes.length, limit);
  for (let off = 0; off < n; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, n));
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (i < row.length) {
        hex += row[i]!.toString(16).padStart(2, '0') + ' ';
        ascii += row[i]! >= 0x20 && row[i]! < 0x7f ? String.fromCharCode(row[i]!) : '.';
      } else hex += '   ';
      if (i === 7) hex += ' ';
    }
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  if (bytes.length > n) lines.push(`… ${bytes.length - n} more bytes`);
  return lines.join('\n');
}

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b)) return false;
  }
  return true;
}

function decodeText(bytes: Uint8Array, charset: string | undefined, truncated: boolean): { text: string; charset: string } {
  let label = (charset ?? 'utf-8').toLowerCase();
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: false });
  } catch {
    label = 'utf-8';
    decoder = new TextDecoder(label);
  }
  // stream: true on a truncated prefix avoids a replacement char for a cut multi-byte sequence.
  return { text: decoder.decode(bytes, { stream: truncated }), charset: decoder.encoding };
}

/** A display-ready view of a captured body. */
export function decodeBody(input: DecodeInput): DecodedBody {
  const contentType = headerValue(input.headers, 'content-type');
  const type = mediaType(contentType);
  const base: Pick<DecodedBody, 'contentType' | 'truncated'> = { truncated: input.truncated };
  if (contentType !== undefined) base.contentType = contentType;
  if (input.bytes.length === 0) return { ...base, kind: 'empty', decodedSize: 0 };

  let bytes = input.bytes;
  let layers: string[] = [];
  let decodeError: string | undefined;
  if (!input.contentDecoded) {
    try {
      ({ bytes, layers } = removeContentEncoding(input.bytes, input.headers, input.truncated));
    } catch (e) {
      decodeError = `could not decode content-encoding: ${(e as Error).message}`;
      bytes = input.bytes;
      layers = [];
    }
  }
  const out = (extra: Omit<DecodedBody, 'contentType' | 'truncated' | 'decodedSize' | 'contentEncoding' | 'decodeError'>): DecodedBody => {
    const d: DecodedBody = { ...base, ...extra, decodedSize: bytes.length };
    if (layers.length > 0) d.contentEncoding = layers;
    if (decodeError) d.decodeError = decodeError;
    return d;
  };
  if (decodeError) return out({ kind: 'hex', text: hexDump(bytes) });

  if (type?.startsWith('image/') && type !== 'image/svg+xml') {
    return out({ kind: 'image', base64: bytesToBase64(bytes), mimeType: type });
  }
  const binaryType = !!type && (/^(audio|video|font)\//.test(type) || /^application\/(octet-stream|pdf|zip|gzip|wasm|x-protobuf|protobuf|grpc.*)$/.test(type));
  if (isTextualMediaType(type) || (!binaryType && looksLikeText(bytes))) {
    const { text, charset } = decodeText(bytes, mediaTypeParam(contentType, 'charset'), input.truncated);
    const jsonish = isJsonMediaType(type) || (!type && /^\s*[[{]/.test(text));
    if (jsonish) {
      try {
        return out({ kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2), charset });
      } catch {
        // Not valid JSON (or cut off): show it as text.
      }
    }
    return out({ kind: 'text', text, charset });
  }
  return out({ kind: 'hex', text: hexDump(bytes) });
}
