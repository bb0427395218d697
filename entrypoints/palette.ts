/**
 * The quick-phrase palette's list and prompts (lib/content/palette-view.ts), built as `/palette.js`: a workbench
 * content script imports it into its own (isolated) world the first time the agent opens the palette
 * (lib/content/main.ts `loadPaletteView`), so that the search index, the ranking and the list are not in every
 * workbench tab's content script. Running, it hands its factory to the content script through the world's global.
 */
import { createPaletteView } from '@/lib/content/palette-view';

export default defineUnlistedScript(() => {
  globalThis.__rsPaletteView = createPaletteView;
});
