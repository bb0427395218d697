/** Lexical (vanilla) with @lexical/plain-text and @lexical/history: the model is the editor state. */
import { registerHistory, createEmptyHistoryState } from '@lexical/history';
import { registerPlainText } from '@lexical/plain-text';
import {
  $getRoot,
  COMMAND_PRIORITY_CRITICAL,
  COMMAND_PRIORITY_HIGH,
  KEY_ENTER_COMMAND,
  PASTE_COMMAND,
  createEditor,
} from 'lexical';
import { isSendKey, labPage, pasteIgnored, publish } from './lab';

const root = document.createElement('div');
root.contentEditable = 'true';
root.style.minHeight = '80px';
root.style.outline = 'none';
labPage('lexical').append(root);

const editor = createEditor({
  namespace: 'editor-lab',
  onError: (err) => {
    throw err;
  },
});
editor.setRootElement(root);
registerPlainText(editor);
registerHistory(editor, createEmptyHistoryState(), 300);

const lab = publish({
  name: 'lexical',
  // One line per paragraph; line breaks inside a paragraph are '\n' in its text content.
  getText: () =>
    editor
      .getEditorState()
      .read(() =>
        $getRoot()
          .getChildren()
          .map((p) => p.getTextContent()),
      )
      .join('\n'),
});
editor.registerCommand(
  KEY_ENTER_COMMAND,
  (e: KeyboardEvent | null) => {
    if (!e || !isSendKey(e)) return false;
    e.preventDefault();
    lab.sent.push(lab.getText());
    return true;
  },
  COMMAND_PRIORITY_HIGH,
);
if (pasteIgnored)
  editor.registerCommand(
    PASTE_COMMAND,
    (e) => {
      e.preventDefault();
      return true;
    },
    COMMAND_PRIORITY_CRITICAL,
  );
