/**
 * First run: the welcome page (`welcome.html`) opens once, when the extension is installed from the store. Not on
 * updates or browser updates, and not for an unpacked (development) install: the tests and the demo load the
 * extension unpacked into fresh profiles, where an extra tab would only get in the way (the page is still there to
 * open, from the settings page).
 */
export const WELCOME_PATH = '/welcome.html' as const;

export function shouldWelcome(reason: string, installType: string | undefined): boolean {
  return reason === 'install' && installType !== 'development';
}
