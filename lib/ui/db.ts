/** The UI's read-only handle on the extension database (writes go through the background). */
import { SentinelDB } from '../db/schema';

export const uiDb = new SentinelDB();
