/**
 * The in-page badges' clock lists (`ClocksMessage`), pushed to each watching tab: the whole list the first time, after
 * the tab asks for it (it reloaded, or missed a message: CLOCKS_RESYNC) or when the tab-title setting changed; then
 * only the clocks added, changed or closed since the list the tab holds. No `chrome.*`: the send is injected.
 */
import type { TabRow } from '../model';
import { CLOCKS_REFUSALS, CLOCKS_RESYNC, type ClocksMessage, type TabClock } from '../messages';
import type { Platform } from '../model';

interface Pushed {
  platform: Platform;
  account: string;
  seq: number;
  sent: Map<string, TabClock>;
  view: TabView;
}

/** What a tab shows besides the clocks: the setting `tabTitle` and the UI language. */
export type TabView = Pick<ClocksMessage, 'title' | 'lang'>;

/** A worker instance's `epoch` (ClocksMessage): random, so two workers' are never the same in practice. */
export const newEpoch = (): number => Math.floor(Math.random() * 2 ** 32);

/** The highest number tabShows moves the counter to: a wall-clock millisecond (year 37 000), far below 2^53. */
const SEQ_RAISE_MAX = 2 ** 50;

export class ClockPush {
  /**
   * Numbers clock messages: increasing within this worker (`epoch`), so a tab drops a list of it delivered after a
   * later one. From the wall clock too, so a later worker's numbers are higher unless the clock went back (the number
   * a heartbeat says a tab shows comes with its epoch: tabShows tells another worker's list from this one's by it).
   */
  private seqAt = 0;
  /** What each tab was last sent (its account's clocks by buyer, numbered), so only changes are sent. */
  private pushed = new Map<number, Pushed>();

  /** `epoch`: this worker instance's (sent with every list; a tab takes another epoch's whole list whatever its `seq`). */
  constructor(
    private readonly sendToTab: (tabId: number, msg: ClocksMessage) => Promise<unknown>,
    readonly epoch: number = newEpoch(),
  ) {}

  /** Forget every tab (the worker reloaded its state). */
  clear(): void {
    this.pushed.clear();
  }

  /** Forget one tab (closed): the next list it gets is whole. */
  forget(tabId: number): void {
    this.pushed.delete(tabId);
  }

  /**
   * The tab says which list it shows (its heartbeat's `clocksSeq`, `clocksEpoch`): another one than sent → the next is
   * whole. Another worker's list is another list whatever its number (a tab of a version before `clocksEpoch` sends
   * the number only: compared alone, as before).
   */
  tabShows(tabId: number, seq: number | undefined, epoch?: number): void {
    if (this.pushed.get(tabId)?.seq !== seq || (epoch ?? this.epoch) !== this.epoch) this.pushed.delete(tabId);
    // This epoch numbered above anything sent: a dead worker's that drew the same epoch, its clock ahead of this
    // one's. Number above it, or the tab drops every list as older. Only to a number a wall clock gives (a
    // heartbeat naming 2^53 − 1 would leave the next number unparsable for every tab: refused until a restart).
    if (epoch === this.epoch && seq !== undefined && seq > this.seqAt && seq <= SEQ_RAISE_MAX) this.seqAt = seq;
  }

  /**
   * Tells every watching tab (`tabs`) about its account's open clocks (`clocksFor`) when they changed since the last
   * time; `view`: the setting `tabTitle` and the language (a change sends the whole list again). Pushes may overlap
   * (`Sentinel` does not hold its queue for the tabs' answers): each change is computed and sent in one go against
   * what was last sent, so the messages to a tab stay a chain; a tab that lost it asks for the whole list.
   */
  async push(
    tabs: readonly TabRow[],
    clocksFor: (platform: Platform, account: string) => TabClock[],
    view: TabView,
    now: number,
  ): Promise<void> {
    const live = new Set(tabs.map((t) => t.tabId));
    for (const id of [...this.pushed.keys()]) if (!live.has(id)) this.pushed.delete(id);
    for (const tab of tabs) {
      const clocks = clocksFor(tab.platform, tab.account);
      const sent = new Map(clocks.map((c) => [c.buyer, c]));
      const prev = this.pushed.get(tab.tabId);
      let change: Pick<ClocksMessage, 'base' | 'clocks' | 'removed'> = { clocks };
      // Same account, tab-title setting and language: the changes only (else the whole list, with the settings).
      const same = prev && prev.view.title === view.title && prev.view.lang === view.lang;
      if (prev && same && prev.platform === tab.platform && prev.account === tab.account) {
        const changed = clocks.filter((c) => {
          const p = prev.sent.get(c.buyer);
          return !p || p.dueAt !== c.dueAt || p.status !== c.status;
        });
        const removed = [...prev.sent.keys()].filter((b) => !sent.has(b));
        if (!changed.length && !removed.length) continue;
        change = { base: prev.seq, clocks: changed, removed };
      }
      const send = (body: typeof change, sent: Map<string, TabClock>) => {
        const msg: ClocksMessage = {
          type: 'clocks',
          platform: tab.platform,
          account: tab.account,
          epoch: this.epoch,
          seq: (this.seqAt = Math.max(this.seqAt + 1, Math.floor(now))),
          ...body,
          title: view.title,
          lang: view.lang,
        };
        this.pushed.set(tab.tabId, { platform: tab.platform, account: tab.account, seq: msg.seq, sent, view });
        return this.sendToTab(tab.tabId, msg);
      };
      let reply = await send(change, sent);
      // The whole list as it is now: another push may have run while this one waited for the tab's answer. A whole
      // list refused is sent again too (the tab took this worker for a dead one it left, see ClockListSeq), at most
      // once more than the tab refuses (a change list's resync, then the refusals; one it cannot parse, every time).
      const resync = (r: unknown) => (r as { error?: unknown } | null | undefined)?.error === CLOCKS_RESYNC;
      for (let i = 0; i <= CLOCKS_REFUSALS && resync(reply); i++) {
        const now = clocksFor(tab.platform, tab.account);
        reply = await send({ clocks: now }, new Map(now.map((c) => [c.buyer, c])));
      }
    }
  }
}
