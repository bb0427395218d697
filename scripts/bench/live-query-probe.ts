/**
 * Which DOM queries of the adapters' live reads grow with the document (issue 21): each workbench's demo page in a
 * plain Chromium (no extension), the adapters bundled into the page (vite, IIFE), then for each platform
 *
 *   1. small: the demo page as it loads (`?auto=0`, no scripted buyers);
 *   2. large: its thread's items cloned to `--messages` and its rows to `--rows` (the clones' ids made unique,
 *      inserted before the originals), the page read whole again for fresh live parts.
 *
 * In each, the last `--items` thread items are cloned and appended one at a time, each read by the adapter's
 * `Live.thread.append` (the incremental path per new message), and the last rows are read by `Live.rows.read` (and
 * `rows.under`, `rows.isRow`): every querySelector / querySelectorAll / matches / closest these make is recorded with
 * the element it ran on, then each distinct call is timed alone (repeated, ms per call). Also the whole append and
 * row read per item (median of `--reps` rounds). Prints a JSON report and a Markdown table.
 *
 *   npx jiti scripts/bench/live-query-probe.ts [--platforms=pdd,douyin,jd,kuaishou,taobao,ali1688]
 *     [--messages=10000] [--rows=1000] [--items=6] [--reps=15] [--root=DIR: the repository whose adapters to
 *     bundle, default this one] [--out=FILE.json] [--shape=containers|headers|flat: Douyin's group markers as the
 *     demo draws them, or moved onto the group titles (in their boxes, or every title and row siblings); with
 *     headers the grown rows go below the first row, in its group] [--row-at=N: read the rows from index N, not the
 *     last ones]
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, REPO_ROOT, startStaticServer } from '../../test/e2e/harness';
import { bundleAdapters } from './adapter-bundle';
import { argOrEnv } from './args';
import { demoConversationOpen } from './browser';

const PAGES: Record<string, string> = {
  pdd: '/pdd/index.html?auto=0',
  douyin: '/douyin/index.html?auto=0',
  jd: '/jd/index.html?auto=0',
  kuaishou: '/kuaishou/index.html?auto=0',
  taobao: '/taobao/index.html?auto=0',
  ali1688: '/ali1688/core.html?auto=0',
};

interface Args {
  platform: string;
  messages: number;
  rows: number;
  items: number;
  reps: number;
  /** Douyin: the group markers as the demo draws them (containers) or moved onto the titles (headers, flat). */
  shape: string;
  /** The rows read: from this index of the list (default: the last `items`). */
  rowAt: number | null;
  /** Also tally the whole read's calls by call site (the calling functions, from a stack per call). */
  sites: boolean;
}

/** Runs in the page (serialised): see the module comment. */
function inPage(args: Args) {
  const { platform, messages, rows: rowCount, items, reps, shape, rowAt, sites } = args;
  type Live = {
    thread?: {
      in: Element;
      append(n: Node[], now?: number): unknown[] | null;
      reread?(n: Node[], now?: number): unknown[] | null;
    };
    rows?: {
      in: Element;
      all(): Element[];
      read(r: Element): unknown;
      readAll?(rows: Element[]): unknown[];
      under(n: Node): Element[];
      isRow(e: Element): boolean;
    };
  };
  const rs = (
    window as unknown as {
      __rs: {
        adapters: Record<string, { extract(d: Document, m?: unknown, now?: number): unknown }>;
        liveOf(x: unknown): Live | undefined;
      };
    }
  ).__rs;
  const adapter = rs.adapters[platform]!;
  const ID_ATTRS = ['data-id', 'data-msg-id', 'data-msgid', 'data-message-id'];
  let serial = 0;
  const unique = (el: Element): Element => {
    const n = ++serial;
    for (const e of [el, ...el.querySelectorAll('[id], [data-id], [data-msg-id], [data-msgid], [data-message-id]')]) {
      if (e.id)
        e.id = /\d+$/.test(e.id) ? e.id.replace(/\d+$/, (d) => String(Number(d) + 7_000_000 + n)) : `${e.id}-c${n}`;
      for (const a of ID_ATTRS) {
        const v = e.getAttribute(a);
        if (v)
          e.setAttribute(
            a,
            /\d+$/.test(v) ? v.replace(/\d+$/, (d) => String(Number(d) + 7_000_000 + n)) : `${v}-c${n}`,
          );
      }
    }
    return el;
  };
  const desc = (n: Node | null): string => {
    if (!n || n.nodeType === 9) return 'document';
    const el = n as Element;
    const cls =
      typeof el.className === 'string' && el.className.trim()
        ? `.${el.className.trim().split(/\s+/).slice(0, 2).join('.')}`
        : '';
    return `${el.tagName.toLowerCase()}${cls}`;
  };
  // Recording: the calls the live read makes, with the node each ran on.
  type Call = { m: string; s: string; on: Element | Document };
  let rec: Call[] | null = null;
  const EP = Element.prototype as unknown as Record<string, (s: string) => unknown>;
  const DP = Document.prototype as unknown as Record<string, (s: string) => unknown>;
  const orig: Record<string, (s: string) => unknown> = {};
  for (const [proto, name, key] of [
    [EP, 'querySelector', 'E.qs'],
    [EP, 'querySelectorAll', 'E.qsa'],
    [EP, 'matches', 'E.matches'],
    [EP, 'closest', 'E.closest'],
    [DP, 'querySelector', 'D.qs'],
    [DP, 'querySelectorAll', 'D.qsa'],
  ] as const) {
    const o = proto[name]!;
    orig[key] = o;
    proto[name] = function (this: Element | Document, s: string) {
      if (rec) rec.push({ m: name, s, on: this });
      return o.call(this, s);
    };
  }
  // Counting: every DOM call one whole read makes, by method, with its time (instrumented: each call timed).
  let tally: Record<string, { n: number; ms: number }> | null = null;
  // By call site (`--sites`): method @ the three calling functions (innermost first), from a stack per call.
  let siteTally: Record<string, number> | null = null;
  const siteOf = (): string =>
    (new Error().stack ?? '')
      .split('\n')
      .slice(4)
      .map((l) => /at (?:new )?([\w$.<>]+) \(/.exec(l)?.[1] ?? '?')
      .filter((f) => !/^Array\./.test(f))
      .slice(0, 3)
      .join(' < ');
  const counted = (proto: Record<string, unknown>, name: string, key: string) => {
    const d = Object.getOwnPropertyDescriptor(proto, name)!;
    const bump = (t0: number) => {
      const t = (tally![key] ??= { n: 0, ms: 0 });
      t.n++;
      t.ms += performance.now() - t0;
      if (siteTally) {
        const k = `${key} @ ${siteOf()}`;
        siteTally[k] = (siteTally[k] ?? 0) + 1;
      }
    };
    if (d.get) {
      const get = d.get;
      Object.defineProperty(proto, name, {
        ...d,
        get(this: unknown) {
          if (!tally) return get.call(this);
          const t0 = performance.now();
          const v = get.call(this);
          bump(t0);
          return v;
        },
      });
      return;
    }
    const f = d.value as (...a: unknown[]) => unknown;
    proto[name] = function (this: unknown, ...a: unknown[]) {
      if (!tally) return f.apply(this, a);
      const t0 = performance.now();
      const v = f.apply(this, a);
      bump(t0);
      return v;
    };
  };
  const NP = Node.prototype as unknown as Record<string, unknown>;
  for (const name of ['contains', 'compareDocumentPosition', 'cloneNode', 'textContent'])
    counted(NP, name, `Node.${name}`);
  for (const name of ['querySelector', 'querySelectorAll', 'matches', 'closest', 'getAttribute'])
    counted(EP as unknown as Record<string, unknown>, name, `Element.${name}`);
  for (const name of ['querySelector', 'querySelectorAll'])
    counted(DP as unknown as Record<string, unknown>, name, `Document.${name}`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const timeCall = (c: Call): number => {
    const o =
      orig[
        `${c.on.nodeType === 9 ? 'D' : 'E'}.${c.m === 'querySelector' ? 'qs' : c.m === 'querySelectorAll' ? 'qsa' : c.m}`
      ]!;
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (n < 5 || (t - t0 < 3 && n < 3000)) {
      try {
        o.call(c.on, c.s);
      } catch {
        /* an invalid selector costs its throw */
      }
      n++;
      t = performance.now();
    }
    return (t - t0) / n;
  };

  function measure() {
    const x = adapter.extract(document, undefined, Date.now());
    const live = rs.liveOf(x) ?? {};
    const calls: { phase: string; call: Call }[] = [];
    const appendMs: number[] = [];
    const rowMs: number[] = [];
    let appendNull = 0;
    const box = live.thread?.in;
    if (box) {
      const last = [...box.children].slice(-items);
      for (let r = 0; r < reps; r++) {
        let spent = 0;
        for (const item of last) {
          const copy = unique(item.cloneNode(true) as Element);
          box.append(copy);
          if (r === 0) rec = [];
          const t0 = performance.now();
          const got = live.thread!.append([copy], Date.now());
          spent += performance.now() - t0;
          if (!got) appendNull++;
          if (rec) for (const call of rec) calls.push({ phase: 'message', call });
          rec = null;
        }
        appendMs.push(spent / last.length);
      }
    }
    // A message read already, changed inside (its longest text edited): Live.thread.reread.
    const rereadMs: number[] = [];
    let rereadNull = 0;
    if (box && live.thread?.reread) {
      for (let r = 0; r < reps; r++) {
        const item = box.lastElementChild!;
        const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
        let longest: Text | null = null;
        for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null)
          if (!longest || t.data.trim().length > longest.data.trim().length) longest = t;
        if (!longest) break;
        longest.data = `${longest.data}改`;
        if (r === 0) rec = [];
        const t0 = performance.now();
        const got = live.thread.reread([longest.parentElement!], Date.now());
        rereadMs.push(performance.now() - t0);
        if (!got) rereadNull++;
        if (rec) for (const call of rec) calls.push({ phase: 'reread', call });
        rec = null;
        if (!got) break; // the live parts are spent: a whole read would follow
      }
    }
    const rowsLive = live.rows;
    if (rowsLive) {
      const all = rowsLive.all();
      const last = rowAt === null ? all.slice(-items) : all.slice(rowAt, rowAt + items);
      for (let r = 0; r < reps; r++) {
        let spent = 0;
        for (const row of last) {
          if (r === 0) rec = [];
          const t0 = performance.now();
          rowsLive.under(row);
          rowsLive.isRow(row);
          rowsLive.read(row);
          spent += performance.now() - t0;
          if (rec) for (const call of rec) calls.push({ phase: 'row', call });
          rec = null;
        }
        rowMs.push(spent / last.length);
      }
    }
    // Each distinct (phase, method, selector, root shape) once, timed on the first node it ran on.
    const seen = new Map<string, { phase: string; m: string; s: string; on: string; n: number; ms: number }>();
    for (const { phase, call } of calls) {
      const key = `${phase}\t${call.m}\t${call.s}\t${desc(call.on)}`;
      const have = seen.get(key);
      if (have) have.n++;
      else seen.set(key, { phase, m: call.m, s: call.s, on: desc(call.on), n: 1, ms: timeCall(call) });
    }
    // Control: each selector with a combinator, asked by querySelector of the last message / row element (what the
    // adapters no longer do when they walk; what they still do where they ask querySelector).
    const COMB = (sel: string) =>
      /[\s>+~]/.test(
        sel
          .replace(/\[[^\]]*\]/g, '[]')
          .replace(/\([^)]*\)/g, '()')
          .trim(),
      );
    const anchors: Record<string, Element | undefined> = {
      message: box?.lastElementChild ?? undefined,
      reread: box?.lastElementChild ?? undefined,
      row: rowsLive?.all().at(-1),
    };
    for (const { phase, call } of calls) {
      const on = anchors[phase];
      const key = `${phase}\tcontrol querySelector\t${call.s}\t${on ? desc(on) : ''}`;
      if (!on || !COMB(call.s) || seen.has(key)) continue;
      seen.set(key, {
        phase,
        m: 'control querySelector',
        s: call.s,
        on: desc(on),
        n: 0,
        ms: timeCall({ m: 'querySelector', s: call.s, on }),
      });
    }
    return {
      elements: document.getElementsByTagName('*').length,
      threadItems: box?.children.length ?? 0,
      rows: rowsLive?.all().length ?? 0,
      threadLive: !!box,
      rowsLive: !!rowsLive,
      appendMsP50: median(appendMs),
      appendNull,
      rowReadMsP50: median(rowMs),
      // The watcher's row map after each whole read: every row, by `readAll` when the adapter has it.
      rowMapMs: (() => {
        if (!rowsLive) return NaN;
        const ms: number[] = [];
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now();
          const all = rowsLive.all();
          if (rowsLive.readAll) rowsLive.readAll(all);
          else for (const row of all) rowsLive.read(row);
          ms.push(performance.now() - t0);
        }
        return median(ms);
      })(),
      rereadMsP50: median(rereadMs),
      rereadNull,
      wholeReadMs: (() => {
        const ms: number[] = [];
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now();
          adapter.extract(document, undefined, Date.now());
          ms.push(performance.now() - t0);
        }
        return median(ms);
      })(),
      wholeCalls: (() => {
        tally = {};
        const t0 = performance.now();
        adapter.extract(document, undefined, Date.now());
        const ms = performance.now() - t0;
        const by = tally;
        tally = null;
        return { ms, by };
      })(),
      wholeSites: (() => {
        if (!sites) return null;
        tally = {};
        siteTally = {};
        adapter.extract(document, undefined, Date.now());
        const by = siteTally;
        tally = null;
        siteTally = null;
        return by;
      })(),
      calls: [...seen.values()],
    };
  }

  if (platform === 'douyin' && shape !== 'containers')
    for (const box of [...document.querySelectorAll('.group-7sJd2a')]) {
      const b = box.getAttribute('data-btm') ?? 'message_group_name_recent';
      box.removeAttribute('data-btm');
      box.querySelector('.groupTitle-2LkP')?.setAttribute('data-btm', b);
      if (shape === 'flat') box.replaceWith(...box.children);
    }
  const small = measure();
  // Enlarge: the thread's items and the rows cloned (before the originals), then read whole again.
  const x = adapter.extract(document, undefined, Date.now());
  const live = rs.liveOf(x) ?? {};
  const box = live.thread?.in;
  if (box && messages) {
    const src = [...box.children];
    const frag = document.createDocumentFragment();
    for (let i = 0; box.children.length + frag.children.length < messages; i++)
      frag.append(unique(src[i % src.length]!.cloneNode(true) as Element));
    box.prepend(frag);
  }
  // Douyin's rows by their hook when its adapter has no live rows (a base without them, for an A/B).
  const rowEls =
    live.rows?.all() ??
    (platform === 'douyin' ? [...document.querySelectorAll('[data-qa-id="qa-conversation-chat-item"]')] : []);
  if (rowEls.length && rowCount) {
    const parent = rowEls[0]!.parentElement!;
    const frag = document.createDocumentFragment();
    for (let i = 0; rowEls.length + frag.children.length < rowCount; i++)
      frag.append(unique(rowEls[i % rowEls.length]!.cloneNode(true) as Element));
    // With headers, after the first row (the clones in its group, below its header); else before it.
    if (shape !== 'containers') rowEls[0]!.after(frag);
    else parent.prepend(frag);
  }
  const large = measure();
  return { small, large };
}

async function main() {
  const platforms = argOrEnv('platforms', Object.keys(PAGES).join(',')).split(',');
  const script = await bundleAdapters(argOrEnv('root', REPO_ROOT), '/tmp/live-query-probe', '__rs', [
    'pdd',
    'douyin',
    'jd',
    'kuaishou',
    'ali1688',
    'taobao',
  ]);
  const server = await startStaticServer(path.join(REPO_ROOT, 'demo'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const report: Record<string, unknown> = {};
  try {
    for (const p of platforms) {
      const page = await browser.newPage();
      await page.goto(`${server.url}${PAGES[p]}`);
      await page.waitForTimeout(1500);
      await page.addScriptTag({ path: script });
      await demoConversationOpen(page);
      const args: Args = {
        platform: p,
        messages: Number(argOrEnv('messages', '10000')),
        rows: Number(argOrEnv('rows', '1000')),
        items: Number(argOrEnv('items', '6')),
        reps: Number(argOrEnv('reps', '15')),
        shape: argOrEnv('shape', 'containers'),
        rowAt: argOrEnv('row-at', '') === '' ? null : Number(argOrEnv('row-at', '')),
        sites: argOrEnv('sites', '') !== '',
      };
      const r = await page.evaluate(inPage, args);
      report[p] = r;
      const { small, large } = r;
      console.log(
        `\n## ${p}: elements ${small.elements} → ${large.elements}, thread items ${small.threadItems} → ${large.threadItems}, rows ${small.rows} → ${large.rows} (live thread ${large.threadLive}, rows ${large.rowsLive})`,
      );
      console.log(
        `append per message p50 ${small.appendMsP50.toFixed(3)} → ${large.appendMsP50.toFixed(3)} ms (null ${small.appendNull}/${large.appendNull}); row read p50 ${small.rowReadMsP50.toFixed(3)} → ${large.rowReadMsP50.toFixed(3)} ms; reread p50 ${small.rereadMsP50.toFixed(3)} → ${large.rereadMsP50.toFixed(3)} ms (null ${small.rereadNull}/${large.rereadNull}); whole read (no memo) ${small.wholeReadMs.toFixed(1)} → ${large.wholeReadMs.toFixed(1)} ms; row map ${small.rowMapMs.toFixed(1)} → ${large.rowMapMs.toFixed(1)} ms`,
      );
      const w = large.wholeCalls;
      console.log(
        `whole read's DOM calls (large, instrumented ${w.ms.toFixed(0)} ms): ` +
          Object.entries(w.by)
            .sort((a, b) => b[1].ms - a[1].ms)
            .map(([k, v]) => `${k} ${v.n} (${v.ms.toFixed(1)} ms)`)
            .join(', '),
      );
      if (large.wholeSites) {
        const n = large.threadItems || 1;
        console.log(`\nwhole read's DOM calls by call site (large; per thread item: / ${n}):`);
        console.log('| call @ site (innermost first) | calls | per item |\n| --- | --- | --- |');
        for (const [k, v] of Object.entries(large.wholeSites).sort((a, b) => b[1] - a[1]))
          console.log(`| \`${k}\` | ${v} | ${(v / n).toFixed(2)} |`);
      }
      console.log(
        '| part | call | selector | on | calls | small ms | large ms |\n| --- | --- | --- | --- | --- | --- | --- |',
      );
      const smallBy = new Map(small.calls.map((c) => [`${c.phase}\t${c.m}\t${c.s}\t${c.on}`, c]));
      for (const c of large.calls) {
        const s = smallBy.get(`${c.phase}\t${c.m}\t${c.s}\t${c.on}`);
        const flag = c.ms > 0.05 && (!s || c.ms > 5 * s.ms) ? ' **' : '';
        console.log(
          `| ${c.phase} | ${c.m} | \`${c.s.replace(/\|/g, '\\|')}\` | ${c.on} | ${c.n} | ${s ? s.ms.toFixed(4) : '—'} | ${c.ms.toFixed(4)}${flag} |`,
        );
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const out = argOrEnv('out', '');
  if (out) await writeFile(out, JSON.stringify(report, null, 1));
}

void main();
