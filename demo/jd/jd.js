// Simulated JD 咚咚 customer-service workbench (structure per shared/docs/workbench-dom.md § JD 咚咚).
// Plain script, no build step. Page text is always set with textContent, never as HTML.
// Guessed, not in the doc: the account name (.t-user-name), the row wait marker (.alluser-item-wait), the full
// `YYYY-MM-DD HH:MM:SS` form of .message__time_str and the message ids' form.
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const VENDER = '10086';
  const buyers = [
    { uid: 'jd_4a8f2c1', nick: '小鱼儿' },
    { uid: 'jd_7731zhang', nick: '张**' },
    { uid: 'wang_1988', nick: '王先生' },
    { uid: 'jd_lily2026', nick: 'lily_**' },
    { uid: 'jd_9c0de11', nick: '快乐购物' },
  ];
  const questions = [
    '请问什么时候发货？',
    '这个有现货吗',
    '能便宜一点吗',
    '尺码偏大还是偏小？',
    '可以开发票吗',
    '地址填错了能改吗',
    '[商品卡片]',
  ];
  const robotAnswers = ['您好，京小智为您服务，请问有什么可以帮您？', '亲，京东自营商品一般当天发货哦'];
  const state = { open: null, auto: params.get('auto') !== '0', model: '' };
  const threads = new Map(buyers.map((b) => [b.uid, []]));
  const unread = new Map();
  const waitingSince = new Map(); // uid -> ms of the first unanswered buyer message

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
  const newId = () => {
    const hex = () =>
      Math.floor(Math.random() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return `${hex()}${hex()}`;
  };
  const p2 = (x) => String(x).padStart(2, '0');
  const china = (ms) => new Date(ms + 8 * 3600e3);
  const stamp = (ms) => {
    const d = china(ms);
    return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  };
  const hhmm = (ms) => stamp(ms).slice(11, 16);
  const waitText = (uid) => {
    const s = Math.max(0, Math.floor((Date.now() - waitingSince.get(uid)) / 1000));
    return s < 60 ? `已等待${s}秒` : `已等待${Math.floor(s / 60)}分${p2(s % 60)}秒`;
  };

  function renderMessage(uid, m) {
    const wrap = el('div', { class: 'message', 'data-v-7e0b9d21': '' });
    if (m.who === 'system') {
      wrap.appendChild(
        el('div', { class: 'message_center', id: m.id }, [el('div', { class: 'message__system', text: m.text })]),
      );
      return wrap;
    }
    const nick =
      m.who === 'buyer' ? buyers.find((b) => b.uid === uid).nick : m.who === 'robot' ? '京小智（机器人）' : '客服01';
    const content =
      m.text === '[商品卡片]'
        ? el('div', { class: 'CardWrapper ProductCard' }, [el('span', { text: '【京东自营】纯棉短袖T恤 ¥59.00' })])
        : el('div', { class: 'message__text', text: m.text });
    wrap.appendChild(
      el('div', { class: m.who === 'buyer' ? 'message_left' : 'message_right', id: m.id }, [
        el('div', { class: 'message__avatar', text: nick.slice(0, 1) }),
        el('div', { class: 'message__main' }, [
          el('div', { class: 'message__header' }, [
            el('span', { class: 'message__nickname', text: nick }),
            el('span', { class: 'message__time_str', text: stamp(m.at) }),
          ]),
          el('div', { class: 'message__content' }, [content]),
        ]),
      ]),
    );
    return wrap;
  }

  function renderThread() {
    const list = $('#t-chat-scroll');
    list.replaceChildren();
    if (!state.open) return;
    for (const m of threads.get(state.open)) list.appendChild(renderMessage(state.open, m));
    $('#headName').textContent = buyers.find((b) => b.uid === state.open).nick;
    list.scrollTop = 1e9;
  }

  function renderList() {
    const list = $('#userList');
    list.replaceChildren();
    for (const b of buyers) {
      const msgs = threads.get(b.uid);
      const last = msgs[msgs.length - 1];
      const main = el('div', { class: 'alluser-item-main' }, [
        el('div', { class: 'alluser-item-name', title: b.uid, text: b.nick }),
        el('div', { class: 'alluser-item-date-w', text: last ? hhmm(last.at) : '' }),
        el('div', { class: 'alluser-item-breifdesc', text: last ? last.text : '' }),
      ]);
      if (waitingSince.has(b.uid)) main.appendChild(el('span', { class: 'alluser-item-wait', text: waitText(b.uid) }));
      const row = el(
        'div',
        {
          class: `alluser-item t-item-h alluser-item__normal${state.open === b.uid ? ' alluser-item_check' : ''}`,
          id: `u_${b.uid}imcustomer${VENDER}`,
          'data-v-2f0c8e11': '',
        },
        [el('div', { class: 'alluser-item-avatar' }), main],
      );
      if (unread.get(b.uid))
        row.appendChild(el('span', { class: 'alluser-item-unread', text: String(unread.get(b.uid)) }));
      row.addEventListener('click', () => api.open(b.uid));
      list.appendChild(row);
    }
    $('#casHead').textContent = `最近联系人 (${buyers.length})`;
  }

  function add(uid, who, text) {
    if (!threads.has(uid)) throw new Error(`no such buyer ${uid}`);
    const m = { id: newId(), who, text, at: Date.now() };
    threads.get(uid).push(m);
    if (who === 'buyer' && !waitingSince.has(uid)) waitingSince.set(uid, m.at);
    if (who === 'buyer' && uid !== state.open) unread.set(uid, (unread.get(uid) ?? 0) + 1);
    if (who === 'human') waitingSince.delete(uid);
    if (uid === state.open) {
      $('#t-chat-scroll').appendChild(renderMessage(uid, m));
      $('#t-chat-scroll').scrollTop = 1e9;
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
    systemSays: (uid, text = '温馨提示：请勿与顾客交换联系方式') => add(uid, 'system', text),
    setAuto(on) {
      state.auto = !!on;
    },
    get auto() {
      return state.auto;
    },
  };
  window.demo = api;

  // The editor is a plain contenteditable. Like the real page's framework, sending reads a model kept from the
  // element's text on `input` events: changing its text without an input event is not enough.
  // Enter sends; Shift+Enter is a new line.
  const editor = $('.EditorContent');
  const editorText = () => (typeof editor.innerText === 'string' ? editor.innerText : editor.textContent) || '';
  editor.addEventListener('input', () => (state.model = editorText()));
  const send = () => {
    const text = state.model.trim();
    if (!text || !state.open) return;
    add(state.open, 'human', text);
    state.model = '';
    editor.replaceChildren();
  };
  editor.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  $('.SendButtonGroup > .send-button').addEventListener('click', send);

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
  // The waiting markers tick.
  setInterval(() => {
    for (const span of document.querySelectorAll('.alluser-item-wait')) {
      const uid = span.closest('.alluser-item').querySelector('.alluser-item-name').getAttribute('title');
      if (waitingSince.has(uid)) span.textContent = waitText(uid);
    }
  }, 1000);

  api.open(buyers[0].uid);
  if (state.auto) {
    setTimeout(() => api.buyerSays(buyers[0].uid, '你好，在吗？'), 1500);
    scheduleBuyer();
  }
})();
