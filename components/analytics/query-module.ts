/** What the analytics page's deferred queries need, loaded after its first frame (keeps Dexie out of its first load). */
export { liveQuery, uiDb } from '@/lib/ui/query-module';
export {
  eventsBetween,
  metaRow,
  readDayStats,
  rollupsOfDays,
  settingRow,
  teamRollupsOfDays,
  unitsWithResult,
} from '@/lib/db/queries';
export { readAnalyticsFirst } from './first-read';
