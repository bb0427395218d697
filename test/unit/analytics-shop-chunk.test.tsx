// @vitest-environment jsdom
/**
 * The analytics page when the owner's live view's chunk cannot be loaded (the extension was updated while the page
 * was open, its old chunk gone): the page says so where the view would be and shows its own figures, not a blank page.
 */
import 'fake-indexeddb/auto';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AnalyticsPage } from '../../components/analytics/AnalyticsPage';
import { ANALYTICS_DEFAULTS, useAnalyticsStore } from '../../components/analytics/store';
import { chinaTime } from '../../lib/engine/time';
import { uiDb } from '../../lib/ui/db';

vi.mock('../../components/analytics/ShopLive', () => {
  throw new Error('chunk gone');
});
vi.mock('uplot', () => ({
  default: class {
    static tzDate = (d: Date) => d;
    setSize() {}
    destroy() {}
  },
}));
vi.mock('uplot/dist/uPlot.min.css', () => ({}));

const NOW = chinaTime('2026-11-27', 15, 0);

beforeEach(async () => {
  vi.setSystemTime(NOW);
  fakeBrowser.reset();
  localStorage.clear();
  useAnalyticsStore.setState({ ...ANALYTICS_DEFAULTS, view: 'team' });
  await uiDb.open();
  await Promise.all(uiDb.tables.map((tb) => tb.clear()));
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

it('a team view whose chunk fails to load says so, and the page shows its own figures at once (no blank page)', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined); // React reports the caught error
  render(<AnalyticsPage shopHoldMs={3_600_000} />);
  const error = await screen.findByRole('alert', undefined, { timeout: 5000 });
  expect(error.id).toBe('ana-shop-error');
  expect(error.textContent).toContain('无法加载全店视图');
  // Its own figures are not held for a view that will never show (the hold would be an hour here).
  await vi.waitFor(() => expect(document.getElementById('ana-trends')).not.toBeNull(), { timeout: 5000 });
  expect(screen.getByRole('heading', { level: 1 })).toBeTruthy();
});
