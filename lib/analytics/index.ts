/**
 * Analytics over the stored rollups and units: pure functions (no Dexie, no clock of their own — `today` and
 * the scope are inputs). The page (`components/analytics`) reads the database and calls these.
 */
export * from './scope';
export * from './trends';
export * from './heatmap';
export * from './erlang';
export * from './staffing';
export * from './accounts';
export * from './team';
export * from './csv';
