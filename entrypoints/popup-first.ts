/**
 * Loaded by popup.html as a classic script ahead of the popup's module graph: asks the worker for the first
 * screen's rows and starts their raw IndexedDB read beside it (the first to answer counts: `readPopupFirst`) while
 * the browser still loads and compiles React, so the rows are usually in when the popup's module runs. The module
 * picks the promise up and checks the rows (entrypoints/popup/main.tsx). Only the reads are in here
 * (`first-raw.ts`, `lib/send.ts`): no settings schema, no rules checks.
 */
import { readPopupFirst, type PopupRaw } from '@/components/popup/first-raw';
import { send } from '@/lib/send';

declare global {
  var __rsPopupFirst: Promise<PopupRaw> | undefined;
}

export default defineUnlistedScript(() => {
  const first = readPopupFirst(Date.now(), (now) =>
    send((m) => browser.runtime.sendMessage(m), { type: 'popupFirst', now }),
  );
  first.catch(() => undefined); // the module handles a refusal
  globalThis.__rsPopupFirst = first;
});
