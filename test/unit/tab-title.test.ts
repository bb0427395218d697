// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TabClock } from '../../lib/messages';
import { THROTTLED_AFTER_MS, TabTitle, titlePrefix } from '../../lib/content/tab-title';
import { contentTranslate, setContentLang } from '../../lib/i18n/content';

// The content script's language comes with the clocks; until then the browser's (jsdom: English). Chinese here.
setContentLang('zh_CN');

const NOW = Date.UTC(2026, 11, 4, 2, 0, 0);
const clock = (buyer: string, dueIn: number, status: TabClock['status'] = 'pending'): TabClock => ({
  buyer,
  status,
  dueAt: NOW + dueIn,
});
/** Lets the title observer see what changed. */
const settle = () => new Promise<void>((r) => queueMicrotask(r));

describe('titlePrefix', () => {
  it('counts the waiting buyers and shows the most urgent time, m:ss, or the time over', () => {
    expect(titlePrefix([], NOW)).toBe('');
    expect(titlePrefix([clock('a', 12_000), clock('b', 150_000), clock('c', 95_000)], NOW)).toBe('(3) 0:12');
    expect(titlePrefix([clock('a', 754_000)], NOW)).toBe('(1) 12:34');
    expect(titlePrefix([clock('a', 150_000), clock('b', -63_000, 'breached')], NOW)).toBe('(2) 超 1:03');
    expect(titlePrefix([clock('a', -63_000, 'breached')], NOW, contentTranslate('en'))).toBe('(1) 1:03 over');
    expect(titlePrefix([clock('a', 0)], NOW)).toBe('(1) 超 0:00');
  });

  it('coarse (a tab whose timers wake once a minute): whole minutes that stay true until the next wake-up', () => {
    const en = contentTranslate('en');
    const coarse = (dueIn: number, t = contentTranslate('zh_CN')) =>
      titlePrefix([clock('a', dueIn), clock('b', dueIn + 600_000)], NOW, t, true);
    // Time left: under the next whole minute (2:00 left is not "under 2").
    expect(coarse(12_000)).toBe('(2) <1 分');
    expect(coarse(59_999)).toBe('(2) <1 分');
    expect(coarse(60_000)).toBe('(2) <2 分');
    expect(coarse(119_000)).toBe('(2) <2 分');
    expect(coarse(754_000)).toBe('(2) <13 分');
    expect(coarse(12_000, en)).toBe('(2) <1 min');
    // Time over: at least the whole minutes passed; the first minute says only that it is over.
    expect(coarse(0)).toBe('(2) 超时');
    expect(coarse(-59_000)).toBe('(2) 超时');
    expect(coarse(-60_000)).toBe('(2) 超 1 分');
    expect(coarse(-179_000)).toBe('(2) 超 2 分');
    expect(coarse(-179_000, en)).toBe('(2) 2 min over');
    expect(coarse(-1000, en)).toBe('(2) overdue');
    // Each text stays true for the next minute: no later moment within it contradicts it.
    for (let dueIn = -300_000; dueIn <= 300_000; dueIn += 7_000) {
      const said = coarse(dueIn);
      for (let later = 0; later <= 60_000; later += 1000) {
        const left = dueIn - later;
        const m = /^\(2\) (?:<(\d+) 分|超 (\d+) 分|超时)$/.exec(said);
        expect(m, said).not.toBeNull();
        if (m![1]) expect(left < Number(m![1]) * 60_000 || left <= 0, `${said} at ${left}`).toBe(true);
        if (m![2]) expect(-left).toBeGreaterThanOrEqual(Number(m![2]) * 60_000);
        if (said.endsWith('超时')) expect(left).toBeLessThanOrEqual(0);
      }
    }
  });
});

describe('TabTitle', () => {
  let now = NOW;
  let clocks: TabClock[] = [];
  let t: TabTitle;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    now = NOW;
    clocks = [];
    document.head.innerHTML = '<title>拼多多商家后台</title>';
    t = new TabTitle(document, () => now);
  });
  afterEach(() => {
    t.stop();
    vi.useRealTimers();
  });

  /** A watcher started on a tab whose title is `title`, one buyer 12 s from the deadline: its title, then after stop. */
  function startOn(title: string): { shown: string; restored: string } {
    document.title = title;
    const t2 = new TabTitle(document, () => now);
    clocks = [clock('a', 12_000)];
    t2.show(() => clocks, true);
    const shown = document.title;
    t2.stop();
    return { shown, restored: document.title };
  }

  it('prefixes the title while buyers wait, ticks each second, and restores it exactly when none waits', () => {
    clocks = [clock('a', 12_000), clock('b', 90_000)];
    t.show(() => clocks, true);
    expect(document.title).toBe('(2) 0:12 · 拼多多商家后台');
    now += 1000;
    vi.advanceTimersByTime(1000);
    expect(document.title).toBe('(2) 0:11 · 拼多多商家后台');
    now += 13_000;
    vi.advanceTimersByTime(13_000);
    expect(document.title).toBe('(2) 超 0:02 · 拼多多商家后台');
    clocks = [];
    t.show(() => clocks, true);
    expect(document.title).toBe('拼多多商家后台');
    // Nothing waits: no timer keeps running.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clocks that change between two ticks are written by the next tick: one title write a second at most', async () => {
    let writes = 0;
    const mo = new MutationObserver((records) => (writes += records.length));
    mo.observe(document.head, { subtree: true, childList: true, characterData: true });
    clocks = [clock('a', 12_000)];
    // The first wait: at once.
    t.show(() => clocks, true);
    expect(document.title).toBe('(1) 0:12 · 拼多多商家后台');
    await settle();
    expect(writes).toBe(1);
    // Two more clock lists within the second (a buyer asks, another is answered): written with the next tick.
    clocks = [clock('a', 12_000), clock('b', 5_000)];
    t.show(() => clocks, true);
    clocks = [clock('a', 12_000), clock('b', 5_000), clock('c', 90_000)];
    t.show(() => clocks, true);
    expect(document.title).toBe('(1) 0:12 · 拼多多商家后台');
    now += 1000;
    vi.advanceTimersByTime(1000);
    expect(document.title).toBe('(3) 0:04 · 拼多多商家后台');
    await settle();
    expect(writes).toBe(2);
    mo.disconnect();
    // The last wait ending: the page's title at once.
    clocks = [];
    t.show(() => clocks, true);
    expect(document.title).toBe('拼多多商家后台');
  });

  it('the setting off: the page title, untouched', () => {
    clocks = [clock('a', 12_000)];
    t.show(() => clocks, false);
    expect(document.title).toBe('拼多多商家后台');
    t.show(() => clocks, true);
    expect(document.title).toBe('(1) 0:12 · 拼多多商家后台');
    t.show(() => clocks, false);
    expect(document.title).toBe('拼多多商家后台');
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps the page's own title changes, never fights them, and never doubles the prefix", async () => {
    clocks = [clock('a', 12_000)];
    t.show(() => clocks, true);
    document.title = '(5条新消息) 拼多多商家后台';
    await settle();
    expect(document.title).toBe('(1) 0:12 · (5条新消息) 拼多多商家后台');
    // A page that reads the title (ours included) and writes it back changed: its own part only.
    document.title = `${document.title} - 在线`;
    await settle();
    expect(document.title).toBe('(1) 0:12 · (5条新消息) 拼多多商家后台 - 在线');
    // The page's <title> element replaced, within a second of the last answer: the prefix comes back at the tick.
    document.head.innerHTML = '<title>新页面</title>';
    await settle();
    expect(document.title).toBe('新页面');
    vi.advanceTimersByTime(1000);
    expect(document.title).toBe('(1) 0:12 · 新页面');
    now += 1000;
    vi.advanceTimersByTime(1000);
    await settle();
    expect(document.title).toBe('(1) 0:11 · 新页面');
    t.stop();
    expect(document.title).toBe('新页面');
  });

  it('an empty page title: the prefix alone, and nothing of ours is left as the page’s title', async () => {
    document.head.innerHTML = '<title></title>';
    const t2 = new TabTitle(document, () => now);
    clocks = [clock('a', 12_000)];
    t2.show(() => clocks, true);
    expect(document.title).toBe('(1) 0:12');
    await settle();
    expect(document.title).toBe('(1) 0:12');
    clocks = [];
    t2.show(() => clocks, true);
    expect(document.title).toBe('');
    t2.stop();
  });

  it('a title left with a prefix of ours (a frame that went away) is not taken for the page’s', () => {
    t.stop();
    expect(startOn('(2) 0:40 · 拼多多商家后台')).toEqual({
      shown: '(1) 0:12 · 拼多多商家后台',
      restored: '拼多多商家后台',
    });
  });

  it('a page title that only looks like ours ("(2) 5 min ago · …") is the page’s, kept whole', () => {
    t.stop();
    for (const own of [
      '(2) 5 min ago · Inbox',
      '(3) 超时未回复 · 客服',
      '(1) 12:00 开会 · 工作台',
      '(4) overdue tasks · CRM',
    ]) {
      expect(startOn(own), own).toEqual({ shown: `(1) 0:12 · ${own}`, restored: own });
    }
  });

  it('a page script that enforces its own title does not loop with us: at most one answer a second', async () => {
    clocks = [clock('a', 12_000)];
    t.show(() => clocks, true);
    let enforced = 0;
    const enforcer = new MutationObserver(() => {
      if (document.title !== '拼多多' && enforced < 50) {
        enforced++;
        document.title = '拼多多';
      }
    });
    enforcer.observe(document.head, { subtree: true, childList: true, characterData: true });
    document.title = '拼多多';
    for (let i = 0; i < 20; i++) await settle();
    expect(enforced).toBeLessThanOrEqual(2);
    enforcer.disconnect();
  });

  it('the watching frame going away (pagehide) restores the title', () => {
    const frame = new EventTarget() as unknown as Window;
    t.stop();
    const t2 = new TabTitle(document, () => now, undefined, frame);
    clocks = [clock('a', 12_000)];
    t2.show(() => clocks, true);
    expect(document.title).toBe('(1) 0:12 · 拼多多商家后台');
    frame.dispatchEvent(new Event('pagehide'));
    expect(document.title).toBe('拼多多商家后台');
    expect(vi.getTimerCount()).toBe(0);
  });

  describe('a hidden tab (Chrome wakes its timers once a minute after 5 minutes hidden)', () => {
    let hidden = false;
    const setHidden = (h: boolean) => {
      hidden = h;
      document.dispatchEvent(new Event('visibilitychange'));
    };
    beforeEach(() => {
      hidden = false;
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    });
    afterEach(() => {
      // Back to jsdom's own.
      delete (document as { hidden?: boolean }).hidden;
    });

    it('exact for the first minutes hidden, then whole minutes toward urgency, exact again once shown', () => {
      clocks = [clock('a', 400_000), clock('b', 900_000)];
      t.show(() => clocks, true);
      expect(document.title).toBe('(2) 6:40 · 拼多多商家后台');
      setHidden(true);
      expect(document.title).toBe('(2) 6:40 · 拼多多商家后台');
      // Hidden, timers still wake each second: exact.
      now += 60_000;
      vi.advanceTimersByTime(60_000);
      expect(document.title).toBe('(2) 5:40 · 拼多多商家后台');
      // Hidden nearly five minutes: what stays true while the timers sleep.
      now += THROTTLED_AFTER_MS - 60_000;
      vi.advanceTimersByTime(THROTTLED_AFTER_MS - 60_000);
      expect(document.title).toBe('(2) <2 分 · 拼多多商家后台');
      // Throttled: one wake-up a minute; the deadline passes in between.
      now += 60_000;
      vi.advanceTimersByTime(60_000);
      expect(document.title).toBe('(2) <1 分 · 拼多多商家后台');
      now += 60_000;
      vi.advanceTimersByTime(60_000);
      expect(document.title).toBe('(2) 超时 · 拼多多商家后台');
      now += 60_000;
      vi.advanceTimersByTime(60_000);
      expect(document.title).toBe('(2) 超 1 分 · 拼多多商家后台');
      // A clock push from the background (a message wakes the page) between ticks: coarse too.
      clocks = [clock('b', 900_000)];
      t.show(() => clocks, true);
      expect(document.title).toBe('(1) <8 分 · 拼多多商家后台');
      // Shown again: exact at once, not at the next tick.
      setHidden(false);
      expect(document.title).toBe('(1) 7:10 · 拼多多商家后台');
    });

    it('a tab already hidden when the script starts: coarse from the first write (how long it was hidden is unknown)', () => {
      t.stop();
      hidden = true;
      const t2 = new TabTitle(document, () => now);
      clocks = [clock('a', 12_000)];
      t2.show(() => clocks, true);
      expect(document.title).toBe('(1) <1 分 · 拼多多商家后台');
      setHidden(false);
      expect(document.title).toBe('(1) 0:12 · 拼多多商家后台');
      t2.stop();
      expect(document.title).toBe('拼多多商家后台');
    });

    it('a coarse prefix left on the title is not taken for the page’s, in either language', () => {
      t.stop();
      for (const left of [
        '(2) <2 分 · ',
        '(2) 超 3 分 · ',
        '(2) 超时 · ',
        '(2) <2 min · ',
        '(2) 3 min over · ',
        '(2) overdue · ',
      ]) {
        expect(startOn(`${left}拼多多商家后台`), left).toEqual({
          shown: '(1) 0:12 · 拼多多商家后台',
          restored: '拼多多商家后台',
        });
      }
    });

    it('stop() stops following the visibility', () => {
      clocks = [clock('a', 400_000)];
      t.show(() => clocks, true);
      t.stop();
      setHidden(true);
      expect(document.title).toBe('拼多多商家后台');
    });
  });

  it('stop() restores the title and stops watching it', async () => {
    clocks = [clock('a', 12_000)];
    t.show(() => clocks, true);
    t.stop();
    expect(document.title).toBe('拼多多商家后台');
    document.title = 'page';
    await settle();
    expect(document.title).toBe('page');
    expect(vi.getTimerCount()).toBe(0);
  });
});
