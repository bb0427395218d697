// Simulated Kuaishou 快手小店 customer-service workbench (structure per shared/docs/workbench-dom.md § Kuaishou).
// Plain script, no build step. Page text is always set with textContent, never as HTML.
// Guessed, not in the doc: the shop name (.WorkbenchHeader-shopName), the selected card (.SessionBaseCard-active),
// the group of the other sessions (其他会话), the robot's sender name (智能客服) and the overrun text (已超时X分Y秒).
// Message stamps read `MM-DD HH:MM:SS` without a year, as public bots see them, so the extension gets no year
// from them and falls back to the time it saw each message.
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  /** The card countdown the page shows: reply within 3 minutes. */
  const WINDOW_SEC = 180;
  const GROUPS = ['请在3分钟内回复', '已超时', '其他会话'];
  const buyers = [
    { uid: '2290417731', nick: '快乐小番茄' },
    { uid: '1873620045', nick: '用户7731' },
    { uid: '3301298877', nick: '阿狸' },
    { uid: '905512346', nick: '老王' },
    { uid: '1566003219', nick: '星星点灯' },
  ];
  const questions = [
    '这个什么时候发货？',
    '有现货吗',
    '能便宜点吗',
    '尺码偏大还是偏小？',
    '可以开发票吗',
    '地址填错了能改吗',
    '[商品卡片]',
  ];
  const robotAnswers = ['亲，在的哦，请问有什么可以帮您？', '亲亲，一般48小时内发货哦'];
  const state = { open: null, auto: params.get('auto') !== '0', model: '', seq: 1000 };
  const threads = new Map(buyers.map((b) => [b.uid, []]));
  const unread = new Set();
  const waitingSince = new Map(); // uid -> ms of the first unanswered buyer message
  /** Per uid: the card's time span and the group it was rendered in (for the 1 s tick). */
  const cards = new Map();

  const $ = (sel) => document.querySelector(sel);
  const el = (tag, attrs = {}, children = []) => {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'text') n.textContent = v;
      else if (k === 'class') n.className = v;
      else n.setAttribute(k, v);
    }
    for (const c of children) n.appendChild(c);
    return n;
  };
  const p2 = (x) => String(x).padStart(2, '0');
  const china = (ms) => new Date(ms + 8 * 3600e3);
  const stamp = (ms) => {
    const d = china(ms);
    return `${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  };
  const nickOf = (uid) => buyers.find((b) => b.uid === uid).nick;
  const elapsed = (uid) => Math.max(0, Math.floor((Date.now() - waitingSince.get(uid)) / 1000));
  const groupOf = (uid) => (!waitingSince.has(uid) ? GROUPS[2] : elapsed(uid) < WINDOW_SEC ? GROUPS[0] : GROUPS[1]);
  const cardTime = (uid) => {
    const msgs = threads.get(uid);
    if (!waitingSince.has(uid)) return msgs.length ? stamp(msgs[msgs.length - 1].at).slice(6, 11) : '';
    const s = elapsed(uid);
    if (s < WINDOW_SEC) {
      const left = WINDOW_SEC - s;
      return `${Math.floor(left / 60)}分${left % 60}秒后超时`;
    }
    const over = s - WINDOW_SEC;
    return `已超时${Math.floor(over / 60)}分${over % 60}秒`;
  };

  function renderMessage(uid, m) {
    const item = el('div', { class: 'ChatMessageList-item', id: m.id });
    if (m.who === 'system') {
      item.appendChild(
        el('div', { class: 'kwaishop-cs-LayoutMiddleWrapper_msgBody' }, [
          el('div', { class: 'kwaishop-cs-SystemMessage', text: m.text }),
        ]),
      );
      return item;
    }
    const mine = m.who !== 'buyer';
    const sender = m.who === 'buyer' ? nickOf(uid) : m.who === 'robot' ? '智能客服' : '客服-小美';
    const body =
      m.text === '[商品卡片]'
        ? el('div', { class: 'kwaishop-cs-GoodsCard' }, [el('span', { text: '纯棉短袖T恤 ¥39.9 已售1.2万' })])
        : el('div', { class: 'kwaishop-cs-TextMessage', text: m.text });
    item.appendChild(
      el('div', { class: 'kwaishop-cs-LayoutDefaultWrapper_msgMain' }, [
        el(
          'div',
          {
            class: `kwaishop-cs-LayoutDefaultWrapper_lrWrapper kwaishop-cs-LayoutDefaultWrapper__${mine ? 'isMine' : 'notMe'}`,
          },
          [
            el('div', { class: 'kwaishop-cs-LayoutDefaultWrapper_avatar', text: sender.slice(0, 1) }),
            el('div', { class: 'kwaishop-cs-LayoutDefaultWrapper_content' }, [
              el('div', { class: 'kwaishop-cs-LayoutDefaultWrapper_beforeMsgBody' }, [
                el('span', { text: sender }),
                el('span', { text: stamp(m.at) }),
              ]),
              el('div', { class: 'kwaishop-cs-LayoutDefaultWrapper_msgBody' }, [body]),
            ]),
          ],
        ),
      ]),
    );
    return item;
  }

  function renderThread() {
    const list = $('#msgList');
    list.replaceChildren();
    if (!state.open) return;
    for (const m of threads.get(state.open)) list.appendChild(renderMessage(state.open, m));
    $('#headName').textContent = nickOf(state.open);
    $('#msgScroll').scrollTop = 1e9;
  }

  function renderCard(b) {
    const msgs = threads.get(b.uid);
    const last = msgs[msgs.length - 1];
    const time = el('span', { class: 'SessionBaseCard-topHeadTime', text: cardTime(b.uid) });
    const card = el(
      'div',
      { class: `SessionBaseCard SessionBaseCard-Static${state.open === b.uid ? ' SessionBaseCard-active' : ''}` },
      [
        el('div', { class: 'SessionBaseCard-avatar', text: b.nick.slice(0, 1) }),
        el('div', { class: 'SessionBaseCard-info' }, [
          el('div', { class: 'SessionBaseCard-topHead' }, [
            el('div', { class: 'SessionBaseCard-topHeadName', text: b.nick }),
            time,
          ]),
          el('div', { class: 'SessionBaseCard-lastMessage', text: last ? last.text : '' }),
        ]),
      ],
    );
    if (unread.has(b.uid)) card.appendChild(el('span', { class: 'SessionBaseCard-unread-rot' }));
    card.addEventListener('click', () => api.open(b.uid));
    cards.set(b.uid, { time, group: groupOf(b.uid) });
    return el('div', { class: 'SessionStarCard' }, [card]);
  }

  function renderList() {
    const folders = $('#folders');
    folders.replaceChildren();
    cards.clear();
    for (const g of GROUPS) {
      const members = buyers.filter((b) => groupOf(b.uid) === g);
      folders.appendChild(
        el('div', { class: 'SessionListGroupItem' }, [
          el('div', { class: 'SessionListGroupItem-title' }, [
            el('span', { class: 'SessionListGroupItem-groupName', text: g }),
            el('span', { class: 'SessionListGroupItem-count', text: `(${members.length})` }),
          ]),
          el('div', { class: 'ant-checkbox-group' }, members.map(renderCard)),
        ]),
      );
    }
  }

  function add(uid, who, text) {
    if (!threads.has(uid)) throw new Error(`no such buyer ${uid}`);
    state.seq += 1;
    const m = { id: `0_${uid}_${state.seq}`, who, text, at: Date.now() };
    threads.get(uid).push(m);
    if (who === 'buyer' && !waitingSince.has(uid)) waitingSince.set(uid, m.at);
    if (who === 'buyer' && uid !== state.open) unread.add(uid);
    if (who === 'human') waitingSince.delete(uid);
    if (uid === state.open) {
      $('#msgList').appendChild(renderMessage(uid, m));
      $('#msgScroll').scrollTop = 1e9;
    }
    renderList();
    return m.id;
  }

  const api = {
    buyers,
    open(uid) {
      state.open = uid;
      unread.delete(uid);
      renderList();
      renderThread();
    },
    buyerSays: (uid, text = questions[0]) => add(uid, 'buyer', text),
    robotSays: (uid, text = robotAnswers[0]) => add(uid, 'robot', text),
    agentSays: (uid, text = '亲，马上为您处理') => add(uid, 'human', text),
    systemSays: (uid, text = '【防诈贴士】请勿添加私人联系方式，谨防诈骗') => add(uid, 'system', text),
    setAuto(on) {
      state.auto = !!on;
    },
    get auto() {
      return state.auto;
    },
  };
  window.demo = api;

  // The editor imitates Quill's DOM: .ql-container > .ql-editor[contenteditable] holding one <p> per line, with
  // `ql-blank` while empty. Sending reads a model kept from the editor's text on `input` events, so changing its
  // text without an input event is not enough. Enter sends; Shift+Enter starts a new line (a new <p>).
  const editor = $('.ql-editor');
  // One line per <p>; stray text (a caret that landed outside a line) still counts, as Quill would keep it.
  const editorText = () =>
    [...editor.childNodes]
      .map((n) => (n.nodeName === 'P' ? n.textContent : n.textContent.trim() ? n.textContent : null))
      .filter((t) => t !== null)
      .join('\n');
  const blankLine = () => el('p', {}, [el('br')]);
  editor.replaceChildren(blankLine()); // Quill's empty document, without the markup's whitespace
  editor.addEventListener('input', () => {
    if (!editor.firstChild) editor.appendChild(blankLine());
    state.model = editorText();
    editor.classList.toggle('ql-blank', !state.model.trim());
  });
  const send = () => {
    const text = state.model.trim();
    if (!text || !state.open) return;
    add(state.open, 'human', text);
    state.model = '';
    editor.replaceChildren(blankLine());
    editor.classList.add('ql-blank');
  };
  editor.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.isComposing) return;
    e.preventDefault();
    if (!e.shiftKey) send();
    else if (typeof document.execCommand === 'function') document.execCommand('insertParagraph');
  });
  $('.SendBox-buttonRight .ant-btn-primary').addEventListener('click', send);

  $('#demoControls').addEventListener('click', (e) => {
    const act = e.target instanceof HTMLElement ? e.target.dataset.act : undefined;
    const uid = state.open ?? buyers[0].uid;
    if (act === 'buyer') api.buyerSays(uid, questions[Math.floor(Math.random() * questions.length)]);
    if (act === 'robot') api.robotSays(uid);
    if (act === 'system') api.systemSays(uid);
    if (act === 'auto') api.setAuto(!state.auto);
  });

  // Scripted buyers: every 15–40 s someone asks; the robot answers some of them (which must not stop the clock).
  function scheduleBuyer() {
    setTimeout(
      () => {
        if (state.auto) {
          const b = buyers[Math.floor(Math.random() * buyers.length)];
          api.buyerSays(b.uid, questions[Math.floor(Math.random() * questions.length)]);
          if (Math.random() < 0.3)
            setTimeout(() => api.robotSays(b.uid, robotAnswers[Math.floor(Math.random() * robotAnswers.length)]), 3000);
        }
        scheduleBuyer();
      },
      15000 + Math.random() * 25000,
    );
  }
  // The card countdowns tick; a card that crosses into 已超时 moves group.
  setInterval(() => {
    if ([...cards].some(([uid, c]) => c.group !== groupOf(uid))) renderList();
    else for (const [uid, c] of cards) if (waitingSince.has(uid)) c.time.textContent = cardTime(uid);
  }, 1000);

  api.open(buyers[0].uid);
  if (state.auto) {
    setTimeout(() => api.buyerSays(buyers[0].uid, '你好，在吗？'), 1500);
    scheduleBuyer();
  }
})();
