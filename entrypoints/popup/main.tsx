import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { popupFromRaw, readPopupRaw, type PopupData } from '@/components/popup/first-read';
import { Popup } from '@/components/popup/Popup';
import '@/components/ui.css';
import '@/components/popup/popup.css';

// The first screen's data, read right away (raw IndexedDB, started by /popup-first.js; else Dexie), and render once it is in; a live query
// inside the popup keeps it current afterwards. The popup opens complete instead of empty-then-filled, and sooner:
// the reads no longer wait for React's first commit and Dexie's open. A slow or broken database does not hold the
// popup back.
const root = createRoot(document.getElementById('root')!);
const now = Date.now();
const first = (globalThis.__rsPopupFirst ?? readPopupRaw(now))
  .then(popupFromRaw)
  // Else through Dexie (loaded only then).
  .catch(() => import('@/components/popup/data').then((m) => m.readPopupData(now)))
  .catch(() => undefined);
const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, 250));
// Rendered synchronously: nothing else is on screen yet, so there is nothing to interleave with.
// A read still running then is waited for (Popup `later`, at most 5 s more) rather than doubled by Dexie's.
void Promise.race([first, timeout]).then((initial?: PopupData) => {
  if (!initial) performance.mark('rs-popup-first-missed'); // for the benchmarks: rendered before the first data
  const later = initial ? undefined : Promise.race([first, new Promise<undefined>((r) => setTimeout(r, 5000))]);
  flushSync(() => root.render(<Popup initial={initial} later={later} />));
});
