/** Slate + slate-react + slate-history: the model is editor.children (one paragraph per line). */
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createEditor, Node, type BaseEditor, type Descendant } from 'slate';
import { withHistory, type HistoryEditor } from 'slate-history';
import { Editable, Slate, withReact, type ReactEditor } from 'slate-react';
import { isSendKey, labPage, pasteIgnored, publish } from './lab';

type Paragraph = { type: 'paragraph'; children: { text: string }[] };
declare module 'slate' {
  interface CustomTypes {
    Editor: BaseEditor & ReactEditor & HistoryEditor;
    Element: Paragraph;
    Text: { text: string };
  }
}

const editor = withHistory(withReact(createEditor()));
const initialValue: Descendant[] = [{ type: 'paragraph', children: [{ text: '' }] }];
const lab = publish({
  name: 'slate',
  getText: () => editor.children.map((n) => Node.string(n)).join('\n'),
});

function App() {
  const [value] = useState(initialValue);
  return (
    <Slate editor={editor} initialValue={value}>
      <Editable
        style={{ minHeight: 80, outline: 'none' }}
        onPaste={(e) => {
          if (pasteIgnored) e.preventDefault();
        }}
        onKeyDown={(e) => {
          if (!isSendKey(e)) return;
          e.preventDefault();
          lab.sent.push(lab.getText());
        }}
      />
    </Slate>
  );
}

createRoot(labPage('slate')).render(<App />);
