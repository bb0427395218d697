/** TipTap 3 (ProseMirror underneath) with the starter kit: the model is editor.state.doc. */
import { Editor, Extension } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { labPage, publish } from './lab';

const Send = Extension.create({
  name: 'labSend',
  addKeyboardShortcuts: () => ({
    Enter: () => {
      lab.sent.push(lab.getText());
      return true;
    },
  }),
});

const editor = new Editor({ element: labPage('tiptap'), extensions: [StarterKit, Send] });
const lab = publish({
  name: 'tiptap',
  // One line per block; hard breaks are line breaks too.
  getText: () => {
    const doc = editor.state.doc;
    return doc.textBetween(0, doc.content.size, '\n', '\n');
  },
});
