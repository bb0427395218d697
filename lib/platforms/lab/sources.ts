/**
 * Where each editor-lab selector came from (lib/platforms/sources.ts explains the notes): the lab is this project's
 * own page (demo build only), its editors the libraries ../shared/docs/workbench-dom.md § Inserting lists.
 */
import { defineSelectorSources, type SourceNote } from '../sources';
import { LAB_SELECTORS } from './index';

const LAB = 'test/editor-pages/src/lab.ts (this project’s editor lab)';
const editor = (name: string): SourceNote => `own page: ${LAB} — ${name}'s editable root`;

export default defineSelectorSources(
  { LAB_SELECTORS },
  {
    LAB_SELECTORS: {
      account: { '.lab-account': `own page: ${LAB}` },
      conversationRow: { '.lab-conversation': `own page: ${LAB}` },
      input: {
        '#lab-editor .ql-editor': editor('Quill'),
        '#lab-editor [data-slate-editor]': editor('Slate'),
        '#lab-editor [data-lexical-editor]': editor('Lexical'),
        '#lab-editor .ProseMirror': editor('ProseMirror / TipTap'),
        '#lab-editor .public-DraftEditor-content': editor('Draft.js'),
        '#lab-editor .ck-editor__editable': editor('CKEditor 5'),
        '#lab-editor textarea': editor('a textarea'),
        '#lab-editor [contenteditable="true"]': editor('a plain contenteditable'),
      },
    },
  },
);
