// @vitest-environment jsdom
/** The editor lab adapter: demo pages only, last in the registry, reads the lab page's editor root. */
import { describe, expect, it } from 'vitest';
import { labAdapter } from '../../lib/platforms/lab';
import { ADAPTERS, adapterFor } from '../../lib/platforms/adapters';

const PAGE = `
  <div class="lab-account">editor-lab</div>
  <ul class="lab-conversations"><li class="lab-conversation active" data-buyer="lab-buyer">测试买家 · 在吗？</li></ul>
  <div id="lab-editor"><div class="ql-container"><div class="ql-editor" contenteditable="true"><p>x</p></div></div></div>`;

describe('lab adapter', () => {
  it('matches only the lab pages on localhost, never a real site or another demo folder', () => {
    expect(adapterFor(new URL('http://127.0.0.1:4000/editors/quill.html'))).toBe(labAdapter);
    expect(adapterFor(new URL('http://localhost/editors/slate.html'))).toBe(labAdapter);
    for (const u of [
      'https://example.com/editors/quill.html',
      'https://www.xiaohongshu.com/editors/x',
      'http://127.0.0.1:4000/pdd/index.html',
      'http://127.0.0.1:4000/editors-x/quill.html',
    ])
      expect(labAdapter.matches(new URL(u)), u).toBe(false);
    expect(ADAPTERS.at(-1)).toBe(labAdapter);
  });

  it('reads a lab page: watching, the account, one conversation row, the editor root as the input', () => {
    document.body.innerHTML = PAGE;
    const x = labAdapter.extract(document);
    expect(x.health).toBe('watching');
    expect(x.account).toBe('editor-lab');
    expect(x.conversations.map((c) => [c.buyer, c.row])).toEqual([
      ['lab-buyer', document.querySelector('.lab-conversation')],
    ]);
    expect(x.input).toBe(document.querySelector('.ql-editor'));
    expect(x.thread).toBeNull();
  });

  it('says what is missing before the editor mounts, and on an empty page', () => {
    document.body.innerHTML = PAGE.replace(/<div id="lab-editor">[\s\S]*$/, '<div id="lab-editor"></div>');
    expect(labAdapter.extract(document)).toMatchObject({ health: 'noInput', input: null, missing: ['input'] });
    document.body.innerHTML = '';
    expect(labAdapter.extract(document)).toMatchObject({
      health: 'noList',
      account: null,
      conversations: [],
      missing: ['conversationRow', 'input'],
    });
  });
});
