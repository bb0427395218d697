/** Quill 2 (Kuaishou's workbench editor): Enter sends through a keyboard binding, like a chat box. */
import Quill from 'quill';
import 'quill/dist/quill.core.css';
import { isSendKey, labPage, publish } from './lab';

const mount = labPage('quill');
const quill = new Quill(mount, {
  modules: {
    keyboard: {
      bindings: {
        send: {
          key: 'Enter',
          shiftKey: false,
          handler: (_range: unknown, ctx: { event: KeyboardEvent }) => {
            if (!isSendKey(ctx.event)) return true;
            lab.sent.push(lab.getText());
            return false;
          },
        },
      },
    },
  },
});
const lab = publish({
  name: 'quill',
  // Quill's document always ends with one '\n'.
  getText: () => quill.getText().replace(/\n$/, ''),
  setText: (text) => quill.setText(text, 'user'),
});
