/** Fills a phrase's variables at insert time. Unknown variables stay as written. */
import { chinaMsOfDay } from '../engine/time';

export interface FillContext {
  buyerNick?: string;
  agentName?: string;
  shop?: string;
  now: number;
}

/** 早上好 / 中午好 / 下午好 / 晚上好 by China local time. */
export function greeting(now: number): string {
  const h = Math.floor(chinaMsOfDay(now) / 3600_000);
  if (h >= 5 && h < 11) return '早上好';
  if (h >= 11 && h < 13) return '中午好';
  if (h >= 13 && h < 18) return '下午好';
  return '晚上好';
}

export function fillPhrase(text: string, ctx: FillContext): string {
  const d = new Date(ctx.now + 8 * 3600_000);
  const values: Record<string, string | undefined> = {
    买家昵称: ctx.buyerNick ?? '亲',
    客服名: ctx.agentName ?? '客服',
    店铺: ctx.shop,
    问候: greeting(ctx.now),
    日期: `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`,
    cursor: '',
  };
  return text.replace(/\{([^{}]{1,12})\}/g, (all, name: string) => values[name] ?? all);
}
