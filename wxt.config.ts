import path from 'node:path';
import { defineConfig } from 'wxt';
import { COMMANDS } from './lib/commands';
import { SYNC_OPTIONAL_HOSTS } from './lib/sync/config';
import {
  DEMO_MATCHES,
  DEMO_ONLY_SCRIPTS,
  SCRIPT_SITES,
  WORKBENCH_MATCHES,
  contentScriptFile,
  demoMatches,
  scriptOfFile,
  type ScriptName,
} from './lib/hosts';

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

/**
 * The extension pages' shared first load as one chunk (`ui`) instead of ten small ones: each HTML page then asks for
 * its entry, this chunk and its stylesheets (issue 21, wt-afp: the analytics page's preload scan asked for 13 files at
 * once, 2–3 ms of the page's main thread each before its first script could run). Only modules statically imported
 * by two pages or more, and none that leads to Dexie (the local pages' first load stays without it: issue 21) — those
 * stay with Rolldown's own splitting.
 */
const leadsToDexie = new Map<string, boolean>();
function reachesDexie(id: string, info: (id: string) => { importedIds: readonly string[] } | null): boolean {
  const known = leadsToDexie.get(id);
  if (known !== undefined) return known;
  leadsToDexie.set(id, false); // a cycle: decided by its other paths
  const found =
    /node_modules[\\/]dexie/.test(id) || (info(id)?.importedIds ?? []).some((dep) => reachesDexie(dep, info));
  leadsToDexie.set(id, found);
  return found;
}
const FIRST_LOAD_CHUNK = {
  name: (id: string, ctx: { getModuleInfo: (id: string) => { importedIds: readonly string[] } | null }) =>
    reachesDexie(id, (m) => ctx.getModuleInfo(m)) ? null : 'ui',
  tags: ['$initial' as const],
  minShareCount: 2,
};

export default defineConfig({
  modules: ['@wxt-dev/module-react'],
  // PouchDB (team sync) imports Node's 'events'; the browser bundle gets a small EventEmitter instead of nothing.
  vite: () => ({
    resolve: { alias: { events: path.resolve(import.meta.dirname, 'lib/sync/events-shim.js') } },
    build: {
      // `RS_SOURCEMAP=1 npx wxt build`: source maps, for scripts/bench/bundle-attrib.ts (which module costs what).
      sourcemap: process.env.RS_SOURCEMAP === '1',
      rolldownOptions: { output: { codeSplitting: { groups: [FIRST_LOAD_CHUNK] } } },
    },
  }),
  manifest: ({ mode }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'zh_CN',
    permissions: ['alarms', 'notifications', 'offscreen', 'unlimitedStorage'],
    host_permissions: mode === 'demo' ? [...WORKBENCH_MATCHES, ...DEMO_MATCHES] : [...WORKBENCH_MATCHES],
    // Opt-in team sync (lib/sync): the shop's own database server, granted at runtime from the options page.
    optional_host_permissions: [...SYNC_OPTIONAL_HOSTS],
    action: { default_title: '__MSG_extName__' },
    commands: COMMANDS,
    // The quick-phrase palette's list (entrypoints/palette.ts), imported by the workbench content scripts on its first
    // open (lib/content/main.ts): readable by the workbench pages only, at a URL that changes per session (a page
    // cannot probe for it to learn that the extension is installed).
    web_accessible_resources: [
      {
        resources: ['palette.js'],
        matches: mode === 'demo' ? [...WORKBENCH_MATCHES, ...DEMO_MATCHES] : [...WORKBENCH_MATCHES],
        use_dynamic_url: true,
      },
    ],
  }),
  hooks: {
    // One content script per registered platform folder (lib/platforms/<folder>/content.ts, built as
    // content-scripts/<folder>.js), so adding a platform needs no entrypoint file; the editor lab's only in the demo
    // build. (Options, matches included, come from the file itself, as for files in entrypoints/.)
    'entrypoints:found': (wxt, infos) => {
      const scripts = (Object.keys(SCRIPT_SITES) as ScriptName[]).sort();
      for (const script of scripts) {
        if (wxt.config.mode !== 'demo' && DEMO_ONLY_SCRIPTS.includes(script)) continue;
        const inputPath = path.resolve(wxt.config.root, contentScriptFile(script));
        infos.push({ name: script, inputPath, type: 'content-script' });
      }
    },
    'build:manifestGenerated': (wxt, manifest) => {
      if (wxt.config.mode !== 'demo') return;
      // Each content script that watches a real workbench also watches its platform's demo pages.
      for (const cs of manifest.content_scripts ?? []) {
        const script = scriptOfFile(cs.js?.[0]);
        if (!script) throw new Error(`content script ${cs.js?.[0]} is not in SCRIPT_SITES`);
        cs.matches = [...new Set([...(cs.matches ?? []), ...demoMatches(script)])];
      }
    },
  },
});
