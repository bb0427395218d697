// @vitest-environment jsdom
/**
 * The analytics page opened in its team view, with the owner view's module loaded before its first render (as the
 * entry does, entrypoints/analytics/main.tsx): the owner view is in that very render. A render that suspended on it
 * instead showed it only after React's fallback throttle (~300 ms after the fallback), whatever the chunk's speed.
 */
import 'fake-indexeddb/auto';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AnalyticsPage, loadShopLive } from '../../components/analytics/AnalyticsPage';
import { ANALYTICS_DEFAULTS, useAnalyticsStore } from '../../components/analytics/store';
import { chinaTime } from '../../lib/engine/time';
import { catalogTranslate } from '../../lib/i18n';

vi.mock('../../components/analytics/ShopLive', () => ({
  ShopLiveSection: () => <section id="ana-shop">owner view</section>,
}));
vi.mock('uplot', () => ({
  default: class {
    static tzDate = (d: Date) => d;
    setSize() {}
    destroy() {}
  },
}));
vi.mock('uplot/dist/uPlot.min.css', () => ({}));

beforeEach(() => {
  vi.setSystemTime(chinaTime('2026-11-27', 15, 0));
  fakeBrowser.reset();
  localStorage.clear();
  useAnalyticsStore.setState({ ...ANALYTICS_DEFAULTS, view: 'team' });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

it('draws the owner view in the page’s first render once its module is loaded', async () => {
  await loadShopLive();
  render(<AnalyticsPage shopHoldMs={3_600_000} />);
  // No await between the render and this check: nothing may come "later".
  expect(document.getElementById('ana-shop')?.textContent).toBe('owner view');
});

it('draws it when the team view is chosen after the page opened', async () => {
  useAnalyticsStore.setState({ view: 'local' });
  render(<AnalyticsPage shopHoldMs={3_600_000} />);
  expect(document.getElementById('ana-shop')).toBeNull();
  await act(async () => useAnalyticsStore.setState({ view: 'team' }));
  await vi.waitFor(() => expect(document.getElementById('ana-shop')).not.toBeNull());
});

it('says its first render in the stored language it was given (the team view reads no first data that would)', async () => {
  await loadShopLive();
  for (const lang of ['en', 'zh_CN'] as const) {
    render(<AnalyticsPage shopHoldMs={3_600_000} language={lang} />);
    expect(document.querySelector('h1')?.textContent).toBe(catalogTranslate(lang)('anaTitle'));
    cleanup();
  }
});
