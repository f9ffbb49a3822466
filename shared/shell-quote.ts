/**
 * POSIX shell quoting. Single quotes keep every byte literal except the single
 * quote itself ('\'' closes, escapes and reopens). Strings with bytes a terminal
 * mangles (controls, non-ASCII, NUL) go through printf octal escapes instead,
 * which every POSIX shell's builtin printf turns back into the exact bytes.
 */

export function singleQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Leaves plain words (methods, flags) bare; quotes anything else. */
export function quoteWord(text: string): string {
  return /^[A-Za-z0-9_\-.]+$/.test(text) ? text : singleQuote(text);
}

/** A printf FORMAT (single-quoted) that prints exactly these bytes. */
export function printfFormat(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c && b !== 0x25) out += String.fromCharCode(b);
    else out += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `'${out}'`;
}

/** True when the bytes are printable ASCII (plus tab) and so survive single quotes on any terminal. */
export function isPlainAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (!((b >= 0x20 && b < 0x7f) || b === 0x09)) return false;
  return true;
}

/**
 * A shell word for an argument given as bytes: single-quoted when plain,
 * otherwise "$(printf '...')" (only for arguments without trailing newlines:
 * command substitution strips them).
 */
export function quoteBytesArg(bytes: Uint8Array): string {
  if (isPlainAscii(bytes)) {
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return singleQuote(text);
  }
  return `"$(printf ${printfFormat(bytes)})"`;
}
