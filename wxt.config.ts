import { defineConfig } from 'wxt';
import { COMMANDS } from './lib/commands';
import { DEMO_MATCHES, WORKBENCH_MATCHES } from './lib/hosts';

/**
 * Two builds:
 * - production (`wxt build`): host permissions and content scripts only for the real workbench sites;
 * - demo (`wxt build --mode demo`, in `.output/chrome-mv3-demo`): the same, plus the bundled simulated
 *   workbench served on localhost. The demo command and the e2e tests use this one.
 */
// WXT sets NODE_ENV to the mode when it is unset, so `--mode demo` would bundle React's development build (and
// the JSX dev runtime): the demo, the e2e tests and the benchmarks would then run slower code than users get. The
// demo build is a production build that also watches the simulated workbench.
if (process.env.NODE_ENV === 'demo') process.env.NODE_ENV = 'production';

export default defineConfig({
  modules: ['@wxt-dev/module-react'],
  manifest: ({ mode }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'zh_CN',
    permissions: ['alarms', 'notifications', 'offscreen', 'unlimitedStorage'],
    host_permissions: mode === 'demo' ? [...WORKBENCH_MATCHES, ...DEMO_MATCHES] : [...WORKBENCH_MATCHES],
    action: { default_title: '__MSG_extName__' },
    commands: COMMANDS,
  }),
  hooks: {
    'build:manifestGenerated': (wxt, manifest) => {
      if (wxt.config.mode !== 'demo') return;
      // Every content script that watches a real workbench also watches the demo pages.
      for (const cs of manifest.content_scripts ?? []) {
        cs.matches = [...(cs.matches ?? []), ...DEMO_MATCHES];
      }
    },
  },
});
