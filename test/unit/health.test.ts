import { describe, expect, it } from 'vitest';
import { HEALTH_PARTS, PART_STATES, healthOf, healthText, missingParts, type HealthParts } from '../../lib/health';
import { catalogTranslate } from '../../lib/i18n';
import { HEALTH_STATES } from '../../lib/messages';
import { parseMessage } from '../../lib/protocol';

const OK: HealthParts = { list: 'ok', thread: 'ok', input: 'ok', account: 'ok' };
const zh = catalogTranslate('zh_CN');
const en = catalogTranslate('en');

/** Every combination of part states. */
function* everyParts(): Generator<HealthParts> {
  for (const list of PART_STATES)
    for (const thread of PART_STATES)
      for (const input of PART_STATES) for (const account of PART_STATES) yield { list, thread, input, account };
}

describe('health per part', () => {
  it('watching only when no part is missing ("none" is legitimately absent, e.g. no conversation open)', () => {
    expect(healthOf(OK)).toBe('watching');
    expect(healthOf({ list: 'ok', thread: 'none', input: 'none', account: 'ok' })).toBe('watching');
    for (const parts of everyParts()) {
      const missing = HEALTH_PARTS.filter((p) => parts[p] === 'missing');
      expect(healthOf(parts) === 'watching', JSON.stringify(parts)).toBe(missing.length === 0);
      expect(missingParts(parts)).toEqual(missing);
    }
  });

  it('names the first missing part in the order a question is seen: list, thread, input, account', () => {
    expect(healthOf({ ...OK, list: 'missing', thread: 'missing' })).toBe('noList');
    expect(healthOf({ ...OK, thread: 'missing', account: 'missing' })).toBe('noThread');
    expect(healthOf({ ...OK, input: 'missing', account: 'missing' })).toBe('noInput');
    expect(healthOf({ ...OK, account: 'missing' })).toBe('noAccount');
  });

  it('a login page is loggedOut whatever its parts say; every state it gives is a protocol state', () => {
    expect(healthOf(OK, { loggedOut: true })).toBe('loggedOut');
    for (const parts of everyParts())
      for (const loggedOut of [false, true])
        expect(HEALTH_STATES as readonly string[]).toContain(healthOf(parts, { loggedOut }));
  });

  it('says which parts are missing, Chinese first and English', () => {
    const parts: HealthParts = { list: 'ok', thread: 'missing', input: 'missing', account: 'ok' };
    expect(healthText(zh, 'noThread', parts)).toBe('看不到聊天记录、看不到输入框');
    expect(healthText(en, 'noThread', parts)).toBe("can't see the chat history, can't see the input box");
    expect(healthText(zh, 'noList', { ...OK, list: 'missing' })).toBe('看不到会话列表');
    expect(healthText(zh, 'noAccount', { ...OK, account: 'missing' })).toBe('认不出登录账号');
    expect(healthText(zh, 'watching', OK)).toBe('正在监测');
    expect(healthText(zh, 'loggedOut', { ...OK, list: 'missing' })).toBe('未登录');
    // Rows stored before parts existed keep their state's words.
    expect(healthText(zh, 'noList', undefined)).toContain('看不到聊天列表');
    expect(healthText(zh, 'noConversation', undefined)).toBe('未打开会话');
  });
});

describe('the health message', () => {
  const msg = (health: string, parts: unknown) => ({
    type: 'health',
    platform: 'pdd',
    account: 'shop',
    url: 'https://mms.pinduoduo.com/chat-merchant/',
    health,
    parts,
  });

  it('carries the parts, and its state must be the one the parts give', () => {
    expect(parseMessage(msg('watching', OK)).ok).toBe(true);
    expect(parseMessage(msg('noThread', { ...OK, thread: 'missing' })).ok).toBe(true);
    expect(parseMessage(msg('loggedOut', { ...OK, list: 'missing' })).ok).toBe(true);
    const lie = parseMessage(msg('watching', { ...OK, thread: 'missing' }));
    expect(lie).toEqual({ ok: false, error: expect.stringContaining('the state the parts give') });
    expect(parseMessage(msg('watching', { ...OK, thread: 'maybe' })).ok).toBe(false);
    expect(parseMessage(msg('watching', { list: 'ok' })).ok).toBe(false);
    expect(parseMessage(msg('watching', undefined)).ok).toBe(false);
  });
});
