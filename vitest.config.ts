import { defineConfig } from 'vitest/config';
// `wxt/testing` has no root export in WXT 0.21; the plugin lives at `wxt/testing/vitest-plugin`
// and `fakeBrowser` at `wxt/testing/fake-browser`.
import { WxtVitest } from 'wxt/testing/vitest-plugin';

/**
 * Unit tests (`npm run test:unit`). Node environment by default; a test that needs a DOM opts in with a
 * `// @vitest-environment jsdom` comment at the top of the file.
 *
 * WxtVitest() wires WXT's auto-imports (defineBackground, browser, storage, ...), the `@/` / `~/` aliases,
 * and replaces `browser` (wxt/browser) with `fakeBrowser` from @webext-core/fake-browser — an in-memory
 * implementation; call `fakeBrowser.reset()` in `beforeEach` when a test touches it.
 */
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx', 'lib/**/*.test.ts', 'lib/**/*.test.tsx'],
    environment: 'node',
    // Tests are not timed (timing goals are `npm run bench`'s): the default 5 s failed seeded and jsdom-heavy tests
    // (1–4 s on a quiet machine) on two cores loaded by e2e Chromiums. A test that hangs still fails.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
