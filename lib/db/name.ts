/**
 * The extension's IndexedDB database by name: the database, its tables and the indexes that reads name. A module of
 * its own, free of Dexie, so code that must not load Dexie (the popup's raw first read) names them too.
 * `test/unit/db.test.ts` checks every name here against the newest schema (`schema.ts`).
 */
export const DB_NAME = 'reply-sentinel';

/** The tables (IndexedDB object stores). */
export const TABLE = {
  events: 'events',
  clocks: 'clocks',
  units: 'units',
  rollups: 'rollups',
  settings: 'settings',
  coverage: 'coverage',
  tabs: 'tabs',
  phrases: 'phrases',
  meta: 'meta',
  teamRollups: 'teamRollups',
  dayStats: 'dayStats',
} as const;

/** The indexes that reads use, per table (compound ones as Dexie names them: `[a+b]`). */
export const INDEX = {
  events: { at: 'at', conv: 'conv' },
  clocks: { status: 'status', statusDueAt: '[status+dueAt]', statusStartedAt: '[status+startedAt]' },
  units: { conv: 'conv', metricDay: '[metric+day]', dayResult: '[day+result]' },
  rollups: { id: 'id', day: 'day' },
  coverage: { platformAccount: '[platform+account]', tabId: 'tabId', open: 'open' },
  tabs: { platformAccount: '[platform+account]' },
  phrases: { usage: 'usage' },
  dayStats: { metricDay: '[metric+day]' },
} as const;
