/** Lexical (vanilla) with @lexical/rich-text and @lexical/history: the model is the editor state. */
import { registerHistory, createEmptyHistoryState } from '@lexical/history';
import { registerRichText } from '@lexical/rich-text';
import { $getRoot, COMMAND_PRIORITY_HIGH, KEY_ENTER_COMMAND, createEditor } from 'lexical';
import { isSendKey, labPage, publish } from './lab';

const root = document.createElement('div');
root.contentEditable = 'true';
root.style.minHeight = '80px';
root.style.outline = 'none';
labPage('lexical-rich').append(root);

const editor = createEditor({
  namespace: 'editor-lab-rich',
  onError: (err) => {
    throw err;
  },
});
editor.setRootElement(root);
registerRichText(editor);
registerHistory(editor, createEmptyHistoryState(), 300);

const lab = publish({
  name: 'lexical-rich',
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
