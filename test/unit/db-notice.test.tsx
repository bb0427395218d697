// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { OptionsApp } from '../../components/OptionsApp';
import { DB_NAME, LATEST_SCHEMA_VERSION, SCHEMA_HISTORY, SentinelDB } from '../../lib/db/schema';
import { uiDb } from '../../lib/ui/db';
import { dbNotice } from '../../lib/ui/db-notice';

afterEach(() => cleanup());

// One page's life (uiDb is the page's one connection): first its own open waits for an older page, then a newer
// context upgrades the database under it.
describe('a page caught in a database update says so', () => {
  const previous = SCHEMA_HISTORY[SCHEMA_HISTORY.length - 2]!.version;

  it('its upgrade waits for an older page that keeps the database open: "close other pages", gone once done', async () => {
    fakeBrowser.reset();
    const made = new SentinelDB(DB_NAME, previous);
    await made.open();
    made.close();
    const stuck = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(DB_NAME, previous * 10);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    render(<OptionsApp />); // its live queries open uiDb
    expect((await screen.findByRole('alert')).textContent).toMatch(/关闭其他响应哨兵页面\/标签页以完成更新/);
    expect(dbNotice()).toBe('blocked');
    stuck.close();
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(uiDb.verno).toBe(LATEST_SCHEMA_VERSION);
    expect(dbNotice()).toBeNull();
  });

  it('a newer context upgrades the database it holds open: it closes, and asks to be reloaded', async () => {
    fakeBrowser.reset();
    await uiDb.open();
    render(<OptionsApp />);
    const newer = new Dexie(DB_NAME);
    for (const v of SCHEMA_HISTORY) newer.version(v.version).stores(v.stores);
    newer.version(LATEST_SCHEMA_VERSION + 1).stores({ later: 'id' });
    await newer.open(); // not blocked: the page let go
    expect(newer.verno).toBe(LATEST_SCHEMA_VERSION + 1);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/请重新加载此页面/);
    expect(screen.getByRole('button', { name: '重新加载' })).toBeTruthy();
    expect(uiDb.isOpen()).toBe(false);
    await expect(uiDb.settings.get('language')).rejects.toMatchObject({ name: 'DatabaseClosedError' });
    newer.close();
  });
});
