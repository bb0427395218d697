/**
 * The editor lab (demo build only): test pages built with the real editor packages (test/editor-pages,
 * served under /editors/ on localhost) that let the e2e tests drive quick-phrase insertion through the
 * extension exactly as on a workbench. It borrows the 'xhs' platform (Xiaohongshu has no real adapter yet)
 * and matches nothing but the lab pages, so it never touches a real site.
 */
import { isDemoPage } from '../define';
import { pick, text } from '../dom';
import { accountPart, judged } from '../parts';
import { withLive, type Adapter, type Extraction, type SelectorMap } from '../types';

export const LAB_SELECTORS = {
  account: ['.lab-account'],
  conversationRow: ['.lab-conversation'],
  /** Each editor's editable root, inside the lab's editor box. */
  input: [
    '#lab-editor .ql-editor',
    '#lab-editor [data-slate-editor]',
    '#lab-editor [data-lexical-editor]',
    '#lab-editor .ProseMirror',
    '#lab-editor .public-DraftEditor-content',
    '#lab-editor .ck-editor__editable',
    '#lab-editor textarea',
    '#lab-editor [contenteditable="true"]',
  ],
} as const satisfies SelectorMap;

export const labAdapter: Adapter = {
  platform: 'xhs',
  // The lab page's own: the row's buyer (`data-buyer`), the editors' hooks.
  attributes: ['data-buyer', 'data-slate-editor', 'data-lexical-editor', 'contenteditable'],
  matches: (url) => isDemoPage(url, 'editors'),
  selectors: LAB_SELECTORS,
  extract(root: ParentNode): Extraction {
    const row = pick(root, LAB_SELECTORS.conversationRow);
    const input = pick(root, LAB_SELECTORS.input);
    const account = text(pick(root, LAB_SELECTORS.account)) || null;
    const missing = [...(row ? [] : ['conversationRow']), ...(input ? [] : ['input'])];
    // No list to speak of and no thread: nothing to read piecewise, but typing in the editor is ignored.
    // The lab always shows its editor: the input is needed even with no thread.
    const parts = {
      list: row ? 'ok' : 'missing',
      thread: 'none',
      input: input ? 'ok' : 'missing',
      account: accountPart(account),
    } as const;
    return withLive(
      {
        ...judged(parts),
        account,
        conversations: row
          ? [{ buyer: row.getAttribute('data-buyer') ?? 'lab-buyer', nick: text(row), active: true, row }]
          : [],
        thread: null,
        input,
        missing,
      },
      {},
    );
  },
};
