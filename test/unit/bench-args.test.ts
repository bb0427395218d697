import { afterEach, describe, expect, it, vi } from 'vitest';
import { arg, argOrEnv, flag } from '../../scripts/bench/args';

const argv = process.argv;
const given = (...args: string[]) => {
  process.argv = ['/usr/bin/node', '/repo/scripts/bench/x.ts', ...args];
};
afterEach(() => {
  process.argv = argv;
  vi.unstubAllEnvs();
});

describe("the bench tools' command line", () => {
  it('arg: the first --name=value, its value whole; else the default (undefined without one)', () => {
    given('--rounds=3', '--css=a{b:c}=d', '--ext=', '--rounds=9', '--round', 'rounds=5');
    expect(arg('rounds', '4')).toBe('3');
    expect(arg('css', '')).toBe('a{b:c}=d');
    expect(arg('ext', 'default')).toBe('');
    // A name is matched whole: --round is not --rounds, nor a bare flag a value.
    expect(arg('round', '1')).toBe('1');
    expect(arg('round')).toBeUndefined();
    expect(arg('samples', '100')).toBe('100');
  });

  it('argOrEnv: --name=value, else the upper-cased variable, else the default', () => {
    vi.stubEnv('SETTLE', '30');
    vi.stubEnv('PER-DAY', '7');
    given('--sec=5');
    expect(argOrEnv('sec', '20')).toBe('5');
    expect(argOrEnv('settle', '60')).toBe('30');
    expect(argOrEnv('per-day', '5000')).toBe('7');
    given('--settle=10');
    expect(argOrEnv('settle', '60')).toBe('10');
    expect(argOrEnv('interval', '100')).toBe('100');
  });

  it('flag: the bare --name only', () => {
    given('--cpu', '--calls=1', 'quick');
    expect(flag('cpu')).toBe(true);
    expect(flag('calls')).toBe(false);
    expect(flag('quick')).toBe(false);
  });
});
