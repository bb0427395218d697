/** A plain contenteditable (no editor library): the DOM is the model, read as the person sees it. */
import { isSendKey, labPage, publish } from './lab';

const box = document.createElement('div');
box.contentEditable = 'true';
box.style.minHeight = '80px';
box.style.outline = 'none';
labPage('contenteditable').append(box);

const lab = publish({
  name: 'contenteditable',
  getText: () => box.innerText.replace(/\n$/, ''),
  setText: (text) => {
    box.innerText = text;
  },
});
box.addEventListener('keydown', (e) => {
  if (!isSendKey(e)) return;
  e.preventDefault();
  lab.sent.push(lab.getText());
});
