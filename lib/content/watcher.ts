/**
 * Watches one workbench page through its adapter and reports to the background: new messages as events, tab
 * health as heartbeats. No polling of the DOM. Four parts, wired here:
 * - the page reader (page-reader.ts): a whole read, or the incremental path right in the MutationObserver's
 *   callback (a changed or added list row read alone, messages appended to the open thread read alone, earlier
 *   messages changed inside read again alone), each a diff;
 * - the event ledger (ledger.ts, pure): diff → the events not sent yet; the clock list's sequence number;
 * - the reporter (reporter.ts): events in slices, health when it changes, the heartbeat;
 * - commands from the background (commands.ts), and the clock lists for the row badges and the tab title.
 * Any change the incremental path cannot apply (a thread switch, a removal, something outside the rows and the
 * thread) schedules a whole read on the next task. Everything it starts is stopped by stop().
 */
import { watchedAttributes, type Adapter, type Extraction } from '../platforms/types';
import { ACCOUNT_GRACE_MS, CLOCKS_RESYNC, parseClocks, type Reply, type ToBackground } from '../messages';
import { UNRECOGNISED_ACCOUNT, isUnrecognisedAccount } from '../model';
import { runCommand } from './commands';
import { ClockListSeq, EventLedger } from './ledger';
import { PageReader } from './page-reader';
import { Reporter } from './reporter';
import { RowBadges } from './row-badges';
import { TabTitle, tabDocument } from './tab-title';
import { windowTimers, type TimerId, type Timers } from './timers';
import { setContentLang } from '../i18n/content';

export interface WatcherDeps {
  adapter: Adapter;
  root: Document;
  now(): number;
  /** A request to the background (its reply is not needed: clocks come as their own messages). */
  send(msg: ToBackground): Promise<unknown>;
  url(): string;
  /** See ACCOUNT_GRACE_MS (the default). */
  accountGraceMs?: number;
  /** WXT's `ctx` timers in the content script (the window's by default; see timers.ts). */
  timers?: Timers;
}

export class Watcher {
  private observer: MutationObserver | null = null;
  /** A whole read coming on the next task (or at the account grace's end). */
  private wholeReadTimer: TimerId | null = null;
  private readonly timers: Timers;
  /** When the account grace ends (deps.now; 0 before start()). */
  private graceEnd = 0;
  private readonly reader: PageReader;
  private readonly ledger: EventLedger;
  private readonly clockList = new ClockListSeq();
  private readonly reporter: Reporter;
  readonly badges: RowBadges;
  /** The tab's title prefix (created at start). */
  private title: TabTitle | null = null;

  constructor(private readonly deps: WatcherDeps) {
    this.timers = deps.timers ?? windowTimers(deps.root);
    this.reader = new PageReader(deps.adapter, deps.root);
    this.ledger = new EventLedger(deps.adapter.platform);
    this.reporter = new Reporter({
      platform: deps.adapter.platform,
      send: deps.send,
      url: deps.url,
      timers: this.timers,
      clocksShown: () => this.clockList.shown,
      now: deps.now,
    });
    this.badges = new RowBadges(deps.root, deps.now, undefined, deps.adapter.badgeSlot?.right, this.timers);
  }

  /** How the page was read (for tests and diagnostics): whole reads, incremental reads, rows, counters, messages. */
  get stats(): PageReader['stats'] {
    return this.reader.stats;
  }

  /** The page as last read: the last whole read with the incremental path's changes (conversations in page order). */
  get last(): Extraction | null {
    return this.reader.page;
  }

  /** A message from the background; returns the reply (or its promise) for those that expect one. */
  handle(raw: unknown): Reply | Promise<Reply> | undefined {
    if ((raw as { type?: unknown } | null)?.type === 'clocks') return this.receive(raw);
    return runCommand(raw, { page: () => this.reader.page, doc: this.deps.root, timers: this.timers });
  }

  /** Quick phrases go to the input that was focused last: tell the background when ours gets the focus. */
  private onFocusIn = (e: FocusEvent) => {
    const input = this.last?.input;
    const target = e.target as Node | null;
    if (!input || !target || !(input === target || input.contains(target))) return;
    this.reporter.inputFocused();
  };

  /**
   * A message from the background: the open clocks of this tab's account (for the in-page badges), whole or as the
   * changes since the list numbered `base` (see ClocksMessage). Answers CLOCKS_RESYNC to changes it cannot apply and
   * to a malformed list, and to a whole list of a worker it moved away from (ClockListSeq: a live one sends it again,
   * a dead one cannot); drops one older than the list shown.
   */
  receive(raw: unknown): Reply | undefined {
    const clocks = parseClocks(raw);
    if (!clocks) return { ok: false, error: CLOCKS_RESYNC };
    const mine = this.reporter.account;
    // A page that shows no shop watches the account the background gave its tab.
    const ours = clocks.account === mine || (mine === UNRECOGNISED_ACCOUNT && isUnrecognisedAccount(clocks.account));
    if (clocks.platform !== this.deps.adapter.platform || !ours) return undefined;
    const how = this.clockList.take(clocks);
    if (how === 'resync') return { ok: false, error: CLOCKS_RESYNC };
    if (how === 'stale') return undefined;
    // The language comes with the clocks (the worker sends the whole list again when it changes).
    const relabel = setContentLang(clocks.lang);
    if (relabel) this.badges.relabel();
    if (how === 'whole') this.badges.setClocks(clocks.clocks);
    else this.badges.changeClocks(clocks.clocks, clocks.removed ?? []);
    this.title?.show(() => this.badges.waiting(), clocks.title);
    // Clocks arrive out of step with the page: show them in its next frame rather than force one of our own. A whole
    // list (or new words) renders every badge; changes only the badges of the buyers they name.
    if (this.reader.read)
      this.badges.renderSoon(
        this.reader.buyerRows,
        how === 'whole' || relabel ? undefined : [...clocks.clocks.map((c) => c.buyer), ...(clocks.removed ?? [])],
      );
    return undefined;
  }

  start(): void {
    this.graceEnd = this.deps.now() + (this.deps.accountGraceMs ?? ACCOUNT_GRACE_MS);
    this.scan();
    this.observer = new MutationObserver((records) => this.onRecords(records));
    this.observer.observe(this.deps.root, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: watchedAttributes(this.deps.adapter),
    });
    this.reporter.start();
    this.title = new TabTitle(tabDocument(this.deps.root), this.deps.now, this.timers, this.deps.root.defaultView);
    this.deps.root.addEventListener('focusin', this.onFocusIn, true);
  }

  stop(): void {
    this.deps.root.removeEventListener('focusin', this.onFocusIn, true);
    this.observer?.disconnect();
    this.observer = null;
    this.reporter.stop();
    if (this.wholeReadTimer) this.timers.clearTimeout(this.wholeReadTimer);
    this.wholeReadTimer = null;
    this.badges.destroy();
    this.title?.stop();
    this.title = null;
  }

  private onRecords(all: readonly MutationRecord[]): void {
    // Known counters' ticks are set aside for readIncremental (see PageReader.forget), not among `records`.
    const records = this.reader.forget(all);
    if (!records.length && !this.reader.ticksPending) return;
    // The page renders a frame for its change anyway: the badges' numbers go into the same frame.
    this.badges.pageChanged();
    if (this.wholeReadTimer) return; // a whole read is coming: it sees this change too
    let applied = false;
    try {
      // Known counters' ticks alone (most batches of a big page): their values, nothing to report.
      applied = (!records.length && this.reader.readTicks()) || this.readIncremental(records);
    } catch (err) {
      console.warn('[Reply Sentinel] incremental read failed', err);
    }
    if (!applied) this.scheduleWholeRead();
  }

  /**
   * The incremental path; false when the page must be read whole instead (nothing is reported then: the whole read
   * reports it). (While the account grace holds events, the whole read it scheduled keeps this path shut.)
   */
  private readIncremental(records: readonly MutationRecord[]): boolean {
    const now = this.deps.now();
    const diff = this.reader.readIncremental(records, now, this.ledger.reportedThread);
    if (!diff) return false;
    const account = this.ledger.accountOf(diff.page.account);
    // Only the touched rows' badges: every other badge is as the last render left it (see RowBadges.renderBuyers).
    if (diff.rowsTouched) this.badges.renderBuyers(this.reader.buyerRows, diff.touched);
    this.reporter.events(this.ledger.events(diff, account, now), account);
    return true;
  }

  /** Coalesces a burst of mutations into one whole read on the next task. */
  private scheduleWholeRead(): void {
    if (this.wholeReadTimer) return;
    this.wholeReadTimer = this.timers.setTimeout(() => {
      this.wholeReadTimer = null;
      this.scan();
    }, 0);
  }

  /** One whole read: read the page, report what is new. Never throws into the page. */
  scan(): void {
    // Mutations not delivered yet (a scan called right after a change) must still invalidate the memo; this
    // pass reads everything they changed.
    if (this.observer) this.reader.forget(this.observer.takeRecords());
    if (this.wholeReadTimer) this.timers.clearTimeout(this.wholeReadTimer);
    this.wholeReadTimer = null;
    const diff = this.reader.readWhole(this.deps.now());
    const x = diff.page;
    const now = this.deps.now();
    // The account the page shows; a reading is never taken for it.
    const account = this.ledger.accountOf(x.account);
    // The account grace (ACCOUNT_GRACE_MS): a page that has shown no shop since it started holds its events; the whole
    // read scheduled at the grace's end (changes meanwhile wait for it) reports them, under the shop if it came, else
    // under the tab's own account. Another account than the events so far went under (the shop rendered after the
    // grace, another shop logged in in this tab): everything on screen is that account's news (see EventLedger).
    const hold = account === UNRECOGNISED_ACCOUNT ? this.graceEnd - now : 0;
    if (hold > 0) this.wholeReadTimer ??= this.timers.setTimeout(() => this.scan(), hold);
    const events = hold > 0 ? [] : this.ledger.events(diff, account, now);
    // Health first: the background must know the tab watches before it judges the events' deadlines.
    this.reporter.health({
      health: x.health,
      parts: x.parts,
      account,
      ...(x.thread ? { activeBuyer: x.thread.buyer } : {}),
    });
    this.reporter.events(events, account);
    this.badges.render(this.reader.buyerRows);
  }

  /** Re-sends the last health now (the worker restarted: it learns the tab again and sends the whole clock list). */
  reportNow(): void {
    this.reporter.sendHealth();
  }
}
