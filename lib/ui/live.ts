/** Dexie for the UI's live queries, loaded on first use (see components/useLazyLive.ts). */
export { liveQuery } from 'dexie';
export { uiDb } from './db';
