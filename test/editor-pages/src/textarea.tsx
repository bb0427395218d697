/** A React-controlled textarea: the model is React state (what React committed), like PDD / Douyin. */
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { isSendKey, labPage, publish } from './lab';

let model = '';
const lab = publish({ name: 'textarea', getText: () => model });

function App() {
  const [value, setValue] = useState('');
  useEffect(() => {
    model = value;
  }, [value]);
  return (
    <textarea
      value={value}
      rows={5}
      style={{ width: '100%', boxSizing: 'border-box' }}
      onChange={(e) => setValue(e.target.value)}
      onKeyDown={(e) => {
        if (!isSendKey(e)) return;
        e.preventDefault();
        lab.sent.push(value);
      }}
    />
  );
}

createRoot(labPage('textarea')).render(<App />);
