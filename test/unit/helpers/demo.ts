/** Loads a simulated workbench (`demo/<dir>/index.html` and its script) into jsdom, for adapter tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, vi } from 'vitest';

/** What the JD and Kuaishou demos' `window.demo` offers. */
export interface DemoApi {
  buyers: { uid: string; nick: string }[];
  open(uid: string): void;
  buyerSays(uid: string, text?: string): string;
  robotSays(uid: string, text?: string): string;
  agentSays(uid: string, text?: string): string;
  systemSays(uid: string, text?: string): string;
  setAuto(on: boolean): void;
}

/**
 * Fake timers from `now`, the page's markup and script run in this document at `/<dir>/index.html?auto=0`
 * (no scripted buyers); returns its `window.demo`. Call useDemoTimers() in the describe block.
 */
export function loadDemo(dir: string, script: string, now: number): DemoApi {
  vi.useFakeTimers({ now });
  const html = readFileSync(join(process.cwd(), `demo/${dir}/index.html`), 'utf8');
  const code = readFileSync(join(process.cwd(), `demo/${dir}/${script}`), 'utf8');
  history.replaceState(null, '', `/${dir}/index.html?auto=0`);
  document.documentElement.innerHTML = new DOMParser().parseFromString(html, 'text/html').documentElement.innerHTML;
  new Function(code)();
  return (window as unknown as { demo: DemoApi }).demo;
}

/** Puts the real timers back after a describe block that loaded a demo. */
export function useDemoTimers(): void {
  afterAll(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });
}
