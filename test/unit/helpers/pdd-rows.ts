/** PDD list rows as the fixture (test/fixtures/pdd/thread.html) has them, for tests that add their own. */

/** The fixture's conversation list. */
export const pddList = (): Element => document.querySelector('ul.chat-list')!;

/** A row for buyer `uid`: waiting with the counter text `wait` ("10秒"), or answered (null). */
export const pddRowHtml = (uid: string, wait: string | null): string =>
  `<li class="chat-item"><div class="chat-item-box" data-random="${uid}-0-${wait ? 'unTimeout' : 'reply'}">` +
  `<span class="nickname-span">买家${uid}</span><p class="chat-message-content">在吗</p>` +
  (wait ? `<span class="chat-unreply-time">${wait}</span>` : '') +
  '</div></li>';
