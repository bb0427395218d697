import { describe, expect, it } from 'vitest';
import { BADGE_COLORS, badgePainter, type BadgeApi } from '../../lib/badge';

/** A fake chrome.action: records every call; `fail` makes the next call of that setter reject. */
function fakeAction() {
  const calls: string[] = [];
  const fail = new Set<string>();
  const setter = (name: string) => async (v: string) => {
    calls.push(`${name}=${v}`);
    if (fail.delete(name)) throw new Error(`${name} failed`);
  };
  const api: BadgeApi = {
    text: setter('text'),
    color: setter('color'),
    textColor: setter('textColor'),
    title: setter('title'),
  };
  return { api, calls, fail };
}

describe('the toolbar badge painter', () => {
  it('sets everything once, then only what changed (the countdown ticking sets the text alone)', async () => {
    const a = fakeAction();
    const paint = badgePainter(a.api);
    await paint({ text: '2:59', color: BADGE_COLORS.calm, title: '1 位买家在等' });
    expect(a.calls).toEqual([`text=2:59`, `color=${BADGE_COLORS.calm}`, 'textColor=#ffffff', 'title=1 位买家在等']);
    a.calls.length = 0;
    await paint({ text: '2:58', color: BADGE_COLORS.calm, title: '1 位买家在等' });
    expect(a.calls).toEqual(['text=2:58']);
    a.calls.length = 0;
    await paint({ text: '2:58', color: BADGE_COLORS.calm, title: '1 位买家在等' });
    expect(a.calls).toEqual([]);
    await paint({ text: '0:29', color: BADGE_COLORS.urgent, title: '2 位买家在等' });
    expect(a.calls).toEqual(['text=0:29', `color=${BADGE_COLORS.urgent}`, 'title=2 位买家在等']);
  });

  it('a setter that failed is called again at the next paint, with the same value', async () => {
    const a = fakeAction();
    const paint = badgePainter(a.api);
    a.fail.add('title');
    await expect(paint({ text: '', color: BADGE_COLORS.calm, title: '一切正常' })).rejects.toThrow('title failed');
    a.calls.length = 0;
    await paint({ text: '', color: BADGE_COLORS.calm, title: '一切正常' });
    expect(a.calls).toEqual(['title=一切正常']);
  });

  it('a setter that throws at once (not a rejected promise) is retried too', async () => {
    const a = fakeAction();
    let missing = true;
    const paint = badgePainter({
      ...a.api,
      textColor: (c) => {
        if (missing) throw new TypeError('setBadgeTextColor is not a function');
        return a.api.textColor(c);
      },
    });
    await expect(paint({ text: '1:00', color: BADGE_COLORS.calm, title: 'x' })).rejects.toThrow('not a function');
    missing = false;
    a.calls.length = 0;
    await paint({ text: '1:00', color: BADGE_COLORS.calm, title: 'x' });
    expect(a.calls).toEqual(['textColor=#ffffff']);
  });
});
