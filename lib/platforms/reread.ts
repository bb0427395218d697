/**
 * A thread read item by item in page order (messages and dividers), continued by appends, whose items can be read
 * again where they stand (Live `thread.reread`, types.ts): each item remembers the reader's state it was read with,
 * so a changed message is read again from there, and the items after it while the state it leaves differs from the
 * one they were read with. Each keeps the arrival time it was first read with (an append's arrival is replayed
 * before its first item, not compared as flowing state); only the thread's own reads number its messages. The
 * platform gives the state (ItemState) and how one item reads; ids are the platform's too (a content hash numbered
 * among identical messages may only be read again when no other message's number moves). Pure: reads, never writes
 * the page.
 */
import { sameMessage, type ExtractedMessage, type MessageChange, type Replaced } from './types';

/** One item of a thread (a message row, or a divider: `sep`), in page order. */
export interface ThreadItem {
  el: Element;
  sep: boolean;
  /** Which kind of row it was read as (the platform's, for `stillItem`: Kuaishou's main rows and middle notices). */
  kind?: string;
}

/** What a message's id came from: the page id it read, and the content key it hashed (null: none). */
export interface IdSource {
  pageId: string | null;
  id: string;
  key: string | null;
}

/** A read message and where its id came from. */
export interface ItemMessage extends IdSource {
  message: ExtractedMessage;
}

/** A platform's running reader state, and how one item reads with it. */
export interface ItemState<S> {
  save(): S;
  restore(s: S): void;
  same(a: S, b: S): boolean;
  /** Items read from now on arrived live at `now` (dateless stamps against it). */
  arrive(now: number): void;
  /**
   * A read (the whole one, or an append) ends: what waits for the end is done (a tab-open run of bare times dated
   * backwards from its last, its messages' times set in place).
   */
  end?(): void;
  /**
   * Reads an item the first time, numbering its id among the thread's: its message, or null (none). `item` is the
   * same object `again` gets for it (the platform may key what it keeps of the reading on it).
   */
  read(item: ThreadItem): ItemMessage | null;
  /**
   * Reads an item again in its place, its id as a whole read would give it (`was`: its first reading's source):
   * its message, or null (none), or undefined when that could renumber other messages or change times given at a
   * read's end (read the page whole). `fresh`: the state it is read with is the one it was first read with.
   */
  again(item: ThreadItem, was: IdSource, fresh: boolean): ItemMessage | null | undefined;
}

/** What the read of one item started from and gave. */
interface ItemRead<S> extends ThreadItem, IdSource {
  /** The state it was read with (after `arrived`, when it was the first item of an append). */
  before: S;
  /** The arrival time applied right before it was read, if any. */
  arrived?: number;
  /** Its message's index in the thread's messages (-1: no message). */
  index: number;
  /** The last item of a read: the state before and after the read's `end`. */
  ended?: { pre: S; post: S };
}

export class ItemThread<S> {
  readonly messages: ExtractedMessage[];
  private readonly items: ItemRead<S>[] = [];
  private index: Map<Element, number> | undefined;
  private count = 0;
  /** An arrival not yet followed by an item (applied to the state already). */
  private arrived: number | undefined;

  constructor(
    private readonly state: ItemState<S>,
    items: readonly ThreadItem[],
  ) {
    this.messages = this.read(items);
  }

  /** Items appended live, arrived at `now`. */
  append(items: readonly ThreadItem[], now?: number): ExtractedMessage[] {
    if (now !== undefined) {
      this.state.arrive(now);
      this.arrived = now;
    }
    return this.read(items);
  }

  private read(items: readonly ThreadItem[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    for (const it of items) {
      const rec: ItemRead<S> = { ...it, before: this.state.save(), index: -1, pageId: null, id: '', key: null };
      if (this.arrived !== undefined) rec.arrived = this.arrived;
      this.arrived = undefined;
      this.index?.set(it.el, this.items.length);
      this.items.push(rec);
      const got = this.state.read(rec);
      if (!got) continue;
      Object.assign(rec, { index: this.count++, pageId: got.pageId, id: got.id, key: got.key });
      out.push(got.message);
    }
    const last = this.items.at(-1);
    if (this.state.end && items.length && last) {
      const pre = this.state.save();
      this.state.end();
      last.ended = { pre, post: this.state.save() };
    }
    return out;
  }

  /**
   * Live `thread.reread` over the items under `container`: `stillItem` says whether a changed (or re-rendered)
   * element is still the one item `was` read as, as a fresh read would find it. Dividers changed, items re-rendered
   * anywhere but in their own place, a message appearing or going, an id's numbering changing → null.
   */
  reread(
    changed: readonly Node[],
    replaced: Replaced | undefined,
    container: Element,
    stillItem: (el: Element, was: ThreadItem) => boolean,
  ): MessageChange[] | null {
    const index = (this.index ??= new Map(this.items.map((r, i) => [r.el, i])));
    const at = new Set<number>();
    if (replaced) {
      const put = this.rerendered(replaced, container, index, stillItem);
      if (!put) return null;
      for (const i of put) at.add(i);
    }
    for (const n of changed) {
      let i: number | undefined;
      let el = n.nodeType === 1 ? (n as Element) : n.parentElement;
      for (; el && el !== container; el = el.parentElement) {
        i = index.get(el);
        if (i !== undefined) break;
      }
      if (i === undefined || !el) return null;
      for (let p = el.parentElement; p && p !== container; p = p.parentElement) if (index.has(p)) return null;
      if (this.items[i]!.sep || !stillItem(el, this.items[i]!)) return null;
      at.add(i);
    }
    const st = this.state;
    let end = st.save();
    const out: MessageChange[] = [];
    let done = -1;
    for (const i of [...at].sort((a, b) => a - b)) {
      if (i <= done) continue;
      st.restore(this.items[i]!.before);
      for (let k = i; k < this.items.length; k++) {
        const rec = this.items[k]!;
        rec.before = st.save();
        const got = st.again(rec, rec, k === i);
        // A message must stay one, and no message must become one (the thread's numbering).
        if (got === undefined || (got === null) !== rec.index < 0) return null;
        if (got) {
          Object.assign(rec, { id: got.id, key: got.key });
          if (!sameMessage(this.messages[rec.index], got.message)) out.push({ index: rec.index, message: got.message });
        }
        done = k;
        // Where a read ended: as it ended then when the state is the same, else ended again.
        if (rec.ended) {
          if (st.same(st.save(), rec.ended.pre)) st.restore(rec.ended.post);
          else st.end?.();
        }
        const next = this.items[k + 1];
        if (!next) {
          if (this.arrived !== undefined) st.arrive(this.arrived);
          end = st.save();
          break;
        }
        if (next.arrived !== undefined) st.arrive(next.arrived);
        if (st.same(st.save(), next.before)) break;
      }
    }
    st.restore(end);
    return out;
  }

  /**
   * Items the page re-rendered as new elements in their places (removed, and a new one inserted where each stood, one
   * for one, between the same neighbours): the indices they took over, or null (anything else: read whole).
   */
  private rerendered(
    { removed, inserted }: Replaced,
    container: Element,
    index: Map<Element, number>,
    stillItem: (el: Element, was: ThreadItem) => boolean,
  ): number[] | null {
    const blank = (n: Node) => n.nodeType === 8 || (n.nodeType === 3 && !n.textContent?.trim());
    const olds = removed.filter((n) => !blank(n));
    const news = inserted.filter((n) => !blank(n));
    if (olds.length !== news.length) return null;
    const gone = new Set<number>();
    for (const n of olds) {
      const i = index.get(n as Element);
      if (i === undefined || n.parentNode || this.items[i]!.sep) return null;
      gone.add(i);
    }
    const out: number[] = [];
    for (const n of news) {
      if (n.parentNode !== container || n.nodeType !== 1) return null;
      const el = n as Element;
      const before = el.previousElementSibling;
      const i = before ? index.get(before) : -1;
      if (i === undefined) return null;
      const k = i + 1;
      const was = this.items[k];
      if (!was || !gone.has(k) || (this.items[k + 1]?.el ?? null) !== el.nextElementSibling || !stillItem(el, was))
        return null;
      gone.delete(k);
      index.delete(was.el);
      was.el = el;
      index.set(el, k);
      out.push(k);
    }
    return out;
  }
}

/**
 * Ids numbered by content among identical messages: the id a message read again gets, given its first reading
 * (`was`) and its key now, or undefined when that would renumber others (see ItemState `again`). `occurrences`: how
 * many messages hold each key; `hashId`: the id of the n-th message with a key. The key unchanged keeps the id; a
 * changed one only when no other message had the old key or has the new one.
 */
export function rekeyed(
  occurrences: Map<string, number>,
  was: IdSource,
  key: string,
  hashId: (key: string, n: number) => string,
): { id: string; key: string } | undefined {
  if (was.key === null) return undefined;
  if (key === was.key) return { id: was.id, key };
  if (occurrences.get(was.key) !== 1 || occurrences.has(key)) return undefined;
  occurrences.delete(was.key);
  occurrences.set(key, 1);
  return { id: hashId(key, 0), key };
}

/** What a first reading in a tab-open run's reach left (see RunReach). */
export interface RunKept<S> {
  key: string;
  after: S;
  message: ExtractedMessage | null;
}

/**
 * Items whose first reading touched a tab-open run of bare times (read when the tab opens with no date above them:
 * dated backwards from its last once it ends, at a dated stamp, a divider or the read's end, its messages' times set
 * in place then): one that joined the run, or was read while the run was open (it may have ended it). One item read
 * again alone cannot date the run: such an item is read again only with the state it was first read with (`fresh`)
 * and reading what it read then (`key`: whether it joined the run, its own stamp's text); then a whole read dates the
 * run as before, and the item keeps its message's settled time and leaves the state it left then (the run's end may
 * have set it). Any other item touching the run when read again (one that joins it now) → read the page whole.
 */
export class RunReach<S> {
  private readonly kept = new WeakMap<object, RunKept<S>>();

  /** The first reading of an item that touched the run: its key, the state after it, its message (null: none). */
  read(item: object, key: string, after: S, message: ExtractedMessage | null): void {
    this.kept.set(item, { key, after, message });
  }

  /**
   * An item read again (`key`: what it read now; `joined`: it joined the run now): what its first reading left, null
   * when neither reading touched the run, false when it must be read whole.
   */
  again(item: object, key: string, joined: boolean, fresh: boolean): RunKept<S> | null | false {
    const was = this.kept.get(item);
    if (!was) return joined ? false : null;
    return fresh && was.key === key && was;
  }
}

/** A message read again takes the time its first reading was given (at the run's end), and how finely it was shown. */
export function keepTime(m: ExtractedMessage, was: ExtractedMessage): ExtractedMessage {
  m.at = was.at;
  m.timeSource = was.timeSource;
  if (was.atPrecisionMs === undefined) delete m.atPrecisionMs;
  else m.atPrecisionMs = was.atPrecisionMs;
  return m;
}
