/**
 * Plays alert sounds through the offscreen document (`entrypoints/offscreen/`, reason AUDIO_PLAYBACK): a service
 * worker has no audio. The worker decides when; the document only plays, so sounds come whether the workbench tab is
 * in the background or its window minimised. The browser calls are injected (`OffscreenApi`) so this is testable.
 */
import type { PlayMessage, SoundName } from '../sounds';

export const OFFSCREEN_URL = 'offscreen.html';

export interface OffscreenApi {
  hasDocument(): Promise<boolean>;
  createDocument(url: string): Promise<void>;
  send(msg: PlayMessage): Promise<unknown>;
}

export function offscreenPlayer(api: OffscreenApi): (sound: SoundName, volume: number) => Promise<void> {
  let creating: Promise<void> | null = null;
  async function ensure() {
    if (await api.hasDocument()) return;
    // One creation at a time: a second call while one is under way waits for it.
    creating ??= api.createDocument(OFFSCREEN_URL).finally(() => (creating = null));
    await creating;
  }
  return async (sound, volume) => {
    try {
      await ensure();
      await api.send({ target: 'offscreen', type: 'play', sound, volume });
    } catch {
      // A sound that cannot play never stops the worker (the notification still shows).
    }
  };
}
