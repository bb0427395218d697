/**
 * Test pages built with the REAL editor packages (Quill, Slate, Lexical, ProseMirror, Draft.js, a React
 * textarea, a plain contenteditable), for test/e2e/editors.e2e.ts:
 *   vite build --config test/editor-pages/vite.config.ts   →   .output/editor-pages/editors/<name>.html
 * Served on 127.0.0.1 under /editors/, where the demo build's lab adapter (lib/platforms/lab) watches them.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const pages = readdirSync(path.join(here, 'editors')).filter((f) => f.endsWith('.html'));

export default defineConfig({
  root: here,
  base: '/',
  logLevel: 'warn',
  plugins: [react()],
  // Draft.js (via fbjs) reads `global`; the pages are plain browser bundles.
  define: { global: 'globalThis', 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: path.resolve(here, '../../.output/editor-pages'),
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
    rollupOptions: {
      input: Object.fromEntries(pages.map((f) => [f.replace(/\.html$/, ''), path.join(here, 'editors', f)])),
    },
  },
});
