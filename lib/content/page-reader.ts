/**
 * Reads one workbench page through its adapter, two ways, each giving a diff for the event ledger (ledger.ts):
 * - the whole read (`readWhole`): the adapter's extract(), with its memo of what each element read as (mutations
 *   drop what they touched: `forget`);
 * - the incremental path (`readIncremental`, in the MutationObserver's callback): the records applied where they
 *   happened, when they all fall into the places the adapter can read piecewise (see Adapter `Live`): a changed
 *   or added list row is read alone, messages appended to the open thread are read alone, continuing the adapter's
 *   read, and messages already read that changed inside are read again where they stand. Anything else returns
 *   null: the caller schedules a whole read.
 * It keeps the page as last read (`page`: the whole read patched by the incremental path) and buyer → row element
 * (`buyerRows`, where badges go). No timers, nothing sent.
 */
import {
  liveOf,
  type Adapter,
  type ExtractMemo,
  type ExtractedConversation,
  type ExtractedMessage,
  type Extraction,
  type Live,
  type MessageChange,
} from '../platforms/types';
import { precedes } from '../platforms/dom';
import { judged } from '../platforms/parts';
import { keyId } from '../model';
import type { PageDiff, RowChange } from './ledger';
import { BADGE_ATTR } from './row-badges';

type LiveRows = NonNullable<Live['rows']>;

export class PageReader {
  /** What the adapter read from each element, kept between whole reads while the page leaves it alone. */
  private memo: ExtractMemo = new WeakMap();
  /** The last whole read, patched by the incremental path (see `page`). */
  private current: Extraction | null = null;
  /** Incremental path: each list row element → what it reads as (built with each whole read, on first use). */
  private rowReadings: Map<Element, ExtractedConversation | null> | null = null;
  /**
   * Buyer → how many of `rowReadings` read as theirs, kept with it: a buyer whose first row went is looked for among
   * every row only when a row not read again in the batch shows them (see readIncremental).
   */
  private rowsShowing = new Map<string, number>();
  /**
   * Counters found to be their row's (waitingCounter) → their row, and back; a row's is forgotten when the row is read
   * (and all with a whole read). A change of only the text inside one is its row's counter ticking: no walk up to the
   * list, no check that it is still the row's counter (see planIncremental).
   */
  private counterRow = new WeakMap<Element, KnownCounter>();
  private rowCounter = new WeakMap<Element, Element>();
  /**
   * A known counter's text → what it reads as (see Live `waitingCounter`: with `known`, its text alone decides; null:
   * no wait), one lookup per text.
   */
  private counterValues = new Map<string, number | null>();
  /**
   * The known counters' ticks `forget` took out of its batch, for the `readIncremental` that follows, each counter
   * once (`KnownCounter.batch`; the array kept between batches: no allocation per batch).
   */
  private readonly pendingTicks: KnownCounter[] = [];
  /** The number of `forget`'s batch (KnownCounter `batch`: set aside in this one). */
  private batch = 0;
  /** The conversation list needs re-listing in page order (rows changed on the incremental path). */
  private orderStale = false;
  /** Buyer (as stored: keyId, as the clocks name it) → the row element its badge goes on. */
  buyerRows = new Map<string, Element>();
  /** How the page was read (for tests and diagnostics): whole reads, incremental reads, rows, counters, messages. */
  readonly stats = {
    scans: 0,
    incremental: 0,
    rowReads: 0,
    counterReads: 0,
    appended: 0,
    /** Batches with changes inside earlier messages applied by re-reading them, and messages that read differently. */
    messageRereads: 0,
    changed: 0,
  };

  constructor(
    private readonly adapter: Adapter,
    private readonly root: Document,
  ) {}

  /** The page as last read: the last whole read with the incremental path's changes (conversations in page order). */
  get page(): Extraction | null {
    const x = this.current;
    const rows = liveOf(x)?.rows;
    if (x && this.orderStale && rows && this.rowReadings) {
      const conversations: ExtractedConversation[] = [];
      const buyers = new Set<string>();
      for (const row of rows.all()) {
        let c = this.rowReadings.get(row);
        if (c === undefined) {
          this.rowReadings.set(row, (c = rows.read(row)));
          this.showing(c, 1);
        }
        if (!c || (rows.firstPerBuyer && buyers.has(c.buyer))) continue;
        buyers.add(c.buyer);
        conversations.push(c);
      }
      x.conversations = conversations;
      this.orderStale = false;
    }
    return x;
  }

  /** Known counters' ticks the last `forget` set aside, not read yet (see readIncremental). */
  get ticksPending(): number {
    return this.pendingTicks.length;
  }

  /** Has the page been read whole at least once? */
  get read(): boolean {
    return this.current !== null;
  }

  /**
   * Drops what the adapter remembered about every element the mutations touched (and their ancestors), so the
   * next extract() re-reads exactly those. Returns the records of changes the adapter may read (none: nothing it reads
   * changed): our own in-page badges being added, and the tab's title, do not count. The incremental path takes these
   * (readIncremental), so each record is judged once.
   */
  forget(records: readonly MutationRecord[]): MutationRecord[] {
    const relevant: MutationRecord[] = [];
    let done: Set<Node> | null = null;
    const ticks = this.pendingTicks;
    ticks.length = 0;
    const batch = ++this.batch;
    let parent: Node | null = null;
    for (const r of records) {
      // A known counter's tick (the text inside it, and nothing else: an element put in it could become the row's
      // counter): set aside for readIncremental, with no Set and no walk past the row; the memo from the counter up
      // to its row is dropped here, the row's ancestors once per batch (while the rows share their parent), and all
      // of it only at the counter's first tick while it stays known (below). Before
      // isOwnMutation, which it never is: a known counter is a row's element the platform's counter selectors
      // matched (not the <title>), and our badges' hosts are elements (not a tick's).
      // "Nothing else" for a change of its children: no element in it now, rather than none among the record's added
      // nodes (reading those makes two objects per tick in this world: the list and the new text node; 140 a batch
      // on the large page). The same readings: an element put in and taken out again within the batch leaves the
      // counter as it was, and one still in it sends the record the long way (the counter checked again).
      // A counter's chain (counter up to its row, the row's ancestors) is dropped once while it stays known
      // (`dropped`): nothing puts any of it back in the memo meanwhile (a whole read makes every counter unknown, a
      // row read forgets its row's); its later ticks are taken with no DOM call but the record's and
      // `firstElementChild`. Whether it is still in its row (a virtualised list may recycle it into another) is not
      // checked per tick: it cannot leave its row without a childList record of its own removal (or of an ancestor's,
      // up to the row's from the list) in the same batch, which puts the row through a read, or its counter through
      // the check again, in this batch (readIncremental claims the tick then), or in an earlier one, which forgot it
      // (a row read forgets its row's counter; a counter superseded is forgotten). Its first tick as known still
      // walks up to its row (the memo drop): one no longer in it goes the long way.
      const type = r.type;
      if (type !== 'attributes') {
        const t = r.target;
        const el = (type === 'childList' ? t : t.parentNode) as Element | null;
        const known = el && this.counterRow.get(el);
        if (known && (type !== 'childList' || el!.firstElementChild === null)) {
          const row = known.row;
          if (known.dropped) {
            if (known.batch !== batch) ticks.push(known);
            known.batch = batch;
            continue;
          } else {
            let n: Node | null = el;
            for (; n && n !== row; n = n.parentNode) this.memo.delete(n as Element);
            if (n) {
              this.memo.delete(row);
              if (row.parentNode !== parent)
                for (let a = (parent = row.parentNode); a; a = a.parentNode) this.memo.delete(a as Element);
              known.dropped = true;
              if (known.batch !== batch) ticks.push(known);
              known.batch = batch;
              continue;
            }
          }
        }
      }
      if (isOwnMutation(r)) continue;
      relevant.push(r);
      // Up to the root, or to an ancestor an earlier record of this batch already walked.
      done ??= new Set();
      for (let n: Node | null = r.target; n && !done.has(n); n = n.parentNode) {
        done.add(n);
        this.memo.delete(n as Element);
      }
    }
    return relevant;
  }

  /** The whole page, read now. Never throws: an adapter that fails reads as a page where every part is missing. */
  readWhole(now: number): PageDiff & { kind: 'whole' } {
    this.stats.scans++;
    let x: Extraction;
    try {
      x = this.adapter.extract(this.root, this.memo, now);
    } catch (err) {
      console.warn('[Reply Sentinel] extract failed', err);
      const parts = { list: 'missing', thread: 'missing', input: 'missing', account: 'missing' } as const;
      x = { ...judged(parts), account: null, conversations: [], thread: null, input: null, missing: ['extract'] };
    }
    this.current = x;
    this.orderStale = false;
    this.pendingTicks.length = 0;
    const rows = liveOf(x)?.rows;
    this.rowReadings = null;
    this.counterRow = new WeakMap();
    this.rowCounter = new WeakMap();
    try {
      if (rows) this.rowMap(rows, x.conversations);
    } catch {
      this.rowReadings = null;
    }
    this.buyerRows = new Map();
    for (const c of x.conversations)
      if (c.row && !this.buyerRows.has(keyId(c.buyer))) this.buyerRows.set(keyId(c.buyer), c.row);
    return { kind: 'whole', page: x };
  }

  /**
   * The last read page's live parts while it may be read piecewise: only while its list and its thread read (a part
   * that is missing is looked for by whole reads); else undefined (readTicks and readIncremental then give up).
   */
  private piecewise(): Live | undefined {
    const x = this.current;
    return x && x.parts.list === 'ok' && x.parts.thread !== 'missing' ? liveOf(x) : undefined;
  }

  /**
   * A batch of known counters' ticks alone (`forget` returned no record): each applied as readIncremental applies it,
   * with nothing else (no plan, no diff: nothing to report, no badge touched). False when one of them needs its row
   * read (its text shows no wait), or the page is not read incrementally now: readIncremental then takes the ticks
   * not applied here, as it would all of them.
   */
  readTicks(): boolean {
    const rows = this.piecewise()?.rows;
    if (!rows || !this.rowReadings) return false;
    const ticks = this.pendingTicks;
    const batch = this.batch;
    for (let i = 0; i < ticks.length; i++) {
      const k = ticks[i]!;
      if (k.batch !== batch) continue;
      if (k.conv.waitingSec === undefined || !this.knownTicked(rows, k)) return false;
      k.batch = 0;
    }
    this.stats.incremental++;
    return true;
  }

  /**
   * The incremental path: applies the records where they happened, if they all fall into the two places the adapter
   * can read piecewise (list rows, messages appended to the open thread of `reportedThread`'s buyer): the records as
   * `forget` returned them (our own changes left out). Null when the
   * page must be read whole instead (nothing was changed then). `rowsTouched`: rows changed, moved, re-rendered, or
   * stripped of our badge by the page (the badges render again: those of `touched`, the buyers — as stored, keyId —
   * the rows read again showed before and show now; a row's badge changes only with its row's records).
   */
  readIncremental(
    records: readonly MutationRecord[],
    now: number,
    reportedThread: string | null,
  ): (PageDiff & { kind: 'rows+appended'; rowsTouched: boolean; touched: Set<string> }) | null {
    const live = this.piecewise();
    if (!live) return null;
    const x = this.current!;
    const plan = planIncremental(records, live, x.input);
    if (!plan) return null;
    // Known counters' ticks set aside by forget (`batch`: this batch's, each once), a few of them claimed here by the
    // other changes in their rows: a row read again drops its tick, a row whose other changes fall inside elements
    // that may be its counter has its counter checked again with them. Looked up from the (few) rows the plan names,
    // not per tick.
    const ticks = this.pendingTicks;
    const batch = this.batch;
    if (ticks.length && (plan.rows.size || plan.counters.size)) {
      for (const row of plan.rows) {
        const k = this.knownOf(row);
        if (k?.batch === batch) k.batch = 0;
      }
      for (const [row, els] of plan.counters) {
        const k = this.knownOf(row);
        if (k?.batch !== batch) continue;
        els.push(k.el);
        k.batch = 0;
      }
    }
    const changes: RowChange[] = [];
    const touched = new Set<string>();

    // Rows (planIncremental finds some only where the adapter has live rows).
    const rows = live.rows;
    if (rows && (plan.counters.size || ticks.length || plan.rows.size)) {
      const map = this.rowMap(rows);
      // Changed only inside their counters: the counter alone while the wait goes on, else the whole row.
      for (const [row, els] of plan.counters) {
        const old = map.get(row);
        if (old?.waitingSec !== undefined && this.counterTicked(rows, row, els, old)) continue;
        plan.rows.add(row);
      }
      // The ticks: no lookup but the counter's text's (the counter's reading is its row's, `KnownCounter.conv`).
      for (let i = 0; i < ticks.length; i++) {
        const k = ticks[i]!;
        if (k.batch !== batch) continue;
        k.batch = 0;
        if (k.conv.waitingSec !== undefined && this.knownTicked(rows, k)) continue;
        plan.rows.add(k.row);
      }
      for (const row of plan.rows) {
        this.counterRow.delete(this.rowCounter.get(row)!);
        this.rowCounter.delete(row);
        const old = map.get(row) ?? null;
        const inList = row.isConnected && rows.in.contains(row);
        let neu: ExtractedConversation | null = null;
        this.showing(old, -1);
        if (inList) {
          neu = rows.read(row);
          this.stats.rowReads++;
          map.set(row, neu);
          this.showing(neu, 1);
        } else map.delete(row);
        if (old) touched.add(keyId(old.buyer));
        if (neu) touched.add(keyId(neu.buyer));
        if (old === neu) continue;
        // The same buyer on two rows: which one counts is the adapter's call.
        if (neu && this.buyerRows.has(keyId(neu.buyer)) && neu.buyer !== old?.buyer) {
          const other = this.buyerRows.get(keyId(neu.buyer))!;
          if (other !== neu.row && other.isConnected) return null;
        }
        changes.push([old, neu]);
      }
      // No row reads any more (all gone, or none parses): empty, or blind? The whole read tells (health per part).
      if (changes.some(([, neu]) => !neu) && ![...map.values()].some(Boolean)) return null;
      // Only the first row counts, found by buyerRows (keyed by keyId): two buyers sharing a key (`x|y`, `x¦y`) would
      // read as one there: read whole (outsider review 6: such a buyer's wait was missed).
      if (rows.firstPerBuyer && this.keyShared(changes, plan.rows, map)) return null;
    }
    // Which conversation is open, or the name the thread goes by, changed: read the page whole. Compared per
    // buyer, not per row element: a list the page renders anew (every row a new element) changes neither.
    // A buyer with two rows read in this batch (before or now): which one the whole read takes (the first active, or
    // the buyer's first row only) is not told here: read whole when one of them is or was active, or is the thread's
    // (outsider review 12: the active row removed while the buyer's other row changed in the same batch compared the
    // other row only, and the thread stayed theirs).
    if (changes.length) {
      const before = new Map<string, ExtractedConversation | null>();
      const after = new Map<string, ExtractedConversation | null>();
      const multi = new Set<string>();
      const note = (m: Map<string, ExtractedConversation | null>, c: ExtractedConversation | null) => {
        if (!c) return;
        if (m.has(c.buyer)) multi.add(c.buyer);
        m.set(c.buyer, c);
      };
      for (const [old, neu] of changes) {
        note(before, old);
        note(after, neu);
      }
      if (multi.size)
        for (const pair of changes)
          for (const c of pair) if (c && multi.has(c.buyer) && (c.active || c.buyer === x.thread?.buyer)) return null;
      for (const buyer of new Set([...before.keys(), ...after.keys()])) {
        const b = before.get(buyer);
        const a = after.get(buyer);
        if ((b?.active ?? false) !== (a?.active ?? false)) return null;
        if (buyer === x.thread?.buyer && b?.nick !== a?.nick) return null;
      }
    }
    // Earlier messages changed inside: re-read where they stand, before the appended ones continue the read.
    let changed: MessageChange[] = [];
    const rerendered = plan.removed.length || plan.inserted.length;
    if (plan.inThread.length || rerendered) {
      if (!x.thread || reportedThread !== x.thread.buyer) return null;
      const replaced = rerendered ? { removed: plan.removed, inserted: plan.inserted } : undefined;
      const got = live.thread!.reread!(plan.inThread, now, replaced);
      if (!got) return null;
      changed = got;
    }
    let appended: ExtractedMessage[] = [];
    if (plan.appended.length) {
      if (!x.thread || reportedThread !== x.thread.buyer) return null;
      const got = live.thread!.append(plan.appended, now);
      if (!got) return null;
      // An empty thread given items none of which reads: empty still, or blind? The whole read tells.
      if (!got.length && !x.thread.messages.length) return null;
      appended = got;
    }

    // Applied: from here on nothing can fail back to a whole read.
    this.stats.incremental++;
    // A row may have moved without reading differently: the list's order is re-read when asked for.
    if (plan.rows.size) this.orderStale = true;
    // Where only a buyer's first row counts (Live rows `firstPerBuyer`: the whole read lists each buyer once, from the
    // first row showing them), the ledger gets each touched buyer's first row as it read before and reads now, not
    // the rows read again: a later row's wait is not the buyer's, and a later row that becomes the first brings its
    // wait (outsider review 5: Douyin sent a later row's wait, and missed one when a waiting row became the first).
    const firstBefore = rows?.firstPerBuyer ? this.firstRowsBefore(changes, plan.rows) : null;
    // A buyer's badge goes on the first row that shows them, as a whole read puts it (a buyer may be on two rows).
    // Buyers whose row went (removed, recycled for another buyer, re-rendered as a new element): found again among
    // all rows, in one pass (outsider review: a buyer on two rows lost their badge when the first one went).
    const lost = new Set<string>();
    for (const [old] of changes)
      if (old && this.buyerRows.get(keyId(old.buyer)) === old.row) {
        this.buyerRows.delete(keyId(old.buyer));
        lost.add(old.buyer);
      }
    const count = (c: ExtractedConversation | null | undefined) => {
      if (!c?.row) return;
      const key = keyId(c.buyer);
      const other = this.buyerRows.get(key);
      if (!other || other === c.row || !other.isConnected || precedes(c.row, other)) this.buyerRows.set(key, c.row);
    };
    if (this.rowReadings) {
      for (const row of plan.rows) {
        const c = this.rowReadings.get(row);
        // A buyer's first row moved without reading differently (no change: a memoised read) may now come after
        // another row of theirs: looked for again, as a row that went is.
        if (c?.row && this.rowsShowing.get(c.buyer)! > 1 && this.buyerRows.get(keyId(c.buyer)) === c.row) {
          this.buyerRows.delete(keyId(c.buyer));
          lost.add(c.buyer);
        }
        count(c);
      }
      if (lost.size && this.shownElsewhere(lost, plan.rows))
        for (const c of this.rowReadings.values()) if (c && lost.has(c.buyer)) count(c);
    }
    // Every row counts: buyers a row that went showed waiting keep their wait while another row shows them waiting
    // (PageDiff `stillWaiting`). The first row only: the first rows before and now (above).
    let stillWaiting: Set<string> | undefined;
    let ledgerRows: RowChange[] = changes;
    if (firstBefore) ledgerRows = this.firstRowChanges(firstBefore);
    else {
      const gone = new Set<string>();
      for (const [old] of changes) if (old?.waitingSec !== undefined) gone.add(old.buyer);
      for (const [, neu] of changes) if (neu?.waitingSec !== undefined) gone.delete(neu.buyer);
      if (gone.size && this.rowReadings)
        for (const c of this.rowReadings.values())
          if (c?.waitingSec !== undefined && gone.has(c.buyer)) (stillWaiting ??= new Set()).add(c.buyer);
    }
    if (plan.inThread.length || rerendered) this.stats.messageRereads++;
    if (changed.length && x.thread) {
      this.stats.changed += changed.length;
      // In place, as appended messages are (the thread's list is the adapter's, which reads on from it).
      for (const c of changed) x.thread.messages[c.index] = c.message;
    }
    if (appended.length && x.thread) {
      this.stats.appended += appended.length;
      // In place (no copy of a 10 000-message list per message): the list element's memo, which could share this
      // array, was dropped with the mutation (forget).
      for (const m of appended) x.thread.messages.push(m);
    }
    return {
      kind: 'rows+appended',
      page: x,
      rows: ledgerRows,
      ...(stillWaiting ? { stillWaiting } : {}),
      changed: changed.map((c) => c.message),
      appended,
      rowsTouched: plan.rows.size > 0,
      touched,
    };
  }

  /**
   * A waiting row whose changes all fall inside its waiting counter, which still shows a wait: the same wait goes
   * on (a new one is reported when the counter goes and comes back), so the row is not read again; its reading
   * keeps the counter's value, as a fresh read would. False: read the row.
   */
  private counterTicked(rows: LiveRows, row: Element, els: readonly Element[], conv: ExtractedConversation): boolean {
    let waitingSec: number | undefined;
    for (const el of els) {
      const raw = el.textContent ?? '';
      waitingSec = rows.waitingCounter!(el, row)?.waitingSec;
      if (waitingSec === undefined) return false;
      const prev = this.rowCounter.get(row);
      if (prev && prev !== el) this.counterRow.delete(prev);
      this.counterRow.set(el, { el, row, conv, raw, dropped: false, batch: 0 });
      this.rowCounter.set(row, el);
    }
    conv.waitingSec = waitingSec;
    this.stats.counterReads++;
    return true;
  }

  /**
   * counterTicked for a counter known to be its row's (`counterRow`), whose text alone changed: read again only when
   * its text differs from the last read, and each distinct text once (Live `waitingCounter`: with `known`, its text
   * alone decides).
   */
  private knownTicked(rows: LiveRows, known: KnownCounter): boolean {
    const raw = known.el.textContent ?? '';
    if (raw !== known.raw) {
      let waitingSec = this.counterValues.get(raw);
      if (waitingSec === undefined) {
        waitingSec = rows.waitingCounter!(known.el, known.row, true)?.waitingSec ?? null;
        if (this.counterValues.size >= COUNTER_VALUES_MAX) this.counterValues.clear();
        this.counterValues.set(raw, waitingSec);
      }
      if (waitingSec === null) return false;
      known.raw = raw;
      known.conv.waitingSec = waitingSec;
    }
    this.stats.counterReads++;
    return true;
  }

  /** The counter known to be this row's (see `counterRow`), if any. */
  private knownOf(row: Element): KnownCounter | undefined {
    const el = this.rowCounter.get(row);
    const k = el && this.counterRow.get(el);
    return k?.row === row ? k : undefined;
  }

  /** Does a buyer these rows show (before or now) share their badge key with another buyer's first row? */
  private keyShared(
    changes: readonly RowChange[],
    reread: ReadonlySet<Element>,
    map: ReadonlyMap<Element, ExtractedConversation | null>,
  ): boolean {
    const other = (c: ExtractedConversation | null | undefined) => {
      const first = c && this.buyerRows.get(keyId(c.buyer));
      const reads = first && first !== c.row ? map.get(first) : undefined;
      return !!reads && reads.buyer !== c!.buyer && keyId(reads.buyer) === keyId(c!.buyer);
    };
    for (const [old, neu] of changes) if (other(old) || other(neu)) return true;
    for (const row of reread) if (other(map.get(row))) return true;
    return false;
  }

  /**
   * Each buyer the rows read again showed before or show now → their first row's reading before this batch (null: no
   * row showed them), with buyerRows not yet updated for the batch.
   */
  private firstRowsBefore(
    changes: readonly RowChange[],
    reread: ReadonlySet<Element>,
  ): Map<string, ExtractedConversation | null> {
    const before = new Map<Element, ExtractedConversation | null>();
    for (const [old] of changes) if (old?.row) before.set(old.row, old);
    const out = new Map<string, ExtractedConversation | null>();
    const note = (c: ExtractedConversation | null | undefined) => {
      if (!c || out.has(c.buyer)) return;
      const row = this.buyerRows.get(keyId(c.buyer));
      const first = !row ? null : before.has(row) ? before.get(row)! : (this.rowReadings?.get(row) ?? null);
      out.set(c.buyer, first?.buyer === c.buyer ? first : null);
    };
    for (const [old, neu] of changes) {
      note(old);
      note(neu);
    }
    // A row moved without reading differently may change which row comes first.
    for (const row of reread) note(this.rowReadings?.get(row));
    return out;
  }

  /** The touched buyers' first rows before (firstRowsBefore) and now, as row changes for the ledger. */
  private firstRowChanges(before: ReadonlyMap<string, ExtractedConversation | null>): RowChange[] {
    const out: RowChange[] = [];
    for (const [buyer, old] of before) {
      const row = this.buyerRows.get(keyId(buyer));
      const now = row?.isConnected ? (this.rowReadings?.get(row) ?? null) : null;
      const neu = now?.buyer === buyer ? now : null;
      if (old !== neu) out.push([old, neu]);
    }
    return out;
  }

  /**
   * The row → conversation map of the incremental path, built from the page's rows on first use after a whole read.
   * `whole`: the conversations the whole read just read from this same page (readWhole): each row one of them names
   * maps to that very object, not to a second reading of it, so the page (`current.conversations`) and the row map
   * are one: a known counter's tick (`KnownCounter.conv`) updates both, as a fresh read would read them (outsider
   * review 12: JD, without a per-element memo, kept the whole read's old wait in `page`). Only the other rows (no
   * conversation, a buyer's later rows where the list keeps the first) are read again.
   */
  private rowMap(rows: LiveRows, whole?: readonly ExtractedConversation[]): Map<Element, ExtractedConversation | null> {
    if (this.rowReadings) return this.rowReadings;
    const all = rows.all();
    const read = new Map<Element, ExtractedConversation | null>();
    for (const c of whole ?? []) if (c.row) read.set(c.row, c);
    const rest = all.filter((row) => !read.has(row));
    const got = rows.readAll?.(rest);
    rest.forEach((row, i) => read.set(row, got ? got[i]! : rows.read(row)));
    // Keyed in page order (`all`); a row the whole read names that `all` does not give (none on the same page) left out.
    this.rowReadings = new Map(all.map((row) => [row, read.get(row)!]));
    this.rowsShowing = new Map();
    for (const c of this.rowReadings.values()) this.showing(c, 1);
    return this.rowReadings;
  }

  /** rowsShowing: one row more (1) or fewer (−1) reads as `c`'s buyer. */
  private showing(c: ExtractedConversation | null | undefined, d: 1 | -1): void {
    if (!c) return;
    const n = (this.rowsShowing.get(c.buyer) ?? 0) + d;
    if (n > 0) this.rowsShowing.set(c.buyer, n);
    else this.rowsShowing.delete(c.buyer);
  }

  /** Does a row other than `reread` (the rows read again, counted already) read as one of these buyers? */
  private shownElsewhere(buyers: ReadonlySet<string>, reread: ReadonlySet<Element>): boolean {
    for (const b of buyers) {
      let here = 0;
      for (const row of reread) if (this.rowReadings?.get(row)?.buyer === b) here++;
      if (here !== (this.rowsShowing.get(b) ?? 0)) return true;
    }
    return false;
  }
}

/** A counter found to be its row's (see PageReader `counterRow`): its row, and its text when last read. */
interface KnownCounter {
  el: Element;
  row: Element;
  /**
   * The row's reading (PageReader `rowReadings`), whose `waitingSec` the ticks keep: the same object while the counter
   * is known (a row read forgets its row's counter, a whole read every counter).
   */
  conv: ExtractedConversation;
  raw: string;
  /** The `forget` batch that set its tick aside (pendingTicks), until readIncremental takes it (0). */
  batch: number;
  /**
   * The memo from the counter up to its row and the row's ancestors was dropped since it became known (see forget):
   * its ticks drop nothing more.
   */
  dropped: boolean;
}

/** Distinct counter texts remembered with their values before the memory starts over (a few minutes of ticks). */
const COUNTER_VALUES_MAX = 4096;

const isBadgeHost = (n: Node) => n.nodeType === 1 && (n as Element).hasAttribute(BADGE_ATTR);

/**
 * A mutation that only adds our own badge hosts (RowBadges), or changes the tab's title. Removals still count: when
 * the page itself drops a badge (a re-rendered row), the next read puts it back.
 */
function isOwnMutation(r: MutationRecord): boolean {
  // The <title> (ours, see TabTitle, or the page's): never chat content. (An element's change is the title's only
  // when it is the <title>; a text's, when its parent is.)
  const t = r.target;
  if ((t.nodeType === 1 ? t : t.parentNode)?.nodeName === 'TITLE') return true;
  if (r.type !== 'childList' || r.removedNodes.length || !r.addedNodes.length) return false;
  for (const n of r.addedNodes) if (!isBadgeHost(n)) return false;
  return true;
}

/** Where a batch of mutations falls, for the incremental path (see planIncremental). */
interface IncrementalPlan {
  /** Row elements to read again (changed inside, added, moved or removed). */
  rows: Set<Element>;
  /**
   * Rows changed only inside elements that may be their waiting counter (see Live `waitingCounter`), with those
   * elements: the reader reads the counters alone while the row's wait goes on, else reads the row.
   */
  counters: Map<Element, Element[]>;
  /** Subtrees appended at the end of the open thread, in order. */
  appended: Node[];
  /** Nodes changed inside the thread's existing items (see Live `thread.reread`), in record order. */
  inThread: Node[];
  /** Items removed from the thread, and inserted before its end (for the re-read to pair: re-rendered messages). */
  removed: Node[];
  inserted: Node[];
}

/**
 * Maps mutation records onto the adapter's live parts: a change inside a row (or rows added to / removed from
 * the list) → those rows; children appended at the end of the thread's container → new messages; a change inside
 * an item already in the thread, or items removed from it or inserted before its end → where it happened, for the
 * adapter's re-read (only when it has one: Live `thread.reread`, which pairs removed and inserted items as messages
 * re-rendered in place, or declines). A record the adapter's rows say re-groups rows it does not name (Live
 * `rows.regroups`, Douyin's group markers) → null. Anything else (anything outside the list and the thread) → null:
 * read the page whole. Changes inside the chat input (typing) are nobody's business. `records` come as PageReader.forget
 * returned them: our badge hosts being added and the tab title's changes are out already. Cost: one walk up the
 * ancestors per record. The text inside a counter known to be its row's is not among `records` (PageReader.forget set it
 * aside: no walk): readIncremental takes it unless another record puts its row through a read, or its counter through
 * the check again (a row in `counters`).
 */
export function planIncremental(
  records: readonly MutationRecord[],
  live: Live,
  input: Element | null = null,
): IncrementalPlan | null {
  const plan: IncrementalPlan = {
    rows: new Set(),
    counters: new Map(),
    appended: [],
    inThread: [],
    removed: [],
    inserted: [],
  };
  const reread = !!live.thread?.reread;
  const fresh = new Set<Node>();
  const rows = live.rows;
  const threadIn = live.thread?.in;
  for (const r of records) {
    const t = r.target;
    if (t === threadIn) {
      if (r.type !== 'childList') return null;
      if (!r.removedNodes.length && !r.nextSibling) {
        for (const n of r.addedNodes) {
          plan.appended.push(n);
          fresh.add(n);
        }
        continue;
      }
      // Items removed, or inserted before the end: a message the page re-rendered as a new element in its place
      // (removed and inserted, in one record or two), which the adapter's re-read pairs with the old one, or
      // declines (history loaded above, a message taken out: read whole).
      if (!reread) return null;
      for (const n of r.removedNodes) plan.removed.push(n);
      for (const n of r.addedNodes) {
        plan.inserted.push(n);
        fresh.add(n);
      }
      continue;
    }
    // Walk up to where the change happened: inside a row, on the list itself, or elsewhere.
    let row: Element | null = null;
    let where: 'fresh' | 'row' | 'list' | 'thread' | 'detached' | null = null;
    for (let n: Node | null = t; n; n = n.parentNode) {
      // A change inside a subtree the page has since removed: the removal has its own record.
      if (!n.parentNode && n.nodeType !== 9) {
        where = 'detached';
        break;
      }
      // Inside a message appended in this batch (read as it is now), or inside the chat input (typing: the
      // input element itself being replaced is a change of its parent, read whole).
      if (fresh.has(n) || (n === input && (n !== t || r.type !== 'attributes'))) {
        where = 'fresh';
        break;
      }
      // Inside an item of the thread (an earlier message): the adapter re-reads the message it falls in, if it can.
      if (n === threadIn) {
        if (!reread) return null;
        where = 'thread';
        break;
      }
      if (rows && n === rows.in) {
        where = row ? 'row' : 'list';
        break;
      }
      // The outermost row below the list (a row may nest elements that match the row selectors).
      if (rows && n.nodeType === 1 && rows.isRow(n as Element)) row = n as Element;
    }
    // A change that re-groups rows it does not name (Douyin's group headers): read whole.
    if (rows?.regroups && (where === 'row' || where === 'list' || where === 'detached') && rows.regroups(r))
      return null;
    // Removed from a subtree the page has since removed too (a virtualised list unmounting a group after taking its
    // rows out): no record on the list names these rows, so they are dropped here (a row read of a row no longer
    // in the page).
    if (where === 'detached' && rows && r.type === 'childList')
      for (const n of r.removedNodes) for (const el of rows.under(n)) plan.rows.add(el);
    if (where === 'fresh' || where === 'detached') continue;
    if (where === 'thread') {
      plan.inThread.push(t);
      continue;
    }
    if (where === 'row') {
      // Inside the row, not the row itself: maybe its ticking counter (a text node's change is its parent's).
      const el = t.nodeType === 1 ? (t as Element) : t.parentElement;
      if (rows!.waitingCounter && el && el !== row) {
        const els = plan.counters.get(row!);
        if (els) els.push(el);
        else plan.counters.set(row!, [el]);
      } else plan.rows.add(row!);
      continue;
    }
    // Text in the list outside the rows that no row reads (Douyin's group titles): nothing to read.
    if (where === 'list' && r.type === 'characterData' && rows!.inertText) continue;
    if (where !== 'list' || r.type !== 'childList') return null;
    // Rows (or wrappers of rows) added to or removed from the list.
    for (const n of r.addedNodes) for (const el of rows!.under(n)) plan.rows.add(el);
    for (const n of r.removedNodes) for (const el of rows!.under(n)) plan.rows.add(el);
  }
  for (const row of plan.rows) plan.counters.delete(row);
  return plan;
}
