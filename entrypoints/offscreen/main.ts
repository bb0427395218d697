/**
 * The offscreen document (reason AUDIO_PLAYBACK): plays the bundled alert sounds the background asks for. It
 * decides nothing. What it was asked to play is kept in `__rsPlayed` (read by the e2e test; headless Chromium may
 * output no audio).
 */
import { SOUND_FILES, parsePlay, type SoundName } from '@/lib/sounds';

const played: { sound: SoundName; volume: number; at: number }[] = [];
(globalThis as { __rsPlayed?: typeof played }).__rsPlayed = played;

browser.runtime.onMessage.addListener((raw, _sender, sendResponse) => {
  const msg = parsePlay(raw);
  if (!msg) return; // every other message is the background's to answer
  played.push({ sound: msg.sound, volume: msg.volume, at: Date.now() });
  // The sound files are public paths WXT does not type (generated assets).
  const url = (browser.runtime.getURL as (path: string) => string)(SOUND_FILES[msg.sound]);
  const audio = new Audio(url);
  audio.volume = msg.volume;
  audio.play().then(
    () => sendResponse({ ok: true }),
    (err: unknown) => sendResponse({ ok: false, error: String(err) }),
  );
  return true;
});
