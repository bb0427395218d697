/**
 * What a watched page tells the background: events (in slices one message may carry), the tab's health (when it
 * changes, and again on every heartbeat and when the worker restarts), and which input got the focus. Nothing it
 * sends waits for a reply.
 */
import type { Health, HealthParts } from '../health';
import {
  EVENTS_PER_MESSAGE,
  HEARTBEAT_MS,
  type ClocksMessage,
  type EventsMessage,
  type HealthMessage,
  type ToBackground,
} from '../messages';
import type { ChatEvent, Platform } from '../model';
import type { TimerId, Timers } from './timers';

/** The tab's health as the page reads (sent as a HealthMessage). */
export interface TabHealth {
  health: Health;
  parts: HealthParts;
  /** As stored (keyId). */
  account: string;
  activeBuyer?: string;
}

export interface ReporterDeps {
  platform: Platform;
  /** A request to the background (its reply is not needed). */
  send(msg: ToBackground): Promise<unknown>;
  url(): string;
  timers: Timers;
  /** The clock list the badges show, its number and worker (see ClockListSeq), sent with the health. */
  clocksShown(): Pick<ClocksMessage, 'epoch' | 'seq'> | null;
  /** The wall clock (ms): when the chat input got the focus, sent with it. */
  now(): number;
}

export class Reporter {
  private lastHealth: TabHealth | null = null;
  /** `lastHealth` as JSON: each health() stringifies only the new one to compare. */
  private lastJson = 'null';
  private heartbeat: TimerId | null = null;

  constructor(private readonly deps: ReporterDeps) {}

  /** The account of the last health (undefined before the first read). */
  get account(): string | undefined {
    return this.lastHealth?.account;
  }

  /** The heartbeat: the last health again every HEARTBEAT_MS. */
  start(): void {
    this.heartbeat ??= this.deps.timers.setInterval(() => this.sendHealth(), HEARTBEAT_MS);
  }

  stop(): void {
    if (this.heartbeat) this.deps.timers.clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** The page's health now: sent when it changed. */
  health(health: TabHealth): void {
    const json = JSON.stringify(health);
    const changed = json !== this.lastJson;
    this.lastHealth = health;
    this.lastJson = json;
    if (changed) this.sendHealth();
  }

  /** Re-sends the last health now (the worker restarted: it learns the tab again and sends the whole clock list). */
  sendHealth(): void {
    if (!this.lastHealth) return;
    const shown = this.deps.clocksShown();
    const msg: HealthMessage = {
      type: 'health',
      platform: this.deps.platform,
      url: this.deps.url(),
      ...this.lastHealth,
      // Which clock list the badges show: a tab that reloaded (none), missed a change or shows another worker's list
      // gets the whole list.
      ...(shown && { clocksSeq: shown.seq, clocksEpoch: shown.epoch }),
    };
    this.post(msg);
  }

  /**
   * A long thread seen for the first time can hold more events than one message may carry: sends them in slices
   * (the background takes them in order), never one the background would refuse whole.
   */
  events(events: readonly ChatEvent[], account: string): void {
    for (let i = 0; i < events.length; i += EVENTS_PER_MESSAGE)
      this.post({
        type: 'events',
        platform: this.deps.platform,
        account,
        events: events.slice(i, i + EVENTS_PER_MESSAGE),
      } satisfies EventsMessage);
  }

  /**
   * Quick phrases go to the input that was focused last: ours got the focus, at this time (a message sent again
   * after the link to the worker broke arrives late, and must not count as a later focus than another tab's).
   */
  inputFocused(): void {
    const account = this.lastHealth?.account;
    if (account) this.post({ type: 'inputFocus', platform: this.deps.platform, account, at: this.deps.now() });
  }

  private post(msg: ToBackground): void {
    void this.deps.send(msg).catch(() => undefined);
  }
}
