import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * E2E tests (`npm run test:e2e`, which runs `npm run build:all` first): real Chromium + the built extension,
 * driven by test/e2e/harness.ts. Also holds the tests that read the built manifests.
 * One file at a time: each file launches its own Chromium, and the machine has 2 cores.
 */
export default defineConfig({
  resolve: {
    alias: { '@': root, '~': root },
  },
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    fileParallelism: false,
    retry: 0,
    // expect.poll waits for a state the page or the worker reaches asynchronously; vitest's default of 1 s is less
    // than a slow or busy machine takes for some of them (the welcome page's switch to the stored language took
    // longer under RS_E2E_SLOW=6 and CPU burners). A poll that names its own timeout keeps it.
    expect: { poll: { timeout: 10_000 } },
  },
});
