// @vitest-environment jsdom
/** Contracts every registered adapter keeps, checked on every saved fixture and on mangled copies of them. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labAdapter } from '../../lib/platforms/lab';
import { ADAPTERS } from '../../lib/platforms/adapters';
import { fixtureDir } from '../../lib/platforms/registry';
import type { Adapter } from '../../lib/platforms/types';
import { AUTHORS } from '../../lib/model';

function fixtures(a: Adapter): { name: string; html: string }[] {
  const dir = join(process.cwd(), fixtureDir(a.platform)!);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.html'))
    .map((f) => ({ name: f, html: readFileSync(join(dir, f), 'utf8') }));
}

const load = (html: string) => new DOMParser().parseFromString(html, 'text/html');

/** Deterministic pseudo-random mangling: drop, duplicate or truncate chunks of markup. */
function mangle(html: string, seed: number): string {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const parts = html.split(/(?=<)/);
  const out: string[] = [];
  for (const p of parts) {
    const r = rnd();
    if (r < 0.08) continue;
    if (r < 0.12) out.push(p, p);
    else if (r < 0.15) out.push(p.slice(0, Math.floor(p.length * rnd())));
    else out.push(p);
  }
  return out.join('');
}

// The editor lab (the demo build's insertion test pages) is no workbench: test/unit/lab-adapter.test.ts.
const WORKBENCH_ADAPTERS = ADAPTERS.filter((a) => a !== labAdapter);

describe.each(WORKBENCH_ADAPTERS.map((a) => [a.platform, a] as const))('adapter %s', (_platform, adapter) => {
  it('has a fixture, and every selector purpose lists at least one selector', () => {
    expect(fixtures(adapter).length).toBeGreaterThan(0);
    for (const [purpose, list] of Object.entries(adapter.selectors)) expect(list.length, purpose).toBeGreaterThan(0);
  });

  it.each(fixtures(adapter).map((f) => [f.name, f.html] as const))(
    'reads %s: a healthy page, rows, unique ids, known authors',
    (_name, html) => {
      const x = adapter.extract(load(html));
      expect(x.health).toBe('watching');
      expect(x.conversations.length).toBeGreaterThan(0);
      for (const c of x.conversations) {
        expect(c.buyer.length).toBeGreaterThan(0);
        expect(c.row, `row of ${c.buyer}`).toBeInstanceOf(Element);
      }
      const msgs = x.thread?.messages ?? [];
      expect(msgs.length).toBeGreaterThan(0);
      expect(new Set(msgs.map((m) => m.id)).size).toBe(msgs.length);
      for (const m of msgs) expect(AUTHORS).toContain(m.author);
      expect(msgs.some((m) => m.author === 'buyer')).toBe(true);
    },
  );

  it('never throws on mangled or truncated markup, and takes buyer text only from the page', () => {
    for (const { html } of fixtures(adapter)) {
      for (let seed = 1; seed <= 40; seed++) {
        const broken = seed % 5 === 0 ? html.slice(0, Math.floor((html.length * seed) / 41)) : mangle(html, seed);
        const doc = load(broken);
        const pageText = (doc.body?.textContent ?? '').replace(/\s+/g, '');
        const x = adapter.extract(doc);
        for (const m of x.thread?.messages ?? []) {
          if (m.author !== 'buyer' || /^\[[^\]]+\]$/.test(m.text)) continue; // [图片]-style placeholders
          // Every piece of the text is on the page (an adapter may join several text nodes with spaces).
          for (const piece of m.text
            .replace(/^\[[^\]]+\]\s*/, '')
            .split(/\s+/)
            .filter(Boolean)) {
            expect(pageText.includes(piece), `seed ${seed}: ${m.text}`).toBe(true);
          }
        }
      }
    }
    // 40 parses per fixture: seconds of work on a loaded machine, not a timing goal.
  }, 60_000);
});
