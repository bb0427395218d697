/**
 * Synthesises the alert sounds in public/sounds/ (16-bit mono PCM WAV, 22 050 Hz): sine tones with short fades, no
 * third-party audio. Run `node scripts/gen-sounds.mjs` to make them again; the output is deterministic.
 */
import { mkdirSync, writeFileSync } from 'node:fs';

const RATE = 22_050;

/** Notes: [frequency Hz (0 = silence), milliseconds, gain 0–1]. */
const SOUNDS = {
  // A new question: one soft, low ping.
  new: [[660, 160, 0.45]],
  // The pre-breach warning: two rising notes.
  soon: [
    [880, 130, 0.6],
    [0, 40, 0],
    [1175, 170, 0.6],
  ],
  // A breach: three insistent high notes.
  breach: [
    [1320, 110, 0.75],
    [0, 50, 0],
    [1320, 110, 0.75],
    [0, 50, 0],
    [1568, 220, 0.75],
  ],
};

function render(notes) {
  const samples = [];
  for (const [freq, ms, gain] of notes) {
    const n = Math.round((RATE * ms) / 1000);
    const fade = Math.min(n / 4, RATE * 0.012);
    for (let i = 0; i < n; i++) {
      const env = Math.min(1, i / fade, (n - 1 - i) / fade);
      // A touch of the second harmonic makes a tone carry on small laptop speakers.
      const s = freq ? Math.sin((2 * Math.PI * freq * i) / RATE) + 0.25 * Math.sin((4 * Math.PI * freq * i) / RATE) : 0;
      samples.push(Math.round((s / 1.25) * gain * env * 32_767));
    }
  }
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVE', 8);
  head.write('fmt ', 12);
  head.writeUInt32LE(16, 16); // PCM chunk size
  head.writeUInt16LE(1, 20); // PCM
  head.writeUInt16LE(1, 22); // mono
  head.writeUInt32LE(RATE, 24);
  head.writeUInt32LE(RATE * 2, 28); // byte rate
  head.writeUInt16LE(2, 32); // block align
  head.writeUInt16LE(16, 34); // bits per sample
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

const dir = new URL('../public/sounds/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, notes] of Object.entries(SOUNDS)) writeFileSync(new URL(`${name}.wav`, dir), render(notes));
