// @vitest-environment jsdom
/**
 * Issue 21: a whole read of a 2 000-item JD / Kuaishou thread clones nothing (textWithout walks) and makes fewer
 * querySelector and textContent calls an item than before the cut (sides asked once, labels in one walk). The
 * readings themselves: whole-read-cut.test.ts. Counted in jsdom (the same calls the adapters make in Chromium).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jdAdapter } from '../../lib/platforms/jd';
import { kuaishouAdapter } from '../../lib/platforms/kuaishou';
import { grown } from './helpers/grown';

afterEach(() => {
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

describe('a whole read of a 2 000-item thread', () => {
  it.each([
    // Before the cut (this fixture, jsdom): JD 14.09 querySelector and 2.39 textContent an item, Kuaishou 7.92 and
    // 2.61; one clone a message. After: JD 12.47 and 2.01, Kuaishou 7.62 and 2.21, no clone.
    ['jd', jdAdapter, 'test/fixtures/jd/thread.html', '#t-chat-scroll', 13, 2.2],
    ['kuaishou', kuaishouAdapter, 'test/fixtures/kuaishou/thread.html', '.ChatMessageList-ContentWrap', 7.8, 2.4],
  ])(
    '%s: no clone, fewer querySelector and textContent calls an item',
    { timeout: 60_000 },
    (_name, adapter, file, list, qsMax, textMax) => {
      grown(file, list, 2_000);
      const clone = vi.spyOn(Node.prototype, 'cloneNode');
      const qs = vi.spyOn(Element.prototype, 'querySelector');
      const textContent = Object.getOwnPropertyDescriptor(Node.prototype, 'textContent')!;
      let texts = 0;
      Object.defineProperty(Node.prototype, 'textContent', {
        ...textContent,
        get(this: Node) {
          texts++;
          return textContent.get!.call(this);
        },
      });
      let n: number;
      try {
        n = adapter.extract(document, undefined, Date.UTC(2026, 8, 8, 12)).thread?.messages.length ?? 0;
      } finally {
        Object.defineProperty(Node.prototype, 'textContent', textContent);
      }
      expect(n).toBeGreaterThan(1_500);
      expect(clone).not.toHaveBeenCalled();
      expect(qs.mock.calls.length / 2_000).toBeLessThan(qsMax);
      expect(texts / 2_000).toBeLessThan(textMax);
    },
  );
});
