// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pddAdapter } from '../../lib/platforms/pdd';
import { Watcher } from '../../lib/content/watcher';

const fixture = readFileSync(join(process.cwd(), 'test/fixtures/pdd/thread.html'), 'utf8');
let watcher: Watcher;

beforeEach(() => {
  document.body.innerHTML = fixture;
  watcher = new Watcher({
    adapter: pddAdapter,
    root: document,
    now: () => 1_788_340_500_000,
    url: () => 'http://127.0.0.1/demo/pdd/',
    send: async () => undefined,
  });
  watcher.start();
});
afterEach(() => watcher.stop());

describe('opening a conversation from the background', () => {
  it('clicks the buyer’s row; from the keyboard command also puts the caret in the chat input', async () => {
    const buyer = watcher.last!.conversations[0]!.buyer;
    const row = watcher.last!.conversations[0]!.row!;
    let clicks = 0;
    row.addEventListener('click', () => clicks++);
    expect(await watcher.handle({ type: 'openConversation', buyer })).toEqual({ ok: true });
    expect(clicks).toBe(1);
    expect(document.activeElement).not.toBe(watcher.last!.input);
    expect(await watcher.handle({ type: 'openConversation', buyer, focusInput: true })).toEqual({ ok: true });
    expect(clicks).toBe(2);
    expect(document.activeElement).toBe(watcher.last!.input);
    expect(await watcher.handle({ type: 'openConversation', buyer: 'nobody' })).toEqual({
      ok: false,
      error: 'that conversation is not in the list',
    });
  });
});
