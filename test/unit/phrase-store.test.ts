import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { PhraseStore } from '../../lib/background/phrases';
import { SentinelDB } from '../../lib/db/schema';
import { pinyinKey } from '../../lib/phrases/pinyin';
import { STARTER_PHRASES } from '../../lib/phrases/starter';
import { USE_HALF_LIFE_MS } from '../../lib/phrases/search';
import { promptsOf, validateDraft } from '../../lib/phrases/validate';
import { catalogTranslate, say } from '../../lib/i18n';

let n = 0;
let db: SentinelDB;
let store: PhraseStore;
beforeEach(() => {
  db = new SentinelDB(`phrases-${++n}`);
  store = new PhraseStore(db, () => 1_790_000_000_000);
});

describe('phrase validation', () => {
  it('cleans a good draft and explains a bad one', () => {
    expect(validateDraft({ text: '亲，在的\r\n第二行', tags: [' 问候 ', '问候', 3], shortcut: 'zai' })).toEqual({
      ok: true,
      draft: { text: '亲，在的\n第二行', group: '未分组', tags: ['问候'], shortcut: '/zai' },
    });
    const bad = validateDraft({ text: ' ', shortcut: '/有 空格', platforms: ['ebay'] });
    expect(bad.ok).toBe(false);
    // Said later, in the language of whoever shows them.
    if (!bad.ok) expect(bad.errors.map(([key]) => key)).toEqual(['ioEmptyText', 'ioBadShortcut', 'ioUnknownPlatform']);
    if (!bad.ok) expect(bad.errors.map((e) => say(catalogTranslate('en'), e))).toContain('empty text');
  });

  it('finds fill-in prompts', () => {
    expect(promptsOf('订单 {?订单号} 已发出，{买家昵称}，{?订单号}')).toEqual(['订单号']);
  });
});

describe('PhraseStore', () => {
  it('seeds the starter pack once', async () => {
    await store.seedIfEmpty();
    await store.seedIfEmpty();
    expect(await db.phrases.count()).toBe(STARTER_PHRASES.length);
  });

  it('saves, edits (keeping usage), refuses a taken shortcut, and filters by platform', async () => {
    const a = await store.save({ text: '拼多多专用', shortcut: '/p', platforms: ['pdd'] });
    const b = await store.save({ text: '通用' });
    expect(a).toMatchObject({ ok: true });
    await store.used((a as { id: number }).id);
    expect(await store.save({ text: '抢快捷键', shortcut: 'p' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('已被使用'),
    });
    expect(
      await store.save({ text: '拼多多专用（改）', shortcut: '/p', platforms: ['pdd'] }, (a as { id: number }).id),
    ).toMatchObject({ ok: true });
    const edited = await db.phrases.get((a as { id: number }).id);
    expect(edited).toMatchObject({ text: '拼多多专用（改）', usage: 1 });
    expect((await store.visible('jd')).map((p) => p.text)).toEqual(['通用']);
    expect((await store.visible('pdd')).map((p) => p.text).sort()).toEqual(['拼多多专用（改）', '通用'].sort());
    expect(b).toMatchObject({ ok: true });
  });

  it('imports atomically: one bad row or a shortcut clash changes nothing', async () => {
    await store.save({ text: '已有', shortcut: '/a' });
    const bad = await store.applyImport({ add: [{ text: '好的' }, { text: '' }], update: [] });
    expect(bad).toMatchObject({ ok: false, error: expect.stringContaining('#2') });
    const clash = await store.applyImport({ add: [{ text: '新的', shortcut: '/a' }, { text: '另一个' }], update: [] });
    expect(clash).toMatchObject({ ok: false, error: expect.stringContaining('/a') });
    expect((await db.phrases.toArray()).map((p) => p.text)).toEqual(['已有']);
    const ok = await store.applyImport({ add: [{ text: '新的', shortcut: '/b' }], update: [] });
    expect(ok).toEqual({ ok: true, added: 1, updated: 0 });
    const kept = (await db.phrases.toArray()).find((p) => p.text === '新的')!;
    await store.used(kept.id!);
    const replaced = await store.applyImport({
      add: [{ text: '只剩我' }, { text: '新的' }],
      update: [],
      replaceAll: true,
    });
    expect(replaced).toMatchObject({ ok: true, added: 2 });
    expect((await db.phrases.toArray()).map((p) => [p.text, p.usage])).toEqual([
      ['只剩我', 0],
      ['新的', 1],
    ]);
  });

  it('shortcuts ignore case: /case is refused when /Case exists, on save and on import', async () => {
    const a = (await store.save({ text: '大写', shortcut: '/Case' })) as { ok: true; id: number };
    expect(a.ok).toBe(true);
    expect(await store.save({ text: '小写', shortcut: '/case' })).toEqual({
      ok: false,
      error: '快捷键 /case 已被使用：短语「大写」的 /Case（不分大小写）',
    });
    // The owner itself may change the case of its own shortcut.
    expect(await store.save({ text: '大写', shortcut: '/CASE' }, a.id)).toMatchObject({ ok: true });
    // Import: a clash with the library, and two rows that differ only in case, both refused as a whole.
    expect(await store.applyImport({ add: [{ text: '新的', shortcut: '/case' }], update: [] })).toMatchObject({
      ok: false,
      error: expect.stringContaining('/case'),
    });
    expect(
      await store.applyImport({
        add: [
          { text: '一', shortcut: '/Dup' },
          { text: '二', shortcut: '/dup' },
        ],
        update: [],
      }),
    ).toMatchObject({ ok: false, error: expect.stringContaining('/dup') });
    expect((await db.phrases.toArray()).map((p) => [p.text, p.shortcut])).toEqual([['大写', '/CASE']]);
  });

  it('a library that already holds /Old and /old (saved before case was ignored) still imports other phrases', async () => {
    await db.phrases.bulkAdd([
      { text: '旧一', group: '未分组', tags: [], shortcut: '/Old', usage: 0, updatedAt: 1 },
      { text: '旧二', group: '未分组', tags: [], shortcut: '/old', usage: 0, updatedAt: 1 },
    ]);
    expect(await store.applyImport({ add: [{ text: '新的', shortcut: '/new' }], update: [] })).toEqual({
      ok: true,
      added: 1,
      updated: 0,
    });
    // Writing one of them again is a clash like any other.
    const [old] = await db.phrases.toArray();
    expect(
      await store.applyImport({ add: [], update: [{ id: old!.id!, draft: { text: '旧一改', shortcut: '/Old' } }] }),
    ).toMatchObject({ ok: false });
  });

  it("writes each phrase's pinyin key with it (save, edit, import, seed) and gives older rows one when read", async () => {
    const a = (await store.save({ text: '亲，今天发货' })) as { id: number };
    expect((await db.phrases.get(a.id))!.pinyin).toBe(pinyinKey('亲，今天发货'));
    await store.save({ text: '亲，明天发货' }, a.id);
    expect((await db.phrases.get(a.id))!.pinyin).toBe(pinyinKey('亲，明天发货'));
    await store.save({ text: 'English only' }, a.id);
    expect(await db.phrases.get(a.id)).not.toHaveProperty('pinyin');
    await store.applyImport({ add: [{ text: '退款已处理' }], update: [{ id: a.id, draft: { text: '已修改' } }] });
    const rows = await db.phrases.toArray();
    expect(rows.map((p) => [p.text, p.pinyin])).toEqual([
      ['已修改', 'yi xiu gai'],
      ['退款已处理', 'tui kuan yi chu li'],
    ]);
    // A row written before keys existed gets one on the next read, stored for the reads after it.
    const old = await db.phrases.add({ text: '老的短语', group: '未分组', tags: [], usage: 0, updatedAt: 1 });
    expect((await store.visible()).find((p) => p.id === old)!.pinyin).toBe('lao de duan yu');
    expect((await db.phrases.get(old))!.pinyin).toBe('lao de duan yu');
  });

  it('seeds the starter pack with its keys', async () => {
    await store.seedIfEmpty();
    for (const p of await db.phrases.toArray()) expect(p.pinyin).toBe(pinyinKey(p.text));
  });

  it('counts a use with its time: past uses weigh half after a half-life; edits and imports keep them', async () => {
    let now = 1_790_000_000_000;
    store = new PhraseStore(db, () => now);
    const a = (await store.save({ text: '亲，在的' })) as { id: number };
    await store.used(a.id);
    expect(await db.phrases.get(a.id)).toMatchObject({ usage: 1, recent: 1, usedAt: now });
    now += USE_HALF_LIFE_MS;
    await store.used(a.id);
    expect(await db.phrases.get(a.id)).toMatchObject({ usage: 2, recent: 1.5, usedAt: now });
    await store.save({ text: '亲，在的哦' }, a.id);
    expect(await db.phrases.get(a.id)).toMatchObject({ usage: 2, recent: 1.5, usedAt: now });
    await store.applyImport({ add: [], update: [{ id: a.id, draft: { text: '亲，在的哦', group: '问候' } }] });
    expect(await db.phrases.get(a.id)).toMatchObject({ group: '问候', usage: 2, recent: 1.5, usedAt: now });
    await store.applyImport({ add: [{ text: '亲，在的哦' }], update: [], replaceAll: true });
    expect((await db.phrases.toArray())[0]).toMatchObject({ usage: 2, recent: 1.5, usedAt: now });
  });
});

describe('PhraseStore tells when what phrases say changed', () => {
  it('after a save, a delete, an import and the starter pack; not after a use nor a refused write', async () => {
    let told = 0;
    const s2 = new PhraseStore(
      db,
      () => 1_790_000_000_000,
      () => told++,
    );
    await s2.seedIfEmpty();
    expect(told).toBe(1);
    await s2.seedIfEmpty(); // not empty: nothing written
    expect(told).toBe(1);
    const saved = await s2.save({ text: '新的', shortcut: '/xin' });
    expect(saved.ok).toBe(true);
    expect(told).toBe(2);
    expect((await s2.save({ text: '又一条', shortcut: '/XIN' })).ok).toBe(false); // the shortcut is taken
    expect((await s2.save({ text: ' ' })).ok).toBe(false);
    expect(told).toBe(2);
    await s2.used((saved as { id: number }).id);
    expect(told).toBe(2);
    await s2.remove((saved as { id: number }).id);
    expect(told).toBe(3);
    expect((await s2.applyImport({ add: [{ text: '导入的' }], update: [] })).ok).toBe(true);
    expect(told).toBe(4);
    expect((await s2.applyImport({ add: [{ text: '' }], update: [] })).ok).toBe(false);
    expect(told).toBe(4);
  });
});
