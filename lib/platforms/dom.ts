/** Small pure DOM helpers shared by adapters. They read, never write. */

/**
 * First element matching any of the fallbacks, in order. Invalid selectors are skipped, never thrown.
 *
 * The same result as `root.querySelector(s)` for each fallback, but a selector with a combinator (`.nickname span`,
 * `p.nickname > span`) is matched under a small element by walking its elements with `matches` (firstWalked):
 * Chromium answers an element's querySelector of such a selector in time that grows with the whole document, not
 * the element (≈ 0.3–1.1 ms each on the 10 000-message workbench for a message's few elements, read per new message;
 * a simple selector, or `div span`, stays fast), while `matches` looks at the element and its ancestors only.
 */
export function pick(root: ParentNode, sels: readonly string[] | undefined): Element | null {
  for (const s of sels ?? []) {
    try {
      let el: Element | null | undefined;
      if (root.nodeType === 1 && COMBINATOR.test(s) && !SCOPE.test(s)) el = firstWalked(root as Element, s);
      if (el === undefined) el = root.querySelector(s);
      if (el) return el;
    } catch {
      /* a bad selector in data must not break the page */
    }
  }
  return null;
}

/** A combinator may be in the selector (a false positive, e.g. inside an attribute's value, only costs a walk). */
const COMBINATOR = /[\s>+~]/;
/**
 * `:scope` is the root for querySelector, the element itself for `matches`: such selectors are not walked. So is the
 * nesting selector `&` (`:scope` at the top level) and any escape (`:sc\ope` is `:scope` too): a false positive only
 * costs the walk's speed.
 */
const SCOPE = /:scope|&|\\/i;
/** Elements firstWalked visits at most before leaving a larger subtree to querySelector. */
export const PICK_WALK_MAX = 200;

/**
 * `root.querySelector(sel)` by a walk of root's descendant elements in tree order, each asked `matches(sel)` (for an
 * element, matching a selector without `:scope` is the same question either way); undefined when the subtree has more
 * than PICK_WALK_MAX elements (the caller asks querySelector then). Throws as querySelector does for an invalid one.
 */
function firstWalked(root: Element, sel: string): Element | null | undefined {
  let seen = 0;
  for (let el = root.firstElementChild; el;) {
    if (++seen > PICK_WALK_MAX) return undefined;
    if (el.matches(sel)) return el;
    let next = el.firstElementChild;
    for (let cur: Element | null = el; !next && cur && cur !== root; cur = cur.parentElement)
      next = cur.nextElementSibling;
    el = next;
  }
  return null;
}

/** All elements matching the first fallback that matches anything. */
export function pickAll(root: ParentNode, sels: readonly string[] | undefined): Element[] {
  for (const s of sels ?? []) {
    try {
      const list = root.querySelectorAll(s);
      if (list.length) return [...list];
    } catch {
      /* skip */
    }
  }
  return [];
}

export function matchesAny(el: Element, sels: readonly string[] | undefined): boolean {
  return (sels ?? []).some((s) => {
    try {
      return el.matches(s);
    } catch {
      return false;
    }
  });
}

/**
 * The attributes `shownName` reads a name from when the element shows no text (a logo's tooltip, an image's alt): an
 * adapter that reads names through it watches them (Adapter `attributes`: one filled in after render changes the name).
 */
export const SHOWN_NAME_ATTRS = ['title', 'alt', 'aria-label'] as const;

/**
 * A name the page shows, from the first fallback (in order, then document order) that gives one: an element's text,
 * else its title, alt or aria-label (a shop shown as a logo with a tooltip). '' when none does.
 */
export function shownName(root: ParentNode, sels: readonly string[] | undefined): string {
  for (const s of sels ?? []) {
    let els: NodeListOf<Element>;
    try {
      els = root.querySelectorAll(s);
    } catch {
      continue; // a bad selector in data must not break the page
    }
    for (const el of els) {
      const name = text(el) || SHOWN_NAME_ATTRS.map((a) => el.getAttribute(a)?.trim() ?? '').find(Boolean);
      if (name) return name.replace(/\s+/g, ' ');
    }
  }
  return '';
}

/** Visible-ish text with whitespace folded. */
export function text(el: Element | null | undefined): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Live rows' waitingCounter (see Live) for a row whose wait read() takes as parse(text(pick(row, sels))): null unless
 * `el` is that very element (the first match in the row; not checked again when `known`); else what it reads now.
 */
export function counterReading(
  el: Element,
  row: Element,
  sels: readonly string[],
  parse: (s: string) => number | undefined,
  known?: boolean,
): { waitingSec: number | undefined } | null {
  if (!known && (!matchesAny(el, sels) || pick(row, sels) !== el)) return null;
  const t = text(el);
  return { waitingSec: t ? parse(t) : undefined };
}

/** A short stable hash (FNV-1a, 32-bit, hex) for content-derived ids. */
export function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * Parses a China-local time stamp as pages print it: `2026年09月08日 17:12:14`, `2026-09-08 17:12:14`,
 * `2026/9/8 17:12`. Returns epoch ms, or null.
 */
export function parseChinaStamp(s: string): number | null {
  const m = /(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se] = m;
  const utc = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, se ? +se : 0);
  return utc - 8 * 3600_000;
}

/** pickAll, and which fallback matched (null when none did): a live read must keep using the same one. */
export function pickAllWith(
  root: ParentNode,
  sels: readonly string[] | undefined,
): { els: Element[]; sel: string | null } {
  for (const s of sels ?? []) {
    try {
      const list = root.querySelectorAll(s);
      if (list.length) return { els: [...list], sel: s };
    } catch {
      /* skip */
    }
  }
  return { els: [], sel: null };
}

/** Elements matching `sel` in the subtree of `node`, the node itself included, in document order. */
export function under(node: Node, sel: string): Element[] {
  if (node.nodeType !== 1) return [];
  const el = node as Element;
  try {
    const inner = [...el.querySelectorAll(sel)];
    return el.matches(sel) ? [el, ...inner] : inner;
  } catch {
    return [];
  }
}

/** Does `el` match `sel` (an invalid selector matches nothing)? */
export function matches(el: Element, sel: string): boolean {
  try {
    return el.matches(sel);
  } catch {
    return false;
  }
}

/**
 * For subtrees appended to a container that pickAll(container, sels) read with the fallback `chosen`: the
 * elements in them that a fresh pickAll would now add. Null when they would make it choose another fallback
 * (an earlier one matches in them, or none had matched before).
 */
export function pickAllIn(nodes: readonly Node[], sels: readonly string[], chosen: string | null): Element[] | null {
  for (const s of sels) {
    if (s === chosen) return nodes.flatMap((n) => under(n, s));
    if (nodes.some((n) => under(n, s).length)) return null;
  }
  return chosen === null ? [] : null;
}

/**
 * For a live thread's re-read (Live `thread.reread`): the index of the message element a change on `node` falls in,
 * among the elements a read of `container` found with pickAllWith(container, sels) → `chosen` (`index`: element →
 * its index). Undefined unless a fresh pickAll would still find that element there, alone: no other message inside it
 * (nested, or matching an earlier fallback), none of the elements read above it up to the container.
 */
export function messageIndexOf(
  node: Node,
  container: Element,
  sels: readonly string[],
  chosen: string | null,
  index: ReadonlyMap<Element, number>,
): number | undefined {
  const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
  const item = el && chosen ? closestIn(el, [chosen], container) : null;
  const i = item ? index.get(item) : undefined;
  if (i === undefined) return undefined;
  for (let p = item!.parentElement; p && p !== container; p = p.parentElement) if (index.has(p)) return undefined;
  return pickAllIn([item!], sels, chosen)?.length === 1 ? i : undefined;
}

/** Does `el` match, or contain, an element matching any of the fallbacks? */
export function has(el: Element, sels: readonly string[] | undefined): boolean {
  return matchesAny(el, sels) || !!pick(el, sels);
}

/** The nearest ancestor-or-self of `el` (not above `stop`) matching any of the fallbacks. */
export function closestIn(el: Element, sels: readonly string[], stop?: ParentNode | null): Element | null {
  for (let cur: Element | null = el; cur && cur !== stop; cur = cur.parentElement) {
    if (matchesAny(cur, sels)) return cur;
  }
  return null;
}

/** Drops elements nested inside another element of the list (e.g. a quoted message inside a message). */
export function outermost(els: readonly Element[]): Element[] {
  const set = new Set(els);
  return els.filter((e) => {
    for (let p = e.parentElement; p; p = p.parentElement) if (set.has(p)) return false;
    return true;
  });
}

/**
 * The elements of `els` that are none of `containers` nor inside one (as `!containers.some((c) => c.contains(e))`): an
 * ancestor walk against a set, not every pair (dividers against the rows of a long thread).
 */
export function outside(els: readonly Element[], containers: readonly Element[]): Element[] {
  const set = new Set(containers);
  return els.filter((e) => {
    for (let p: Element | null = e; p; p = p.parentElement) if (set.has(p)) return false;
    return true;
  });
}

/** The ancestors of `els` (themselves not included), each once. */
export function ancestorsOf(els: readonly Element[]): Set<Element> {
  const out = new Set<Element>();
  for (const e of els) for (let p = e.parentElement; p && !out.has(p); p = p.parentElement) out.add(p);
  return out;
}

const FOLLOWING = 4; // Node.DOCUMENT_POSITION_FOLLOWING

/** Does `b` follow `a` in document order? */
export const precedes = (a: Node, b: Node): boolean => (a.compareDocumentPosition(b) & FOLLOWING) !== 0;

const byPosition = (a: Element, b: Element) => (a === b ? 0 : precedes(a, b) ? -1 : 1);

/** Lists at most this long are sorted by compareDocumentPosition (a few calls); longer ones by their paths. */
const ORDER_BY_POSITION_MAX = 8;

/**
 * Sorts elements into document order (stable for equal elements).
 *
 * A long list (a thread's rows and dividers, read whole) is sorted by each element's path of sibling indices from its
 * root, each parent's children counted once: Chromium's compareDocumentPosition of two siblings walks the siblings
 * before one of them, so sorting the 10 000 children of one thread by it took ≈ 0.1 ms a comparison (≈ 0.8 s per
 * whole read of a 10 000-message JD or Kuaishou thread). Elements of different roots (detached trees) keep
 * compareDocumentPosition's order.
 */
export function inDocumentOrder(els: readonly Element[]): Element[] {
  if (els.length <= ORDER_BY_POSITION_MAX) return [...els].sort(byPosition);
  const indexIn = new Map<Node, Map<Element, number>>();
  const paths = new Map<Element, number[]>();
  let root: Node | undefined;
  for (const el of els) {
    if (paths.has(el)) continue;
    const path: number[] = [];
    let top: Node = el;
    for (let cur: Element = el, p = cur.parentNode; p; cur = p as Element, p = p.parentNode) {
      let index = indexIn.get(p);
      if (!index) {
        index = new Map();
        let i = 0;
        for (let c = (p as ParentNode).firstElementChild; c; c = c.nextElementSibling) index.set(c, i++);
        indexIn.set(p, index);
      }
      path.push(index.get(cur)!);
      top = p;
    }
    if (root === undefined) root = top;
    else if (top !== root) return [...els].sort(byPosition);
    paths.set(el, path.reverse());
  }
  return [...els].sort((a, b) => {
    const pa = paths.get(a)!;
    const pb = paths.get(b)!;
    for (let i = 0; i < pa.length && i < pb.length; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
    return pa.length - pb.length; // an ancestor before its descendants
  });
}

/**
 * Text of `el` without the parts matching `drop` (quotes, time stamps, nicknames): what `el`'s clone would say with
 * every descendant matching a selector of `drop` removed. Selectors that are one compound each (no combinator, no
 * pseudo-class, no `:scope` / `&` / escape: a match depends on the element alone, the same in a clone as in the page)
 * are answered by a walk of `el`'s elements (`matches`), and the text is read without a clone: `el`'s own
 * textContent when nothing is dropped, else its text nodes outside the dropped subtrees. Other selectors take the
 * clone (textOfClone).
 */
export function textWithout(el: Element | null | undefined, drop: readonly string[]): string {
  if (!el) return '';
  if (!drop.every((s) => COMPOUND.test(s))) return textOfClone(el, drop);
  const dropped = (d: Element) => matchesAny(d, drop);
  if (!someElement(el, dropped)) return text(el);
  const parts: string[] = [];
  const collect = (parent: Node) => {
    for (let n = parent.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3 || n.nodeType === 4) parts.push((n as CharacterData).data);
      else if (n.nodeType === 1 && !dropped(n as Element)) collect(n);
    }
  };
  collect(el);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/** One compound selector (or a list of them) without pseudo-classes, nesting or escapes: see textWithout. */
const COMPOUND = /^[^\s>+~:&\\]+$/;

/** Does a descendant element of `el` (tree order, a match's subtree not entered) satisfy `test`? */
function someElement(el: Element, test: (d: Element) => boolean): boolean {
  for (let d = el.firstElementChild; d; d = d.nextElementSibling) if (test(d) || someElement(d, test)) return true;
  return false;
}

/** textWithout by a clone: the form for selectors a walk of the page's elements might answer otherwise. */
export function textOfClone(el: Element, drop: readonly string[]): string {
  const clone = el.cloneNode(true) as Element;
  for (const s of drop) {
    try {
      clone.querySelectorAll(s).forEach((q) => q.remove());
    } catch {
      /* bad selector in data */
    }
  }
  return (clone.textContent ?? '').replace(/\s+/g, ' ').trim();
}

const HTML_NS = 'http://www.w3.org/1999/xhtml';

/**
 * What the elements under `el` are called: each descendant's local name and class attribute, lowercased, in one
 * string. A guard for a small subtree read many times over (a message row): a selector whose word (mayMatch) is not
 * in it matches no descendant of `el`, nor of any element inside `el`, so its query can be left out. Read it again
 * when the subtree changes. The class attribute as selectors see it: the one in no namespace (a namespaced `class`
 * set first is what getAttribute would give); on a non-HTML element (SVG) every attribute named `class` in any case
 * too, as Chromium's `[class*=…]` matches an SVG's `CLASS` (outsider review 10).
 */
export function namesUnder(el: Element): string {
  let s = '';
  for (let d = el.firstElementChild; d;) {
    s += `${d.localName} ${d.getAttributeNS(null, 'class') ?? ''}\n`;
    if (d.namespaceURI !== HTML_NS)
      for (const a of d.attributes) if (a.localName.toLowerCase() === 'class') s += `${a.value}\n`;
    let next = d.firstElementChild;
    for (let cur: Element | null = d; !next && cur && cur !== el; cur = cur.parentElement)
      next = cur.nextElementSibling;
    d = next;
  }
  return s.toLowerCase();
}

/**
 * The word an element matching `sel` must have in its local name or class attribute (lowercased, as namesUnder
 * reads them), or null when `sel` is not one of the simple forms `.name`, `[class*="name"]` or `tag` (then any
 * element may match). `.name` matches a class attribute holding the word (ASCII case aside in quirks mode), a tag its
 * local name (ASCII case aside for HTML elements): either way the lowercased word is in the lowercased names.
 */
function wordOf(sel: string): string | null {
  let w = WORDS.get(sel);
  if (w === undefined) {
    const m = /^\.(-?[A-Za-z_][\w-]*)$/.exec(sel) ?? /^\[class\*=(["'])([\w-]+)\1\]$/.exec(sel);
    w = m ? m[m.length - 1]!.toLowerCase() : /^[A-Za-z][\w-]*$/.test(sel) ? sel.toLowerCase() : null;
    WORDS.set(sel, w);
  }
  return w;
}
const WORDS = new Map<string, string | null>();

/** May an element under a subtree whose names are `names` (namesUnder) match `sel`? False only when none can. */
export function mayMatch(names: string, sel: string): boolean {
  const w = wordOf(sel);
  return w === null || names.includes(w);
}

/**
 * pick(root, sels) for a `root` inside (or being) the element whose namesUnder are `names`: the same element, the
 * fallbacks that no descendant can match (mayMatch) not asked.
 */
export function pickNamed(root: Element, sels: readonly string[], names: string): Element | null {
  for (const s of sels) {
    if (!mayMatch(names, s)) continue;
    const el = pick(root, [s]);
    if (el) return el;
  }
  return null;
}

/** textWithout(el, drop) for an `el` inside (or being) the element whose namesUnder are `names`: the same text. */
export function textWithoutNamed(el: Element | null | undefined, drop: readonly string[], names: string): string {
  return drop.some((s) => mayMatch(names, s)) ? textWithout(el, drop) : text(el);
}

/** pickAll(root, sels) for a `root` inside (or being) the element whose namesUnder are `names`: the same elements. */
export function pickAllNamed(root: Element, sels: readonly string[], names: string): Element[] {
  return pickAll(
    root,
    sels.filter((s) => mayMatch(names, s)),
  );
}
