/** A classic 16-bytes-per-line hex dump of bytes, for the hex body viewer. Pure. */
export function hexDumpLines(bytes: Uint8Array, maxBytes = 64 * 1024): string[] {
  const n = Math.min(bytes.length, maxBytes);
  const lines: string[] = [];
  for (let off = 0; off < n; off += 16) {
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const idx = off + i;
      if (idx < n) {
        const b = bytes[idx]!;
        hex += b.toString(16).padStart(2, '0') + (i === 7 ? '  ' : ' ');
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else {
        hex += i === 7 ? '    ' : '   ';
      }
    }
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.trimEnd().padEnd(48)} |${ascii}|`);
  }
  return lines;
}
