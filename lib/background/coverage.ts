/**
 * The tab registry and coverage spans: which workbench tabs report, what each watches, and the spans of time each
 * watched an account (what tells a wait nobody watched from one that was). The background is their only writer, so
 * the registry mirrors the `tabs` table in memory (loaded at start, updated only after a write committed). Called
 * inside `Sentinel`'s serial queue; free of chrome.*.
 */
import type { BlindTab } from '../badge';
import type { SentinelDB } from '../db/schema';
import { COVERAGE_GAP_MS, type HealthMessage } from '../messages';
import {
  UNRECOGNISED_ACCOUNT,
  isUnrecognisedAccount,
  tabAccount,
  type CoverageRow,
  type CoverageSpan,
  type Platform,
  type TabRow,
} from '../model';
import type { Dropped } from './traffic';

/**
 * Coverage spans a tab may open: a page whose health flickers (watching ↔ blind many times a second) would add a
 * row per flip. Each tab has `burst` openings, refilled at one per `refillMs`; a watching report that finds none
 * left opens no span, so that time stays unwatched (a gap is never recorded as watched) until a later report (the
 * heartbeat) finds one. A tab watching steadily keeps its one open span and needs none.
 */
export const SPAN_OPENS = { burst: 6, refillMs: 60_000 } as const;

export class TabRegistry {
  private rows = new Map<number, TabRow>();
  /** Tabs whose page shows no shop: the account each was given (see `accountOf`), until its tab row holds it. */
  private given = new Map<number, { platform: Platform; account: string }>();
  /** Per tab: coverage span openings left (see SPAN_OPENS), and when it was last refilled. */
  private spanOpens = new Map<number, { tokens: number; at: number }>();

  constructor(private readonly db: SentinelDB) {}

  /**
   * At a worker start: spans whose tab is gone (browser restarted or crashed: no close event came) or stopped
   * reporting end where they were last seen (what happened after that was not watched); gone tabs leave the table.
   */
  async closeStale(existing: ReadonlySet<number>, now: number): Promise<void> {
    const db = this.db;
    await db.transaction('rw', db.coverage, db.tabs, async () => {
      await db.coverage
        .where('open')
        .equals(1)
        .modify((s) => {
          if (!existing.has(s.tabId) || now - s.to > COVERAGE_GAP_MS) s.open = 0;
        });
      await db.tabs.filter((t) => !existing.has(t.tabId)).delete();
    });
  }

  /** Fills the mirror from the database. */
  async reload(): Promise<void> {
    this.rows = new Map((await this.db.tabs.toArray()).map((t) => [t.tabId, t]));
    this.given.clear();
  }

  /**
   * The account a tab's message is about: what its page shows, or for a page that shows none
   * (UNRECOGNISED_ACCOUNT), the tab's own account — the same through reloads and worker restarts (the tab row keeps
   * it), never another tab's.
   */
  accountOf(platform: Platform, reported: string, tabId: number | undefined, now: number): string {
    if (reported !== UNRECOGNISED_ACCOUNT || tabId === undefined) return reported;
    const row = this.rows.get(tabId);
    if (row && row.platform === platform && isUnrecognisedAccount(row.account)) return row.account;
    const given = this.given.get(tabId);
    if (given && given.platform === platform) return given.account;
    const account = tabAccount(tabId, now);
    this.given.set(tabId, { platform, account });
    return account;
  }

  /** The tab's own account (`?tab…`) when it has one on `platform` (it reported while its page showed no shop). */
  ownAccount(tabId: number, platform: Platform): string | undefined {
    const row = this.rows.get(tabId);
    if (row && row.platform === platform && isUnrecognisedAccount(row.account)) return row.account;
    const given = this.given.get(tabId);
    return given && given.platform === platform ? given.account : undefined;
  }

  /**
   * A tab's health report (its account already resolved by `accountOf`): its row, and its coverage span opened,
   * extended or closed. `dropped`: what the router refused from this tab (kept on the row, shown in the popup).
   */
  async report(msg: HealthMessage, tabId: number, dropped: Dropped | undefined, now: number): Promise<TabRow> {
    const db = this.db;
    const row = await db.transaction('rw', db.tabs, db.coverage, async () => {
      const prev = await db.tabs.get(tabId);
      const row: TabRow = {
        ...(prev?.inputAt !== undefined &&
          prev.platform === msg.platform &&
          prev.account === msg.account && { inputAt: prev.inputAt }),
        tabId,
        platform: msg.platform,
        account: msg.account,
        url: msg.url,
        health: msg.health,
        parts: msg.parts,
        lastSeen: now,
        ...(msg.activeBuyer !== undefined && { activeBuyer: msg.activeBuyer }),
        ...(dropped && { dropped: { ...dropped } }),
      };
      await db.tabs.put(row);
      const open = await db.coverage
        .where('tabId')
        .equals(tabId)
        .filter((s) => s.open === 1)
        .toArray();
      const same = open.find(
        (s) => s.platform === msg.platform && s.account === msg.account && now - s.to <= COVERAGE_GAP_MS,
      );
      // Close what no longer holds: another account in the tab, a gap, or a page that went blind.
      for (const s of open) if (s !== same || msg.health !== 'watching') await db.coverage.update(s.id!, { open: 0 });
      if (msg.health === 'watching') {
        if (same) await db.coverage.update(same.id!, { to: now });
        else if (this.takeSpanOpening(tabId, now))
          await db.coverage.add({ platform: msg.platform, account: msg.account, tabId, from: now, to: now, open: 1 });
      }
      return row;
    });
    this.rows.set(tabId, row);
    this.given.delete(tabId);
    return row;
  }

  /** May this tab open a coverage span now (SPAN_OPENS)? Takes one opening when it may. */
  private takeSpanOpening(tabId: number, now: number): boolean {
    const b = this.spanOpens.get(tabId) ?? { tokens: SPAN_OPENS.burst, at: now };
    b.tokens = Math.min(SPAN_OPENS.burst, b.tokens + Math.max(0, now - b.at) / SPAN_OPENS.refillMs);
    b.at = now;
    this.spanOpens.set(tabId, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** The browser (re)started: the tabs last seen before `at` are gone. Returns their ids. */
  async browserStarted(at: number): Promise<number[]> {
    const old = [...this.rows.values()].filter((t) => t.lastSeen < at).map((t) => t.tabId);
    const ids = new Set(old);
    await this.db.transaction('rw', this.db.tabs, this.db.coverage, async () => {
      await this.db.tabs.bulkDelete(old);
      await this.db.coverage
        .where('open')
        .equals(1)
        .modify((s) => {
          if (ids.has(s.tabId)) s.open = 0;
        });
    });
    for (const id of old) {
      this.rows.delete(id);
      this.given.delete(id);
    }
    return old;
  }

  /** A tab closed: its row goes, its open span ends (at most a gap after it was last seen). */
  async closed(tabId: number, now: number): Promise<void> {
    await this.db.transaction('rw', this.db.tabs, this.db.coverage, async () => {
      await this.db.tabs.delete(tabId);
      await this.db.coverage
        .where('tabId')
        .equals(tabId)
        .modify((s) => {
          if (s.open === 1) {
            s.open = 0;
            s.to = Math.max(s.to, Math.min(now, s.to + COVERAGE_GAP_MS));
          }
        });
    });
    this.rows.delete(tabId);
    this.given.delete(tabId);
    this.spanOpens.delete(tabId);
  }

  /** Remembers when a tab's chat input was focused (a focus older than the one it holds changes nothing). */
  async inputFocused(tabId: number, inputAt: number): Promise<void> {
    const held = this.rows.get(tabId)?.inputAt ?? (await this.db.tabs.get(tabId))?.inputAt;
    if (held !== undefined && held >= inputAt) return;
    await this.db.tabs.update(tabId, { inputAt });
    const row = this.rows.get(tabId);
    if (row) this.rows.set(tabId, { ...row, inputAt });
  }

  /** The watching workbench tab whose input was focused most recently (else the most recently seen one). */
  async lastInputTab(now: number): Promise<TabRow | undefined> {
    const watching = await this.db.tabs
      .filter((t) => t.health === 'watching' && now - t.lastSeen <= COVERAGE_GAP_MS)
      .toArray();
    return watching.sort((a, b) => (b.inputAt ?? 0) - (a.inputAt ?? 0) || b.lastSeen - a.lastSeen)[0];
  }

  /** The tabs that reported within a gap of `now`. */
  reporting(now: number): TabRow[] {
    return [...this.rows.values()].filter((t) => now - t.lastSeen <= COVERAGE_GAP_MS);
  }

  /** The platforms of the tabs watching now. */
  watchedPlatforms(now: number): Platform[] {
    return this.reporting(now).flatMap((t) => (t.health === 'watching' ? [t.platform] : []));
  }

  /** The reporting tabs that do not watch (their state and parts), for the badge. */
  blind(now: number): BlindTab[] {
    return this.reporting(now).flatMap((t) =>
      t.health === 'watching' ? [] : [{ health: t.health, ...(t.parts && { parts: t.parts }) }],
    );
  }

  /** One account's coverage spans; a span still reporting covers up to now. */
  async spans(platform: Platform, account: string, now: number): Promise<CoverageSpan[]> {
    return spansOf(await this.coverageRows(platform, account), now);
  }

  /** One account's stored coverage rows (`spansOf` makes them spans at an instant). */
  coverageRows(platform: Platform, account: string): Promise<CoverageRow[]> {
    return this.db.coverage.where('[platform+account]').equals([platform, account]).toArray();
  }
}

/** Stored coverage rows as spans at `now`: a span still reporting covers up to now. */
export function spansOf(rows: readonly CoverageRow[], now: number): CoverageSpan[] {
  return rows.map((s) => ({
    platform: s.platform,
    account: s.account,
    from: s.from,
    to: s.open === 1 && now - s.to <= COVERAGE_GAP_MS ? now : s.to,
  }));
}
