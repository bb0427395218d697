#!/usr/bin/env node
/**
 * Writes the extension icons public/icon/{16,32,48,128}.png: a rounded blue (#1677ff) square with a white
 * clock (ring + two hands). Pure Node (zlib only), no dependencies. The PNGs are committed; CI does not run
 * this. Re-run after changing the design: `node scripts/gen-icons.mjs`.
 *
 * Shapes are drawn as signed distance fields, supersampled 4×4 per pixel for antialiasing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../public/icon');
const SIZES = [16, 32, 48, 128];
const BLUE = [0x16, 0x77, 0xff];
const WHITE = [0xff, 0xff, 0xff];
const SS = 4; // supersamples per axis

// --- signed distance functions (negative inside), in pixels -------------------------------------------

function sdRoundRect(x, y, cx, cy, halfW, halfH, r) {
  const qx = Math.abs(x - cx) - halfW + r;
  const qy = Math.abs(y - cy) - halfH + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function sdRing(x, y, cx, cy, radius, width) {
  return Math.abs(Math.hypot(x - cx, y - cy) - radius) - width / 2;
}

/** A capsule: segment (ax,ay)-(bx,by) with round caps. */
function sdSegment(x, y, ax, ay, bx, by, width) {
  const px = x - ax;
  const py = y - ay;
  const dx = bx - ax;
  const dy = by - ay;
  const h = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * h, py - dy * h) - width / 2;
}

// --- the design ----------------------------------------------------------------------------------------

function design(size) {
  const margin = size >= 48 ? size / 16 : 0; // small toolbar icons use the full square
  const half = size / 2 - margin;
  const c = size / 2;
  // At 16 px, whole-pixel strokes centred on pixel edges keep the mark crisp instead of grey.
  const stroke = size <= 16 ? 2 : size * 0.08;
  const ring = size <= 16 ? 5 : size * 0.29;
  // Long hand to 12, short hand to 3: "quarter past", easy to read even at 16 px.
  const long = { x: c, y: c - ring * 0.62 };
  const short = { x: c + ring * 0.48, y: c };
  return {
    background: (x, y) => sdRoundRect(x, y, c, c, half, half, size * 0.22),
    mark: (x, y) =>
      Math.min(
        sdRing(x, y, c, c, ring, stroke),
        sdSegment(x, y, c, c, long.x, long.y, stroke),
        sdSegment(x, y, c, c, short.x, short.y, stroke),
      ),
  };
}

function render(size) {
  const { background, mark } = design(size);
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = px + (sx + 0.5) / SS;
          const y = py + (sy + 0.5) / SS;
          if (background(x, y) <= 0) {
            bg++;
            if (mark(x, y) <= 0) fg++;
          }
        }
      }
      const alpha = bg / (SS * SS);
      const white = bg ? fg / bg : 0; // share of the covered area that is white
      const i = (py * size + px) * 4;
      for (let k = 0; k < 3; k++) rgba[i + k] = Math.round(BLUE[k] * (1 - white) + WHITE[k] * white);
      rgba[i + 3] = Math.round(alpha * 255);
    }
  }
  return rgba;
}

// --- PNG encoding --------------------------------------------------------------------------------------

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter
  ihdr[12] = 0; // no interlace
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT_DIR, { recursive: true });
for (const size of SIZES) {
  const file = path.join(OUT_DIR, `${size}.png`);
  writeFileSync(file, encodePng(size, render(size)));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
