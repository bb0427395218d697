/**
 * Keyboard commands (manifest `commands`; the user can rebind them at chrome://extensions/shortcuts). The defaults
 * avoid the workbenches' own shortcuts: 飞鸽 uses Ctrl+F (search), Alt+R and Ctrl+R; Chrome's own Ctrl+Shift+* and
 * Alt+F/E are left alone too.
 */
export const JUMP_COMMAND = 'jump-to-urgent';

export const COMMANDS = {
  [JUMP_COMMAND]: {
    suggested_key: { default: 'Alt+Shift+J', mac: 'Alt+Shift+J' },
    description: '__MSG_cmdJump__',
  },
  _execute_action: {
    suggested_key: { default: 'Alt+Shift+S', mac: 'Alt+Shift+S' },
  },
} as const;

/** Shortcuts the supported workbenches (and the browser) already use: our defaults must not take them. */
export const TAKEN_SHORTCUTS = ['Ctrl+F', 'Alt+R', 'Ctrl+R', 'Ctrl+Enter', 'Alt+S', 'Ctrl+/', 'Alt+F', 'Alt+E'];
