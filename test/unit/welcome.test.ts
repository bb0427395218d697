/** First run: the welcome page opens on a store install only (not updates, not unpacked test/demo installs). */
import { describe, expect, it } from 'vitest';
import { shouldWelcome } from '../../lib/background/welcome';

describe('the welcome page on install', () => {
  it('opens for a new install from the store (or any non-development install)', () => {
    expect(shouldWelcome('install', 'normal')).toBe(true);
    expect(shouldWelcome('install', 'admin')).toBe(true);
    expect(shouldWelcome('install', undefined)).toBe(true);
  });

  it('does not open on an update, a browser update, or an unpacked (development) install', () => {
    expect(shouldWelcome('update', 'normal')).toBe(false);
    expect(shouldWelcome('chrome_update', 'normal')).toBe(false);
    expect(shouldWelcome('shared_module_update', 'normal')).toBe(false);
    expect(shouldWelcome('install', 'development')).toBe(false);
  });
});
