import { describe, expect, it } from 'vitest';
import { attribute, isExtensionScript, type CpuProfile } from '../../scripts/bench/cpu';

const EXT = 'chrome-extension://abc/content-scripts/workbench.js';
const PAGE = 'http://127.0.0.1:1234/pdd/large.js';
const frame = (id: number, functionName: string, url = '', children: number[] = []) => ({
  id,
  callFrame: { functionName, url, lineNumber: 0 },
  children,
});

// root → (idle) | (program) | (garbage collector) | page step → ext onRecords → ext read; page step → insertBefore
const profile: CpuProfile = {
  nodes: [
    frame(1, '(root)', '', [2, 3, 4, 5]),
    frame(2, '(idle)'),
    frame(3, '(program)'),
    frame(4, '(garbage collector)'),
    frame(5, 'step', PAGE, [6, 8]),
    frame(6, 'onRecords', EXT, [7]),
    frame(7, 'read', EXT),
    frame(8, 'insertBefore'),
  ],
  // Each sample lasts until the next one: the deltas are shifted by one.
  samples: [2, 3, 4, 6, 7, 7, 8, 2],
  timeDeltas: [0, 10_000, 2_000, 1_000, 500, 300, 300, 700],
};

describe('CPU profile attribution (bench)', () => {
  it('splits busy time, GC and the matched scripts’ time, inclusive by function', () => {
    const a = attribute(profile, isExtensionScript);
    expect(a.totalMs).toBeCloseTo(14.8);
    // All but the idle samples (the first lasts 10 ms; the last has no next sample, so no time).
    expect(a.busyMs).toBeCloseTo(4.8);
    expect(a.gcMs).toBeCloseTo(1);
    expect(a.programMs).toBeCloseTo(2);
    // onRecords (0.5) and read under it (0.3 + 0.3): a sample counts once however many matched frames it has. The
    // page's insertBefore (0.7) is not the extension's, though the page calls it in the same task.
    expect(a.matchedMs).toBeCloseTo(1.1);
    expect(a.byFunction).toEqual({
      'onRecords workbench.js:0': expect.closeTo(1.1),
      'read workbench.js:0': expect.closeTo(0.6),
    });
  });

  it('attributes nothing to scripts that are not on any stack, and refuses a sample of an unknown node', () => {
    expect(attribute(profile, (u) => u.startsWith('http://nowhere')).matchedMs).toBe(0);
    expect(() => attribute({ ...profile, samples: [99] }, isExtensionScript)).toThrow(/unknown node 99/);
  });
});
