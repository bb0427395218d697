// @vitest-environment jsdom
/**
 * Smart replies on Taobao and 1688 (platform-rules.md §1, seed 001): 店小蜜 smart replies and 7x24H smart-response
 * service replies are valid replies, Qianniu/Wangwang auto-replies (自动回复) are not. The adapter tells them apart by
 * structure (the sender's nick, the auto-reply label or tag); the default follows the seed and the settings
 * page switches it per platform.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { SettingsPage } from '../../components/SettingsPage';
import { extractAli } from '../../lib/platforms/ali';
import { evaluate } from '../../lib/engine';
import type { ChatEvent } from '../../lib/model';
import {
  DEFAULT_RULES,
  applyOverrides,
  applyRuleEdits,
  effectiveRules,
  ruleOverridesSchema,
  allMetrics,
  smartRepliesCount,
  withSmartReplies,
  type RuleSet,
} from '../../lib/rules';
import { check } from '../../lib/valid';
import { uiDb } from '../../lib/ui/db';
import { ev, t, watchedAllDay } from './helpers/events';

afterEach(() => cleanup());

const load = (html: string) => new DOMParser().parseFromString(html, 'text/html');
const fixture = readFileSync(join(process.cwd(), 'test/fixtures/ali/smart-replies.html'), 'utf8');

describe('the Alibaba web-IM adapter: smart replies (robot) vs auto-replies (auto)', () => {
  it('reads the fixture by structure: the robot’s nick, the auto-reply label first', () => {
    const x = extractAli(load(fixture));
    expect(x.thread!.messages.map((m) => [m.author, m.text])).toEqual([
      ['buyer', '这款保温杯能定制logo吗'],
      ['robot', '亲亲，保温杯支持定制logo哦'], // nick 店小蜜
      ['buyer', '起订量多少'],
      ['robot', '定制起订量100个'], // nick 店小蜜
      ['buyer', '还在吗'],
      ['robot', '已为您登记'], // nick 7x24H响应服务
      ['buyer', '店小蜜智能答复的是真的吗'],
      ['auto', '【自动回复】您好，欢迎光临，客服稍后为您服务'], // the auto-reply label wins over the robot's nick
      ['auto', '亲，客服暂时离开，稍后回复您'], // 自动回复 tag
      ['human', '是真的，刚才是店小蜜智能答复，7x24H响应服务晚上也在'], // words in the message decide nothing
      ['buyer', '智能答复不准吧'], // a buyer (not .self) whose nick and tag look like the robot's
    ]);
  });

  it('adversarial: an agent’s reply quoting the smart-reply words, in the bubble or a tag, is the agent’s', () => {
    const item = (nick: string, body: string, extra = '') =>
      `<div class="message-item self"><div class="message-header"><span class="nick">${nick}</span><span class="time">2026-09-08 10:00:00</span>${extra}</div><div class="content"><pre>${body}</pre></div></div>`;
    const html = `<div class="ww_user_panel"><div class="user-nick">店:小王</div></div>
      <div class="conversation-list"><div class="conversation-item active"><div class="name">买家A</div></div></div>
      <div class="ww_header"><div class="name">买家A</div></div>
      <div class="ww_message">
        <div class="message-item"><div class="message-header"><span class="nick">买家A</span><span class="time">2026-09-08 09:59:00</span></div><div class="content"><pre>在吗</pre></div></div>
        ${item('店:小王', '智能答复')}
        ${item('店:小王', '7x24H响应服务')}
        ${item('店:小王', '<span>店小蜜智能答复</span>以后都是我人工回复')}
        ${item('店:小王', '好的', '<span class="msg-tag">智能答复说错了</span>')}
        ${item('店:响应服务专员', '在的')}
      </div>
      <div class="ww_input"><pre class="edit" contenteditable="true"></pre></div>`;
    const authors = extractAli(load(html)).thread!.messages.map((m) => m.author);
    expect(authors).toEqual(['buyer', 'human', 'human', 'human', 'human', 'human']);
  });
});

describe('the rules: smart replies count by default, switchable per platform', () => {
  const run = (events: ChatEvent[], rules: RuleSet) =>
    evaluate({ events, coverage: watchedAllDay('taobao'), rules, now: t('23:59:00'), alertLeadSec: 60 });
  const result = (events: ChatEvent[], rules: RuleSet, metric = 'taobao.ww3min') =>
    run(events, rules).units.find((u) => u.metric === metric)!.result;

  it('Taobao: a 店小蜜 smart reply 5 s after the question passes; an auto-reply alone fails', () => {
    const smart = [ev('taobao', 'a', 'buyer', t('11:00:00')), ev('taobao', 'a', 'robot', t('11:00:05'))];
    const auto = [ev('taobao', 'b', 'buyer', t('11:00:00')), ev('taobao', 'b', 'auto', t('11:00:01'))];
    expect(smartRepliesCount(DEFAULT_RULES, 'taobao')).toBe(true);
    expect(result(smart, DEFAULT_RULES)).toBe('pass');
    expect(result(smart, DEFAULT_RULES, 'taobao.avgResp')).toBe('pass');
    expect(result(auto, DEFAULT_RULES)).toBe('fail');
    // Switched off: the smart reply no longer stops the clock.
    const off = effectiveRules(withSmartReplies(DEFAULT_RULES, {}, 'taobao', false));
    expect(smartRepliesCount(off, 'taobao')).toBe(false);
    expect(result(smart, off)).toBe('fail');
    // Still no 0-second replies, whoever sends them.
    const instant = [ev('taobao', 'c', 'buyer', t('11:00:00')), ev('taobao', 'c', 'robot', t('11:00:00'))];
    expect(result(instant, DEFAULT_RULES)).toBe('fail');
  });

  it('the switch writes valid overrides, keeps the user’s other fields, and switching back restores them', () => {
    const user = { 'taobao.ww3min': { thresholdSec: 120 }, 'pdd.manual3min': { thresholdSec: 150 } };
    const off = withSmartReplies(DEFAULT_RULES, user, 'taobao', false);
    expect(off).toEqual({
      'taobao.ww3min': { thresholdSec: 120, validReply: ['human', 'assist'] },
      'taobao.avgResp': { validReply: ['human', 'assist'] },
      'pdd.manual3min': { thresholdSec: 150 },
    });
    expect(check(ruleOverridesSchema(allMetrics(DEFAULT_RULES)), off).ok).toBe(true);
    expect(applyOverrides(DEFAULT_RULES, off).errors).toEqual([]);
    expect(withSmartReplies(DEFAULT_RULES, off, 'taobao', true)).toEqual(user);
    // Switching on where the defaults leave robots out adds them; never leaves a metric with no valid author.
    const only = withSmartReplies(DEFAULT_RULES, { 'taobao.ww3min': { validReply: ['robot'] } }, 'taobao', false);
    expect(only['taobao.ww3min']!.validReply).toEqual(['human']);
  });

  it('the settings page shows the switch per platform (Taobao, 1688) and saves it with the rest', async () => {
    fakeBrowser.reset();
    await uiDb.settings.clear();
    // A limit saved earlier by the rule editor: the switch's save must not overwrite it.
    await uiDb.settings.put({ key: 'ruleOverrides', value: { 'taobao.ww3min': { thresholdSec: 120 } } });
    const sent: { type: string; patch?: Record<string, unknown>; rules?: Record<string, unknown> }[] = [];
    fakeBrowser.runtime.onMessage.addListener((msg) => {
      sent.push(msg as (typeof sent)[number]);
      return Promise.resolve({ ok: true });
    });
    render(<SettingsPage />);
    const taobao = (await screen.findByRole('checkbox', { name: /淘宝/ })) as HTMLInputElement;
    screen.getByRole('group', { name: '智能答复计为有效回复' });
    expect(taobao.checked).toBe(true);
    fireEvent.click(taobao);
    await waitFor(() => expect(taobao.checked).toBe(false));
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    // A partial update of the switch's own field only; the stored limit is not sent back (nor overwritten).
    expect(sent[0]!.patch!.ruleOverrides).toBeUndefined();
    expect(sent[0]!.rules).toEqual({
      'taobao.ww3min': { validReply: ['human', 'assist'] },
      'taobao.avgResp': { validReply: ['human', 'assist'] },
    });
    expect(applyRuleEdits({ 'taobao.ww3min': { thresholdSec: 120 } }, sent[0]!.rules)).toEqual({
      ok: true,
      overrides: {
        'taobao.ww3min': { thresholdSec: 120, validReply: ['human', 'assist'] },
        'taobao.avgResp': { validReply: ['human', 'assist'] },
      },
    });
  });
});
