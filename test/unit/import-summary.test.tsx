// @vitest-environment jsdom
/** The phrase import preview's numbers add up for a reader, in one language at a time. */
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { PhraseLibrary, importSummary } from '../../components/phrases/PhraseLibrary';
import { catalogTranslate } from '../../lib/i18n';
import type { PhraseRow } from '../../lib/model';
import { parseImport } from '../../lib/phrases/formats';
import { planImport } from '../../lib/phrases/plan';
import { uiDb } from '../../lib/ui/db';

afterEach(() => cleanup());

const file = (text: string) =>
  parseImport({ name: 'x.csv', bytes: new TextEncoder().encode(text) }, catalogTranslate('zh_CN'));
const existing: PhraseRow[] = [
  { id: 1, text: '亲，已发货', group: '售后', tags: [], shortcut: '/fh', usage: 0, createdAt: 0, updatedAt: 0 },
  { id: 2, text: '在的亲', group: '', tags: [], usage: 0, createdAt: 0, updatedAt: 0 },
] as unknown as PhraseRow[];

describe('import summary', () => {
  it('4 rows: 2 importable (1 new, 1 already there), 2 with errors', () => {
    const preview = file('内容,分组,快捷键\n新的一句,售后,\n亲，已发货,售后,/fh\n,售后,\n,售后,\n');
    const plan = planImport(preview, existing, 'merge', catalogTranslate('zh_CN'));
    expect(importSummary(preview, plan, catalogTranslate('zh_CN'))).toBe(
      '4 行：2 行可导入（新增 1 条，已有 1 条跳过），2 行有错误',
    );
    expect(importSummary(preview, plan, catalogTranslate('en'))).toBe(
      '4 rows: 2 importable (1 new, 1 already there, skipped), 2 with errors',
    );
  });

  it('counts updates, shortcut conflicts and rows repeated in the file, and the parts add up', () => {
    const preview = file('内容,分组,快捷键\n亲，已发货,物流,\n别的话,,/fh\n重复的,,\n重复的,,\n');
    const plan = planImport(preview, existing, 'merge', catalogTranslate('zh_CN'));
    const text = importSummary(preview, plan, catalogTranslate('zh_CN'));
    expect(text).toBe('4 行：3 行可导入（新增 1 条，更新 1 条，1 条快捷键冲突），1 行与前面重复，跳过');
    const n = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
    expect(n(/新增 (\d+)/) + n(/更新 (\d+)/) + n(/(\d+) 条快捷键冲突/)).toBe(n(/(\d+) 行可导入/));
    expect(n(/(\d+) 行可导入/) + n(/(\d+) 行与前面重复/)).toBe(n(/^(\d+) 行/));
  });
});

describe('the phrase editor: a shortcut another phrase has', () => {
  it('is said beside the shortcut field, and saving is off until it changes', async () => {
    fakeBrowser.reset();
    await uiDb.settings.clear();
    await uiDb.phrases.clear();
    await uiDb.phrases.add({ ...existing[0]!, id: undefined } as unknown as PhraseRow);
    render(<PhraseLibrary />);
    fireEvent.click(await screen.findByRole('button', { name: '新建短语' }));
    const field = (await screen.findByPlaceholderText('/fh')) as HTMLInputElement;
    fireEvent.change(field, { target: { value: '/FH' } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('快捷键 /FH 已属于短语「亲，已发货」');
    expect(field.closest('label')!.contains(alert)).toBe(true); // in its row, not under the buttons
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect((screen.getByRole('button', { name: '保存' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(field, { target: { value: '/fh2' } });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect((screen.getByRole('button', { name: '保存' }) as HTMLButtonElement).disabled).toBe(false);
  });
});
