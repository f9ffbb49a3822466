#!/usr/bin/env node
// Draws Gatehouse's icons (an arched gate on a rounded square) straight into
// PNG files — no image tools, no downloads. Run after changing the drawing:
//   node resources/make-icons.js
// Output: resources/icon.png (1024), resources/icons/<n>x<n>.png for Linux,
// resources/tray*.png for the tray (the *Template files are macOS template images).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const CRC_TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Shapes in unit coordinates (0..1, y down).
function inRoundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
function inArch(x, y, left, right, top, bottom) {
  const r = (right - left) / 2;
  const cx = left + r;
  const cy = top + r;
  if (x < left || x > right || y > bottom || y < top) return false;
  return y >= cy || (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
/** 0 = transparent, 1 = background, 2 = gate (foreground). */
function paint(x, y, detailed) {
  const pad = 0.03;
  if (!inRoundedRect(x, y, pad, pad, 1 - pad, 1 - pad, 0.22)) return 0;
  const outer = inArch(x, y, 0.22, 0.78, 0.2, 0.8);
  const door = inArch(x, y, 0.36, 0.64, 0.36, 0.8);
  if (outer && !door) return 2;
  if (door && detailed) {
    // Portcullis: three bars and a cross bar.
    for (const bx of [0.43, 0.5, 0.57]) if (Math.abs(x - bx) < 0.018 && y > 0.4) return 2;
    if (Math.abs(y - 0.58) < 0.018) return 2;
  }
  if (y > 0.8 && y < 0.84 && x > 0.16 && x < 0.84) return 2; // threshold
  return 1;
}

function render(size, colors, detailed) {
  const ss = size <= 64 ? 6 : 3; // supersampling per axis
  const buf = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = colors[paint((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size, detailed)];
          acc[0] += c[0] * c[3];
          acc[1] += c[1] * c[3];
          acc[2] += c[2] * c[3];
          acc[3] += c[3];
        }
      }
      const n = ss * ss;
      const a = acc[3] / n;
      const o = (py * size + px) * 4;
      buf[o] = a ? Math.round(acc[0] / acc[3]) : 0;
      buf[o + 1] = a ? Math.round(acc[1] / acc[3]) : 0;
      buf[o + 2] = a ? Math.round(acc[2] / acc[3]) : 0;
      buf[o + 3] = Math.round(a);
    }
  }
  return encodePng(size, buf);
}

const APP = { 0: [0, 0, 0, 0], 1: [37, 99, 235, 255], 2: [255, 255, 255, 255] };
// Tray, macOS template: only alpha matters; the gate is cut out of the square.
const TEMPLATE = { 0: [0, 0, 0, 0], 1: [0, 0, 0, 255], 2: [0, 0, 0, 0] };

function write(rel, data) {
  const file = path.join(__dirname, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}

write('icon.png', render(1024, APP, true));
for (const s of [16, 24, 32, 48, 64, 128, 256, 512]) write(`icons/${s}x${s}.png`, render(s, APP, s >= 48));
write('tray.png', render(16, APP, false));
write('tray@2x.png', render(32, APP, false));
write('trayTemplate.png', render(16, TEMPLATE, false));
write('trayTemplate@2x.png', render(32, TEMPLATE, false));
console.log('icons written to', __dirname);
