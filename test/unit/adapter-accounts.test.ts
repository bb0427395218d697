// @vitest-environment jsdom
/**
 * Which shop (account) each workbench shows, read with fallbacks; null when the page shows none (the watcher then
 * reports the unrecognised account and the background keeps the tab apart: never a shared default).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractAli } from '../../lib/platforms/ali';
import { extractDouyin } from '../../lib/platforms/douyin';
import { extractJd } from '../../lib/platforms/jd';
import { extractKuaishou } from '../../lib/platforms/kuaishou';
import { extractPdd } from '../../lib/platforms/pdd';

const fixture = (name: string) => readFileSync(join(process.cwd(), 'test/fixtures', name), 'utf8');
const load = (html: string) => new DOMParser().parseFromString(html, 'text/html');

/** The fixture with `edit` applied to its document. */
function page(name: string, edit: (doc: Document) => void = () => undefined): Document {
  const doc = load(fixture(name));
  edit(doc);
  return doc;
}
const drop = (doc: Document, sel: string) => doc.querySelectorAll(sel).forEach((el) => el.remove());
const add = (doc: Document, html: string) => doc.body.insertAdjacentHTML('afterbegin', html);

describe('PDD: the mall name in the header', () => {
  it('reads it, then the fallbacks, else nothing', () => {
    expect(extractPdd(page('pdd/thread.html')).account).toBe('测试旗舰店');
    const noMall = (html: string) =>
      extractPdd(
        page('pdd/thread.html', (d) => {
          drop(d, '.mall-name');
          add(d, html);
        }),
      ).account;
    expect(noMall('<div class="header-mall-name">备用旗舰店</div>')).toBe('备用旗舰店');
    expect(noMall('<div class="top-bar"><span class="mallName_x81">哈希类名店</span></div>')).toBe('哈希类名店');
    expect(noMall('<div class="user-info"><span class="name">客服小白</span></div>')).toBe('客服小白');
    const none = extractPdd(page('pdd/thread.html', (d) => drop(d, '.mall-name')));
    expect(none.account).toBeNull();
    expect(none.missing).toContain('account');
  });
});

describe('Feige (douyin): the shop name in the header', () => {
  it('reads it, then the fallbacks (other class names, the shop logo’s title), else nothing', () => {
    expect(extractDouyin(page('douyin/workspace.html')).account).toBe('演示抖店旗舰店');
    const noShop = (html: string) =>
      extractDouyin(
        page('douyin/workspace.html', (d) => {
          drop(d, 'header');
          add(d, html);
        }),
      ).account;
    expect(noShop('<div data-qa-id="qa-account-name">钩子店</div>')).toBe('钩子店');
    expect(noShop('<div class="accountName-x1">账号名店</div>')).toBe('账号名店');
    expect(noShop('<header><div class="topShopName-99">大写类名店</div></header>')).toBe('大写类名店');
    expect(noShop('<header><img class="shopLogo-7" title="标志店" alt=""></header>')).toBe('标志店');
    expect(noShop('<header><img class="shopLogo-7" alt="替代文字店"></header>')).toBe('替代文字店');
    const none = extractDouyin(page('douyin/workspace.html', (d) => drop(d, 'header')));
    expect(none.account).toBeNull();
    expect(none.missing).toContain('account');
  });
});

describe('1688 / Taobao: the IM’s own user panel, then our own messages’ sender', () => {
  it('reads the panel, its title, then the nick on our own (non-robot) messages, else nothing', () => {
    expect(extractAli(page('ali/thread.html')).account).toBe('义乌优品工厂店:小王');
    // The panel shows the name only as a title (an avatar with a tooltip).
    const titled = page('ali/thread.html', (d) => {
      const panel = d.querySelector('.ww_user_panel')!;
      panel.innerHTML = '<div class="avatar" title="义乌优品工厂店:小李"><img src="data:," alt=""></div>';
    });
    expect(extractAli(titled).account).toBe('义乌优品工厂店:小李');
    // No panel at all: our own messages carry our account (the robot's messages do not count).
    const noPanel = page('ali/thread.html', (d) => drop(d, '.ww_user_panel'));
    expect(extractAli(noPanel).account).toBe('义乌优品工厂店:小王');
    const robotOnly = page('ali/thread.html', (d) => {
      drop(d, '.ww_user_panel');
      for (const nick of d.querySelectorAll('.message-item.self .nick')) nick.textContent = '义乌优品工厂店:店小蜜';
    });
    expect(extractAli(robotOnly).account).toBeNull();
    const none = page('ali/thread.html', (d) => {
      drop(d, '.ww_user_panel');
      drop(d, '.message-item.self');
    });
    expect(extractAli(none).account).toBeNull();
    expect(extractAli(none).missing).toContain('account');
  });
});

describe('JD: the waiter’s name, then the shop (venderId) in the row ids', () => {
  it('reads the name, then the venderId the rows carry, else nothing', () => {
    expect(extractJd(page('jd/thread.html')).account).toBe('测试京东自营店-客服01');
    const noName = page('jd/thread.html', (d) => drop(d, '.t-user-name'));
    expect(extractJd(noName).account).toBe('venderId:10086');
    // Two shops' tabs: two accounts.
    const otherShop = page('jd/thread.html', (d) => {
      drop(d, '.t-user-name');
      for (const row of d.querySelectorAll('.alluser-item[id]')) row.id = row.id.replace(/10086$/, '20017');
    });
    expect(extractJd(otherShop).account).toBe('venderId:20017');
    const none = page('jd/thread.html', (d) => {
      drop(d, '.t-user-name');
      for (const row of d.querySelectorAll('.alluser-item[id]')) row.removeAttribute('id');
    });
    expect(extractJd(none).account).toBeNull();
    expect(extractJd(none).missing).toContain('account');
  });
});

describe('Kuaishou: the shop name in the workbench header', () => {
  it('reads it, then the fallbacks, else nothing', () => {
    expect(extractKuaishou(page('kuaishou/thread.html')).account).toBe('测试快手小店');
    const noShop = (html: string) =>
      extractKuaishou(
        page('kuaishou/thread.html', (d) => {
          drop(d, '.WorkbenchHeader');
          add(d, html);
        }),
      ).account;
    expect(noShop('<div class="CsUserInfo"><span class="CsUserInfo-nickName">客服阿花</span></div>')).toBe('客服阿花');
    expect(noShop('<div class="WorkbenchHeader_x1"><span class="shopName_k2">哈希快手店</span></div>')).toBe(
      '哈希快手店',
    );
    const none = extractKuaishou(page('kuaishou/thread.html', (d) => drop(d, '.WorkbenchHeader')));
    expect(none.account).toBeNull();
    expect(none.missing).toContain('account');
  });
});
