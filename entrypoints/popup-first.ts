/**
 * Loaded by popup.html as a classic script ahead of the popup's module graph: starts the first screen's raw
 * IndexedDB read while the browser still loads and compiles React (about 30-40 ms), so the rows are usually in
 * when the popup's module runs. The module picks the promise up and checks the rows (entrypoints/popup/main.tsx).
 * Only the raw read is in here (`first-raw.ts`): no settings schema, no rules checks.
 */
import { readPopupRaw, type PopupRaw } from '@/components/popup/first-raw';

declare global {
  var __rsPopupFirst: Promise<PopupRaw> | undefined;
}

export default defineUnlistedScript(() => {
  const first = readPopupRaw(Date.now());
  first.catch(() => undefined); // the module handles a refusal
  globalThis.__rsPopupFirst = first;
});
