/** Draft.js 0.11.7 under React 19: the model is the EditorState's ContentState. */
import { Editor, EditorState } from 'draft-js';
import 'draft-js/dist/Draft.css';
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { isSendKey, labPage, publish } from './lab';

let model = EditorState.createEmpty();
const lab = publish({ name: 'draft', getText: () => model.getCurrentContent().getPlainText('\n') });

function App() {
  const [state, setState] = useState(model);
  useEffect(() => {
    model = state;
  }, [state]);
  return (
    <Editor
      editorState={state}
      onChange={setState}
      handleReturn={(e) => {
        if (!isSendKey(e)) return 'not-handled';
        lab.sent.push(state.getCurrentContent().getPlainText('\n'));
        return 'handled';
      }}
    />
  );
}

createRoot(labPage('draft')).render(<App />);
