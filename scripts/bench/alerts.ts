/**
 * Alert latency in Chromium with the demo build (issue 18): how long after the lead-time moment the warning sound
 * is asked for, and how long after the deadline the breach sound, as the offscreen document records them (its own
 * `Date.now()`, on this machine's clock) against the clock row's `alertAt` / `dueAt` in IndexedDB.
 *
 * One sample: PDD with a 6 s threshold and the warning 3 s before; the buyer asks, the warning and the breach come,
 * the clock row is read, the agent answers. Goal: both within 1 s.
 */
import type { Page } from 'playwright-core';
import { readStore, seedSettings } from '../../test/e2e/db';
import type { ChromeApi, ExtensionHarness } from '../../test/e2e/harness';
import { round, sleep, summarize, type Summary } from './stats';

declare const chrome: ChromeApi;
declare const demo: { buyerSays(uid: string, text?: string): string; agentSays(uid: string, text?: string): string };

const BUYER = '802114';
export const ALERT_SETTINGS = {
  ruleOverrides: { 'pdd.manual3min': { window: { startMin: 0, endMin: 1440 }, thresholdSec: 6 } },
  alertLeadSec: 3,
  soundNew: false,
};

interface Played {
  sound: string;
  at: number;
}

async function played(ext: ExtensionHarness): Promise<Played[]> {
  const sw = await ext.serviceWorker();
  return sw.evaluate(async () => {
    if (!(await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length) return [];
    return ((await chrome.runtime.sendMessage({ target: 'offscreen', type: 'played' }).catch(() => [])) ?? []) as {
      sound: string;
      at: number;
    }[];
  });
}

export interface AlertLatency {
  /** null when no sample succeeded (see `failures`). */
  warningMs: Summary | null;
  breachMs: Summary | null;
  failures: string[];
}

export async function measureAlertLatency(ext: ExtensionHarness, url: string, samples: number): Promise<AlertLatency> {
  await seedSettings(ext, ALERT_SETTINGS);
  const page: Page = await ext.context.newPage();
  const warning: number[] = [];
  const breach: number[] = [];
  const failures: string[] = [];
  try {
    await page.goto(url);
    for (let end = Date.now() + 15_000; Date.now() < end; await sleep(100))
      if ((await readStore(ext, 'tabs')).some((t) => t.health === 'watching')) break;
    for (let i = 0; i < samples; i++) {
      const before = (await played(ext)).length;
      await page.evaluate((uid) => demo.buyerSays(uid, '在吗？'), BUYER);
      let got: Played[] = [];
      for (let end = Date.now() + 15_000; Date.now() < end; await sleep(50)) {
        got = (await played(ext)).slice(before);
        if (got.length >= 2) break;
      }
      const clock = (await readStore(ext, 'clocks')).find((c) => String(c.key).endsWith(`|${BUYER}`));
      const soon = got.find((p) => p.sound === 'soon');
      const late = got.find((p) => p.sound === 'breach');
      if (!soon || !late || !clock || typeof clock.alertAt !== 'number' || typeof clock.dueAt !== 'number')
        failures.push(`sample ${i}: sounds ${JSON.stringify(got)}, clock ${JSON.stringify(clock)}`);
      else {
        warning.push(soon.at - clock.alertAt);
        breach.push(late.at - clock.dueAt);
      }
      await page.evaluate((uid) => demo.agentSays(uid, '在的'), BUYER);
      await sleep(300);
    }
  } finally {
    await page.close();
  }
  return {
    warningMs: warning.length ? round(summarize(warning)) : null,
    breachMs: breach.length ? round(summarize(breach)) : null,
    failures,
  };
}
