/** The extension's IndexedDB database (its own module, so code that must not load Dexie can name it). */
export const DB_NAME = 'reply-sentinel';
