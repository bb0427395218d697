/**
 * Loaded by popup.html as a classic script ahead of the popup's module graph: starts the first screen's raw
 * IndexedDB read while the browser still loads and compiles React and Dexie (about 30-40 ms), so the data is
 * usually in when the popup's module runs. The module picks the promise up (entrypoints/popup/main.tsx).
 */
import { readPopupDataFast, type PopupData } from '@/components/popup/first-read';

declare global {
  var __rsPopupFirst: Promise<PopupData> | undefined;
}

export default defineUnlistedScript(() => {
  const first = readPopupDataFast(Date.now());
  first.catch(() => undefined); // the module handles a refusal
  globalThis.__rsPopupFirst = first;
});
