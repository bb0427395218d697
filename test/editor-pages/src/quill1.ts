/** Quill 1.3.7 (still shipped by many sites; installed as `quill1`): Enter sends through a keyboard binding. */
import Quill from 'quill1';
import 'quill1/dist/quill.core.css';
import { labPage, publish } from './lab';

const mount = labPage('quill1');
const quill = new Quill(mount, {
  modules: {
    keyboard: {
      // Quill 1 puts configured bindings before its own Enter handling; its handlers get no event.
      bindings: {
        send: {
          key: 'Enter',
          shiftKey: false,
          handler: () => {
            lab.sent.push(lab.getText());
            return false;
          },
        },
      },
    },
  },
});
const lab = publish({
  name: 'quill1',
  // Quill's document always ends with one '\n'.
  getText: () => quill.getText().replace(/\n$/, ''),
  setText: (text) => quill.setText(text, 'user'),
});
