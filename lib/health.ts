/**
 * A workbench tab's health, per part of the page. A tab is watched (coverage, `watching`) only when every part
 * needed to see a new question is readable: the conversation list, the open thread (its message list, when a
 * conversation is open), the chat input and the logged-in account. Each part is
 * - `ok`: found and read;
 * - `missing`: expected but not found, or found with content none of which could be read (a list whose rows all
 *   fail to parse, an open conversation without its message list): the tab is blind;
 * - `none`: legitimately absent (no conversation open: no thread and no input needed; no shop shown: the tab is
 *   watched under an account of its own, shown as "未识别店铺", never merged with another tab).
 * The single `health` state is derived from the parts by `healthOf` (pure), in one place, for adapters, the
 * protocol's check and tests alike.
 */
import type { Translate } from './badge';

export const HEALTH_PARTS = ['list', 'thread', 'input', 'account'] as const;
export type HealthPart = (typeof HEALTH_PARTS)[number];

export const PART_STATES = ['ok', 'missing', 'none'] as const;
export type PartState = (typeof PART_STATES)[number];

export type HealthParts = Record<HealthPart, PartState>;

/**
 * The tab's one state. Derived from the parts: `watching`, or the first missing part (`noList`, `noThread`,
 * `noInput`, `noAccount`); `loggedOut` when the page shows its login form. `noConversation` is never derived any
 * more (no conversation open is `watching`: the list shows new questions); it stays for tab rows stored before.
 */
export type Health = 'watching' | 'noList' | 'noThread' | 'noInput' | 'noAccount' | 'loggedOut' | 'noConversation';

/** The state each part's absence gives, in the order a new question is seen: list, then thread, input, account. */
const STATE_OF_MISSING: Record<HealthPart, Health> = {
  list: 'noList',
  thread: 'noThread',
  input: 'noInput',
  account: 'noAccount',
};

/** The tab's single state from its parts (a login page is `loggedOut`, whatever its parts say). */
export function healthOf(parts: HealthParts, page: { loggedOut?: boolean } = {}): Health {
  if (page.loggedOut) return 'loggedOut';
  for (const p of HEALTH_PARTS) if (parts[p] === 'missing') return STATE_OF_MISSING[p];
  return 'watching';
}

/** The missing parts, in HEALTH_PARTS order. */
export function missingParts(parts: HealthParts): HealthPart[] {
  return HEALTH_PARTS.filter((p) => parts[p] === 'missing');
}

/**
 * What the user reads about a tab: which parts are missing ("看不到聊天记录、看不到输入框"), else the state's own
 * words (watching, logged out, and rows stored before parts existed).
 */
export function healthText(t: Translate, health: Health, parts: HealthParts | undefined): string {
  return healthLabels(t, health, parts).join(t('partSeparator'));
}

/** healthText, one label per missing part (or the state's words alone). */
export function healthLabels(t: Translate, health: Health, parts: HealthParts | undefined): string[] {
  const missing = health === 'watching' || health === 'loggedOut' || !parts ? [] : missingParts(parts);
  return missing.length ? missing.map((p) => t(`part_${p}`)) : [t(`health_${health}`)];
}
