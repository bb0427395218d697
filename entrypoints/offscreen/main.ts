/**
 * The offscreen document (reason AUDIO_PLAYBACK): plays the bundled alert sounds the background asks for. It
 * decides nothing. What it was asked to play is kept (`__rsPlayed`) and told to the extension's own contexts that
 * ask `{ target: 'offscreen', type: 'played' }` (the e2e test; headless Chromium may output no audio).
 */
import { SOUND_FILES, parsePlay, type SoundName } from '@/lib/sounds';

const isPlayedQuery = (raw: unknown) =>
  raw !== null &&
  typeof raw === 'object' &&
  (raw as { target?: unknown; type?: unknown }).target === 'offscreen' &&
  (raw as { type?: unknown }).type === 'played';

const played: { sound: SoundName; volume: number; at: number }[] = [];
(globalThis as { __rsPlayed?: typeof played }).__rsPlayed = played;

browser.runtime.onMessage.addListener((raw, sender, sendResponse) => {
  // Test hook: the extension's own worker or pages (never a tab) may ask what was played.
  if (isPlayedQuery(raw) && !sender.tab) {
    sendResponse(played);
    return;
  }
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
