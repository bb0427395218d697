/** ProseMirror (schema-basic, history, base keymap): the model is view.state.doc. */
import { baseKeymap } from 'prosemirror-commands';
import { history, redo, undo } from 'prosemirror-history';
import { keymap } from 'prosemirror-keymap';
import { schema } from 'prosemirror-schema-basic';
import { EditorState } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import 'prosemirror-view/style/prosemirror.css';
import { labPage, publish } from './lab';

const view = new EditorView(labPage('prosemirror'), {
  state: EditorState.create({
    schema,
    plugins: [
      history(),
      keymap({
        Enter: () => {
          lab.sent.push(lab.getText());
          return true;
        },
        'Mod-z': undo,
        'Mod-y': redo,
        'Shift-Mod-z': redo,
      }),
      keymap(baseKeymap),
    ],
  }),
});
const lab = publish({
  name: 'prosemirror',
  // One line per block; hard breaks are line breaks too.
  getText: () => {
    const doc = view.state.doc;
    return doc.textBetween(0, doc.content.size, '\n', '\n');
  },
});
