/**
 * What every editor lab page shares: `window.editorLab` (the editor's own model text, the messages "sent"
 * with Enter), and the fake workbench chrome around the editor that the lab adapter reads
 * (lib/platforms/lab: one conversation row, the editor inside #lab-editor).
 */
export interface EditorLab {
  name: string;
  /** The text as the EDITOR'S OWN MODEL holds it, lines joined with '\n' (never read from the DOM). */
  getText(): string;
  /** Replaces the whole content through the editor's API (for tests that need a known start). */
  setText?(text: string): void;
  /** What the page "sent": Enter (without Shift) records the model text here, like a chat box's send. */
  sent: string[];
  /**
   * The send trap: every Enter (without Shift, not composing) keydown, keypress and keyup that reaches the editor,
   * by event type, as a page that sends on any of them would have sent.
   */
  trapped: string[];
  /** Set once the editor is mounted and usable. */
  ready: boolean;
}

declare global {
  interface Window {
    editorLab: EditorLab;
  }
}

/** Builds the page around the editor and returns the element the editor mounts into. */
export function labPage(name: string): HTMLElement {
  document.title = `Editor lab: ${name}`;
  document.body.innerHTML = `
    <main style="font: 14px sans-serif; max-width: 640px; margin: 24px auto">
      <div class="lab-account">editor-lab</div>
      <ul class="lab-conversations">
        <li class="lab-conversation active" data-buyer="lab-buyer">测试买家 · 在吗？</li>
      </ul>
      <h1 style="font-size: 16px">${name}</h1>
      <div id="lab-editor" style="border: 1px solid #999; min-height: 80px; padding: 4px"></div>
    </main>`;
  return document.getElementById('lab-editor')!;
}

/** Publishes the lab API for the tests. */
export function publish(lab: Omit<EditorLab, 'sent' | 'trapped' | 'ready'>): EditorLab {
  const full: EditorLab = { ...lab, sent: [], trapped: [], ready: true };
  for (const type of ['keydown', 'keypress', 'keyup'] as const)
    document.addEventListener(type, (e) => {
      const box = document.getElementById('lab-editor');
      if (isSendKey(e) && box && e.target instanceof Node && box.contains(e.target)) full.trapped.push(type);
    });
  window.editorLab = full;
  return full;
}

/** Is this keydown the chat box's "send" key (Enter without Shift, not while composing)? */
export function isSendKey(e: { key: string; shiftKey: boolean; isComposing?: boolean }): boolean {
  return e.key === 'Enter' && !e.shiftKey && !e.isComposing;
}

/**
 * `?paste=ignore`: the page claims every paste and drops it (some workbenches block pasting), so the
 * insertion has to find another way in (a `beforeinput` insertReplacementText).
 */
export const pasteIgnored = new URLSearchParams(location.search).get('paste') === 'ignore';
