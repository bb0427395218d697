/**
 * Fills a phrase's variables at insert time (pure: the background's popup insert and the in-page palette both use
 * it). Unknown variables stay as written.
 *
 * {买家昵称} the buyer's nickname; a masked one (`S*******n`, `王***`: the platform hides it) or none → the chosen
 *            word (the `nickFallback` setting, 亲 by default), never the mask;
 * {客服名}   the agent's name (setting), 客服 when none is set;
 * {店铺名} / {店铺}  the shop's name (setting), else the shop the page shows, else 本店;
 * {问候}     早上好 / 中午好 / 下午好 / 晚上好 by China time; {日期} the China date; {cursor} → '' (the caller
 *            marks it before filling when it places the caret there).
 */
import { chinaMsOfDay } from '../engine/time';

export interface FillContext {
  /** The nickname the page shows for the buyer of the open conversation. */
  buyerNick?: string;
  /** The shop the page shows (from the conversation), used when no shop name is set. */
  shop?: string;
  /** Settings (`agentName`, `shopName`, `nickFallback`); '' means "not set" for the names. */
  agentName?: string;
  shopName?: string;
  nickFallback?: string;
  now: number;
}

/** The settings a fill needs, as the `phrases` reply carries them to the palette. */
export interface FillSettings {
  agentName: string;
  shopName: string;
  nickFallback: string;
}

export const DEFAULT_NICK_FALLBACK = '亲';

/** 早上好 / 中午好 / 下午好 / 晚上好 by China local time. */
export function greeting(now: number): string {
  const h = Math.floor(chinaMsOfDay(now) / 3600_000);
  if (h >= 5 && h < 11) return '早上好';
  if (h >= 11 && h < 13) return '中午好';
  if (h >= 13 && h < 18) return '下午好';
  return '晚上好';
}

/**
 * A nickname the platform masked: a run of two or more `*` / `＊`, or one star in a name of at most two other
 * characters (`王*`, `S*n`). A long name with one star inside (`abc*defgh`) is taken as written.
 */
export function isMaskedNick(nick: string): boolean {
  return /[*＊]{2,}/.test(nick) || /^[^*＊]{0,2}[*＊][^*＊]{0,2}$/u.test(nick.trim());
}

function nickOf(ctx: FillContext): string {
  const nick = ctx.buyerNick?.trim();
  return nick && !isMaskedNick(nick) ? nick : (ctx.nickFallback ?? DEFAULT_NICK_FALLBACK);
}

export function fillPhrase(text: string, ctx: FillContext): string {
  const d = new Date(ctx.now + 8 * 3600_000);
  const shop = ctx.shopName?.trim() || ctx.shop?.trim() || '本店';
  const values: Record<string, string | undefined> = {
    买家昵称: nickOf(ctx),
    客服名: ctx.agentName?.trim() || '客服',
    店铺名: shop,
    店铺: shop,
    问候: greeting(ctx.now),
    日期: `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`,
    cursor: '',
  };
  return text.replace(/\{([^{}]{1,12})\}/g, (all, name: string) =>
    Object.hasOwn(values, name) ? (values[name] ?? all) : all,
  );
}
