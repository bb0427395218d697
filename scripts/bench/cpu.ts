/**
 * Who spends a page's main thread, from a V8 CPU profile (CDP Profiler, sampling): the time under functions of
 * given scripts (an extension's content script), attributed by stack, against the thread's busy time. Thread
 * times from the browser's metrics cannot tell a 2% cost from the noise between windows on a small machine;
 * sampled attribution within one profile can: both numbers come from the same samples of the same page.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CDPSession } from 'playwright-core';
import { sleep } from './stats';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Attribution {
  /** The profile's length (ms). */
  totalMs: number;
  /** Time the thread was not idle: scripts, V8's own work, and "(program)" (the browser's native work on the thread: style, layout, paint). */
  busyMs: number;
  /** Time with a function of the matched scripts on the stack (what they call included: DOM calls, natives). */
  matchedMs: number;
  /** Garbage collection (not attributable to anyone's script). */
  gcMs: number;
  /** "(program)": the browser's native work on the thread outside any script (style, layout, paint, tasks). */
  programMs: number;
  /** The matched scripts' time by function (inclusive, a sample counted once per function on its stack). */
  byFunction: Record<string, number>;
}

const IDLE = '(idle)';
const GC = '(garbage collector)';
const PROGRAM = '(program)';

type Frame = ProfileNode['callFrame'];
/** A function as the whole-page figures name it: "name file.js:line". */
const fileKey = (f: Frame) => `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
/** A function of the extension as its own figures name it: "name:line:column" (a minified file shares lines). */
const frameKey = (f: Frame) => `${f.functionName || '(anonymous)'}:${f.lineNumber}:${f.columnNumber ?? ''}`;

/** A profile's nodes by id and each node's parent. */
function tree(profile: CpuProfile): { byId: Map<number, ProfileNode>; parent: Map<number, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  return { byId, parent };
}

/** Attributes a profile's samples: pure, so it can be tested on hand-made profiles. */
export function attribute(profile: CpuProfile, matches: (url: string) => boolean, top = 25): Attribution {
  const { byId, parent } = tree(profile);
  // The stack's matched functions, per leaf node (many samples share a node).
  const stackCache = new Map<number, string[]>();
  const matchedOn = (id: number): string[] => {
    let got = stackCache.get(id);
    if (got) return got;
    const keys = new Set<string>();
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      const f = byId.get(p);
      if (f && matches(f.callFrame.url)) keys.add(fileKey(f.callFrame));
    }
    stackCache.set(id, (got = [...keys]));
    return got;
  };
  let totalMs = 0;
  let busyMs = 0;
  let matchedMs = 0;
  let gcMs = 0;
  let programMs = 0;
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    // A sample's time is the interval to the next sample (the last one has none).
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const n = byId.get(id);
    if (!n) throw new Error(`cpu profile: sample of unknown node ${id}`);
    totalMs += dt;
    if (n.callFrame.functionName === IDLE) return;
    busyMs += dt;
    if (n.callFrame.functionName === GC) gcMs += dt;
    if (n.callFrame.functionName === PROGRAM) programMs += dt;
    const keys = matchedOn(id);
    if (keys.length) matchedMs += dt;
    for (const k of keys) inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
  });
  const byFunction = Object.fromEntries([...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top));
  return { totalMs, busyMs, matchedMs, gcMs, programMs, byFunction };
}

export const isExtensionScript = (url: string) => url.startsWith('chrome-extension://');

export async function startCpuProfile(cdp: CDPSession, intervalUs = 250): Promise<void> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await cdp.send('Profiler.start');
}

export async function stopCpuProfile(cdp: CDPSession): Promise<CpuProfile> {
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
  return profile;
}

/** A CPU profile of the page for `sec` seconds. */
export async function cpuProfileFor(cdp: CDPSession, sec: number, intervalUs = 200): Promise<CpuProfile> {
  await startCpuProfile(cdp, intervalUs);
  await sleep(sec * 1000);
  return stopCpuProfile(cdp);
}

/** Self time per function (leaf of each sample), all scripts and natives. */
export function selfTimes(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const k = fileKey(n.callFrame);
    self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  });
  return self;
}

/** The extension's time by function, self: each sample's leaf, or, for a native leaf, the nearest extension frame. */
export function extensionSelfTimes(profile: CpuProfile): Map<string, number> {
  const { byId, parent } = tree(profile);
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const leaf = byId.get(id)!;
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      const f = byId.get(p)!;
      if (!isExtensionScript(f.callFrame.url)) continue;
      const name = frameKey(f.callFrame);
      const key = f === leaf ? name : `${name} → ${leaf.callFrame.functionName || '(native)'}`;
      out.set(key, (out.get(key) ?? 0) + dt);
      break;
    }
  });
  return out;
}

/**
 * The extension's time by function, inclusive (a sample counted once per function on its stack), keyed as extensionSelfTimes
 * (name:line:column: in a minified file many functions share a line, and anonymous ones only differ by column), or
 * by `key` (e.g. the name alone).
 */
export function extensionInclusiveTimes(
  profile: CpuProfile,
  key: (f: Frame) => string = frameKey,
): Map<string, number> {
  const { byId, parent } = tree(profile);
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const keys = new Set<string>();
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      const f = byId.get(p)!;
      if (isExtensionScript(f.callFrame.url)) keys.add(key(f.callFrame));
    }
    for (const k of keys) out.set(k, (out.get(k) ?? 0) + dt);
  });
  return out;
}

/**
 * A minified function's key (name:line:column from the profile, or name@offset from coverage) with the first
 * characters of its source in the build's content script (the demo build's pdd.js), so `n:0:1234` can be told from
 * `n:0:5678`.
 */
export function annotate(dir: string): (key: string) => string {
  let src = '';
  try {
    src = fs.readFileSync(path.join(dir, 'content-scripts', 'pdd.js'), 'utf8');
  } catch {
    /* no names then */
  }
  const lineStart = [0];
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) lineStart.push(i + 1);
  return (key) => {
    const k = key.split(' → ')[0]!;
    const m = /:(\d+):(\d+)$/.exec(k) ?? /@()(\d+)$/.exec(k);
    if (!m || !src) return key;
    const at = (m[1] ? lineStart[+m[1]]! : 0) + +m[2]!;
    return `${key}  «${src.slice(at, at + 48).replace(/\s+/g, ' ')}»`;
  };
}
