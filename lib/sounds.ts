/**
 * The bundled alert sounds (made for the project by `scripts/gen-sounds.mjs`, see `public/sounds/README.md`) and the
 * one message the background sends the offscreen document that plays them. Small on purpose: the offscreen page and
 * the settings page import it.
 */
export const SOUNDS = ['new', 'soon', 'breach'] as const;
export type SoundName = (typeof SOUNDS)[number];

export const SOUND_FILES: Record<SoundName, string> = {
  new: '/sounds/new.wav',
  soon: '/sounds/soon.wav',
  breach: '/sounds/breach.wav',
};

/** Background → offscreen document: play one sound at `volume` (0–1). */
export interface PlayMessage {
  target: 'offscreen';
  type: 'play';
  sound: SoundName;
  volume: number;
}

/** Accepts a play message (offscreen side), or null for anything else (other messages pass by the page). */
export function parsePlay(raw: unknown): PlayMessage | null {
  if (raw === null || typeof raw !== 'object') return null;
  const m = raw as Record<string, unknown>;
  if (m.target !== 'offscreen' || m.type !== 'play') return null;
  if (!(SOUNDS as readonly unknown[]).includes(m.sound)) return null;
  if (typeof m.volume !== 'number' || !(m.volume >= 0 && m.volume <= 1)) return null;
  return { target: 'offscreen', type: 'play', sound: m.sound as SoundName, volume: m.volume };
}
