import { Palette, type PaletteDeps } from '../../../lib/content/palette';
import { createPaletteView } from '../../../lib/content/palette-view';

/**
 * A textarea in the page and a started palette watching it (pdd, its clock at 0, no context, its view's file at
 * once); `deps` gives its background (`send`) and replaces any other part. The textarea is not focused yet.
 */
export function startedPalette(deps: Partial<PaletteDeps> & Pick<PaletteDeps, 'send'>): {
  p: Palette;
  input: HTMLTextAreaElement;
} {
  const input = document.createElement('textarea');
  document.body.append(input);
  const p = new Palette({
    doc: document,
    platform: 'pdd',
    input: () => input,
    context: () => ({}),
    now: () => 0,
    loadView: () => createPaletteView,
    ...deps,
  });
  p.start();
  return { p, input };
}
