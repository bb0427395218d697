/**
 * The world of a UI page test (jsdom, fake-indexeddb): the page's clock pinned, a fresh fake browser, the popup on
 * its first section, the page's database open and empty; afterwards the rendered page and the pinned clock go.
 * Import 'fake-indexeddb/auto' before this (the test file's first import), so the database is the fake one.
 */
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { usePopupStore } from '../../../components/popup/store';
import type { ClockRow } from '../../../lib/model';
import { uiDb } from '../../../lib/ui/db';

/** Registers the hooks: before each test the world above at `now` (then `seed`), after it a clean document. */
export function freshUiPage(now: number, seed?: () => Promise<unknown>): void {
  beforeEach(async () => {
    vi.setSystemTime(now);
    fakeBrowser.reset();
    usePopupStore.setState({ section: 'queue' });
    await uiDb.open();
    await Promise.all(uiDb.tables.map((tb) => tb.clear()));
    await seed?.();
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
    document.body.replaceChildren();
  });
}

/** A waiting PDD buyer's clock on account `shop` at `now`: asked 30 s ago, 150 s left (then `extra`). */
export function uiClock(now: number, buyer: string, extra: Partial<ClockRow> = {}): ClockRow {
  return {
    key: `pdd|shop|${buyer}`,
    platform: 'pdd',
    account: 'shop',
    buyer,
    metric: 'pdd.manual3min',
    status: 'pending',
    startedAt: now - 30_000,
    dueAt: now + 150_000,
    alertAt: now + 90_000,
    waitingMessages: 1,
    lastMessageAt: now - 30_000,
    ...extra,
  };
}
