/** CKEditor 5 (Essentials + Paragraph, GPL licence key for tests): the model is editor.model.document. */
import { ClassicEditor, Essentials, Paragraph, type ModelElement } from 'ckeditor5';
import 'ckeditor5/ckeditor5.css';
import { labPage, publish } from './lab';

const mount = document.createElement('div');
labPage('ckeditor').append(mount);

const editor = await ClassicEditor.create(mount, { licenseKey: 'GPL', plugins: [Essentials, Paragraph], toolbar: [] });

/** A block's text from the model: text nodes, soft breaks as '\n'. */
const blockText = (block: ModelElement) =>
  [...block.getChildren()].map((n) => (n.is('$text') ? n.data : n.is('element', 'softBreak') ? '\n' : '')).join('');

const lab = publish({
  name: 'ckeditor',
  getText: () =>
    [...editor.model.document.getRoot()!.getChildren()].map((b) => (b.is('element') ? blockText(b) : '')).join('\n'),
});
// Enter (not Shift+Enter, not while composing) sends, like a chat box.
editor.editing.view.document.on(
  'enter',
  (evt, data) => {
    if (data.isSoft || (data.domEvent as KeyboardEvent).isComposing) return;
    data.preventDefault();
    evt.stop();
    lab.sent.push(lab.getText());
  },
  { priority: 'high' },
);
