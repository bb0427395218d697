// @vitest-environment jsdom
/**
 * hasLabel (lib/platforms/classify.ts) skips the message's text elements, their insides and their ancestors by one
 * set of ancestors and a walk that does not enter a text element, instead of `contains` for every (element, text
 * element) pair (≈ 12 calls a message in Chromium on a JD / Kuaishou thread read whole). Its answer must be the
 * pairwise form's, always; and a whole read of a long JD / Kuaishou thread makes no `contains` call.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hasLabel, whole, type WholeText } from '../../lib/platforms/classify';
import { jdAdapter } from '../../lib/platforms/jd';
import { kuaishouAdapter } from '../../lib/platforms/kuaishou';
import type { Adapter } from '../../lib/platforms/types';
import { pairwiseHasLabel as pairwise } from './helpers/has-label-pairwise';
import { mulberry32 } from './helpers/random';

afterEach(() => {
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

const LABELS: readonly WholeText[] = [whole(/^(?:机器人|自动回复)$/, '机器人', '自动回复')];

/**
 * A seeded random tree under a wrapper (so that a row may sit inside a text element): elements holding a label,
 * other words, or nothing; some empty, some holding only a label element (its text is the label too).
 */
function randomTree(rand: () => number, size: number): Element[] {
  const words = ['机器人', '自动回复', '您好', ' 机器人 ', '机器人自动回复', ''];
  const top = document.createElement('section');
  const all: Element[] = [top];
  for (let i = 0; i < size; i++) {
    const el = document.createElement(rand() < 0.5 ? 'div' : 'span');
    const w = words[Math.floor(rand() * words.length)]!;
    if (w && rand() < 0.6) el.append(w);
    all[Math.floor(rand() * all.length)]!.appendChild(el);
    all.push(el);
  }
  if (rand() < 0.8) document.body.appendChild(top);
  return all;
}

describe('hasLabel', () => {
  it('answers as the pairwise form on random trees (text elements inside, around, beside, above the row; null)', () => {
    const rand = mulberry32(21);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    let yes = 0;
    let no = 0;
    for (let seed = 0; seed < 400; seed++) {
      const all = randomTree(rand, 4 + Math.floor(rand() * 30));
      const other = randomTree(rand, 3); // elements of another tree: beside any row
      for (let k = 0; k < 12; k++) {
        const row = pick(all);
        const n = Math.floor(rand() * 4);
        const textEls: (Element | null)[] = [];
        for (let i = 0; i < n; i++) {
          const r = rand();
          textEls.push(r < 0.1 ? null : r < 0.2 ? pick(other) : r < 0.3 ? row : pick(all));
        }
        const want = pairwise(row, LABELS, textEls);
        expect(hasLabel(row, LABELS, textEls), `seed ${seed}, row ${k}`).toBe(want);
        if (want) yes++;
        else no++;
      }
      document.body.replaceChildren();
    }
    // Both answers were met often (the comparison is not all "false").
    expect(yes).toBeGreaterThan(500);
    expect(no).toBeGreaterThan(500);
  });

  it('answers the cases the pairwise form was written for', () => {
    document.body.innerHTML =
      '<div id="row"><div id="bubble"><p id="text">机器人</p><i>自动回复</i></div><span id="tag">机器人</span></div>';
    const row = document.getElementById('row')!;
    const text = document.getElementById('text');
    const bubble = document.getElementById('bubble');
    expect(hasLabel(row, LABELS, [text])).toBe(true); // the tag beside the bubble, and the <i> inside it
    expect(hasLabel(row, LABELS, [bubble])).toBe(true); // the tag beside the bubble
    document.getElementById('tag')!.remove();
    expect(hasLabel(row, LABELS, [text])).toBe(true); // the <i> beside the text
    expect(hasLabel(row, LABELS, [bubble])).toBe(false); // the <i> inside the bubble
    expect(hasLabel(row, LABELS, [null])).toBe(false);
    expect(hasLabel(row, LABELS, [row])).toBe(false);
    expect(hasLabel(bubble!, LABELS, [row])).toBe(false); // the row inside a text element
  });
});

/** The fixture's thread grown to `n` items (copies of its items, ids made unique), with a labelled shop row added. */
function grown(file: string, list: string, extra: string, n: number): Document {
  document.documentElement.innerHTML = readFileSync(join(process.cwd(), file), 'utf8');
  const box = document.querySelector(list)!;
  box.insertAdjacentHTML('beforeend', extra);
  const items = [...box.children];
  for (let i = 0; box.children.length < n; i++) {
    const copy = items[i % items.length]!.cloneNode(true) as Element;
    for (const e of [copy, ...copy.querySelectorAll('[id]')]) if (e.id) e.id = `${e.id}x${i}`;
    box.append(copy);
  }
  return document;
}

const authors = (adapter: Adapter) =>
  adapter.extract(document, undefined, Date.now()).thread?.messages.map((m) => m.author);

describe('a whole read of a long thread', () => {
  it.each([
    [
      'jd',
      jdAdapter,
      'test/fixtures/jd/thread.html',
      '#t-chat-scroll',
      '<div class="message"><div class="message_right" id="m-lab"><span class="message__nickname">客服01</span>' +
        '<div class="message__content"><div class="message__text">您好</div></div><span>机器人</span></div></div>',
    ],
    [
      'kuaishou',
      kuaishouAdapter,
      'test/fixtures/kuaishou/thread.html',
      '.ChatMessageList-ContentWrap',
      '<div class="kwaishop-cs-LayoutDefaultWrapper_msgMain kwaishop-cs-LayoutDefaultWrapper_msgMain__isMine">' +
        '<div class="kwaishop-cs-LayoutDefaultWrapper_msgBody">您好</div><span>智能客服托管</span></div>',
    ],
  ])(
    '%s: 2 000 items read (robot labels found) without a Node.contains call',
    { timeout: 60_000 },
    (_name, adapter, file, list, extra) => {
      grown(file, list, extra, 1);
      const few = authors(adapter)!;
      expect(few).toContain('robot');
      grown(file, list, extra, 2_000);
      const contains = vi.spyOn(Node.prototype, 'contains');
      const many = authors(adapter)!;
      expect(contains).not.toHaveBeenCalled();
      // Every copy read as its original was.
      expect(many.length).toBeGreaterThan(1_500);
      expect(many).toEqual(many.map((_, i) => few[i % few.length]));
    },
  );
});
