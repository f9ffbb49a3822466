/**
 * base64 <-> bytes and UTF-8 <-> bytes without Buffer, btoa or TextEncoder, so
 * the same code runs in the engine, the renderer and tests. Pure.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;
LOOKUP['-'.charCodeAt(0)] = 62; // base64url
LOOKUP['_'.charCodeAt(0)] = 63;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    chunk += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    chunk += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    chunk += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + '=';
  }
  parts.push(chunk);
  return parts.join('');
}

/** Decodes base64 or base64url; whitespace and "=" are ignored. Throws on any other character. */
export function base64ToBytes(text: string): Uint8Array {
  return base64ToBytesPrefix(text, Infinity).bytes;
}

/** What the regular expression \s matches. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c > 0x7f && /\s/.test(String.fromCharCode(c)));
}

/**
 * The first `maxBytes` bytes that `text` (base64 or base64url) decodes to, and
 * the size of the whole decoded body. Every character is checked, but only the
 * kept prefix is allocated, so a huge body costs no more memory than its cap.
 * Whitespace and "=" are ignored; throws on any other character (its position
 * in `text`) or on a length no base64 text can have.
 */
export function base64ToBytesPrefix(text: string, maxBytes: number): { bytes: Uint8Array; size: number } {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && LOOKUP[c]! >= 0) digits++;
    else if (c !== 0x3d && !isSpace(c)) throw new Error(`invalid base64: unexpected character at ${i}`);
  }
  if (digits % 4 === 1) throw new Error('invalid base64: wrong length');
  const size = Math.floor((digits * 3) / 4);
  const out = new Uint8Array(Math.min(size, Math.max(0, maxBytes)));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length && o < out.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) continue; // whitespace or "=": checked above
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return { bytes: out, size };
}

export function isBase64(text: string): boolean {
  return /^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(text) && text.replace(/\s+/g, '').length % 4 === 0;
}

/** UTF-8 encode (lone surrogates become U+FFFD, like TextEncoder). */
export function utf8Encode(text: string): Uint8Array {
  return utf8EncodePrefix(text, Infinity).bytes;
}

/** The number of bytes utf8Encode(text) would give, without encoding anything. */
export function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: 2 chars, 4 bytes
      i++;
    } else n += 2; // 3 bytes (U+FFFD for a lone surrogate)
  }
  return n;
}

/**
 * The first `maxBytes` bytes of the UTF-8 encoding of `text` (a character may
 * be cut, as a byte cap on the wire would), and the size of the whole encoding.
 * Only the kept prefix is allocated, so a huge text costs no more than its cap.
 */
export function utf8EncodePrefix(text: string, maxBytes: number): { bytes: Uint8Array; size: number } {
  const size = utf8Length(text);
  const out = new Uint8Array(Math.min(size, Math.max(0, maxBytes)));
  const end = out.length;
  let o = 0;
  const put = (b: number): void => {
    if (o < end) out[o++] = b;
  };
  for (let i = 0; i < text.length && o < end; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out[o++] = c;
    else if (c < 0x800) {
      put(0xc0 | (c >> 6));
      put(0x80 | (c & 63));
    } else if (c < 0x10000) {
      put(0xe0 | (c >> 12));
      put(0x80 | ((c >> 6) & 63));
      put(0x80 | (c & 63));
    } else {
      put(0xf0 | (c >> 18));
      put(0x80 | ((c >> 12) & 63));
      put(0x80 | ((c >> 6) & 63));
      put(0x80 | (c & 63));
    }
  }
  return { bytes: out, size };
}

/** Strict UTF-8 decode: returns undefined when the bytes are not valid UTF-8. */
export function utf8DecodeStrict(bytes: Uint8Array): string | undefined {
  let out = '';
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let cp: number;
    let need: number;
    if (b < 0x80) {
      cp = b;
      need = 0;
    } else if (b >= 0xc2 && b <= 0xdf) {
      cp = b & 0x1f;
      need = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      cp = b & 0x0f;
      need = 2;
    } else if (b >= 0xf0 && b <= 0xf4) {
      cp = b & 0x07;
      need = 3;
    } else return undefined;
    for (let k = 1; k <= need; k++) {
      const n = bytes[i + k];
      if (n === undefined || (n & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (n & 0x3f);
    }
    if ((need === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (need === 3 && (cp < 0x10000 || cp > 0x10ffff))) {
      return undefined;
    }
    out += cp < 0x10000 ? String.fromCharCode(cp) : String.fromCharCode(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    if (out.length >= 8192) {
      parts.push(out);
      out = '';
    }
    i += need + 1;
  }
  parts.push(out);
  return parts.join('');
}

/** Each char code (0-255) as one byte: the latin1 view Node gives header bytes. */
export function latin1Encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
