// Simulated Alibaba web Wangwang IM core (structure per shared/docs/workbench-dom.md § 1688): the page the real
// 1688 shell loads in its `def_cbu_web_im_core` iframe, and the page Taobao's web Wangwang shows directly.
// Plain script, no build step. Page text is always set with textContent, never as HTML.
// Config (optional, set before this script): window.WW_CONFIG = { account, buyers: [nick, …] }.
// The page has no ids on rows or messages (the buyer is known by nick); every message shows a full time stamp.
(() => {
  'use strict';
  const cfg = Object.assign(
    {
      account: '义乌优品工厂店:小王',
      buyers: ['采购商小李', 'jinhuo2026', 'wholesale_amy', '义乌小商品采购', 'tb_88231'],
    },
    window.WW_CONFIG || {},
  );
  // In the iframe, the demo switches (?auto=0, ?select=0) come from the top page's URL.
  const params = new URLSearchParams(location.search);
  try {
    if (window.parent !== window)
      for (const [k, v] of new URLSearchParams(window.parent.location.search)) if (!params.has(k)) params.set(k, v);
  } catch {
    /* not same-origin: ignore */
  }
  const buyers = cfg.buyers.map((nick) => ({ uid: nick, nick }));
  const questions = [
    '这款有现货吗？',
    '起批量是多少',
    '能开发票吗',
    '可以定制logo吗',
    '今天下单什么时候发货',
    '混批可以吗',
    '[商品卡片]',
  ];
  const autoAnswers = ['您好，欢迎光临本店，客服稍后为您服务', '亲，客服暂时离开，稍后回复您'];
  const state = { open: null, auto: params.get('auto') !== '0', model: '' };
  const threads = new Map(buyers.map((b) => [b.uid, []]));
  const unread = new Map(buyers.map((b) => [b.uid, 0]));

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
    return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  };
  // List-row times as the real list prints them: 现在 / N分钟前 / N小时前 / MM-DD.
  const relative = (ms) => {
    const s = Math.floor((Date.now() - ms) / 1000);
    if (s < 60) return '现在';
    if (s < 3600) return `${Math.floor(s / 60)}分钟前`;
    if (s < 86400) return `${Math.floor(s / 3600)}小时前`;
    const d = china(ms);
    return `${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
  };
  const previewOf = (m) => (m.text === '[商品卡片]' ? '[商品]' : m.text);

  // ---- skeleton (class names per the doc and the public scripts' paths) ----
  const convList = el('div', { class: 'conversation-list next-menu', role: 'listbox' });
  const headerName = el('div', { class: 'name' });
  const view = el('div', { class: 'rc-scrollbars-view' });
  const messageArea = el('div', { class: 'ww_message' }, [
    el('div', { class: 'message-scroll' }, [el('div', { class: 'rc-scrollbars-container' }, [view])]),
  ]);
  const editor = el('pre', { class: 'edit', contenteditable: 'true', 'data-placeholder': '请输入消息，按 Enter 发送' });
  const sendBtn = el('button', { type: 'button', class: 'next-btn next-small next-btn-primary send-btn' }, [
    el('span', { class: 'next-btn-helper', text: '发送' }),
  ]);
  const inputArea = el('div', { class: 'ww_input' }, [
    el('div', { class: 'input-toolbar' }, [
      el('span', { class: 'tool', text: '☺' }),
      el('span', { class: 'tool', text: '图片' }),
      el('span', { class: 'tool', text: '快捷回复' }),
    ]),
    el('div', { class: 'input-area' }, [
      el('div', { class: 'editor-wrap' }, [
        el('div', { class: 'editor-inner' }, [
          el('div', { class: 'biz-expression-editor text-area' }, [el('div', { class: 'editBox' }, [editor])]),
        ]),
      ]),
    ]),
    el('div', { class: 'input-footer' }, [sendBtn]),
  ]);
  const box = el('div', { class: 'ww_box' }, [messageArea, inputArea]);
  const empty = el('div', { class: 'ww_empty' }, [el('p', { text: '您尚未选择联系人' })]);
  const body = el('div', { class: 'ww_body' });
  const app = el('div', { class: 'ww-app', 'data-spm': 'a26352' }, [
    el('div', { class: 'ww-layout' }, [
      el('div', { class: 'ww_conversation' }, [
        el('div', { class: 'ww_user_panel' }, [
          el('div', { class: 'user-info' }, [
            el('div', { class: 'avatar' }),
            el('div', { class: 'user-nick', title: cfg.account, text: cfg.account }),
          ]),
        ]),
        convList,
      ]),
      el('div', { class: 'ww_container' }, [
        el('div', { class: 'ww_header' }, [headerName, el('span', { class: 'next-tag', text: '客户信息' })]),
        body,
      ]),
    ]),
  ]);
  const container = document.getElementById('ice-container');
  container.setAttribute('data-reactroot', '');
  container.appendChild(app);

  // ---- rendering ----
  function bubble(m) {
    if (m.text === '[商品卡片]')
      return el('div', { class: 'offer-card' }, [
        el('div', { class: 'offer-img' }),
        el('div', { class: 'offer-title', text: '【厂家直销】加厚保温杯 500ml' }),
        el('div', { class: 'offer-price', text: '¥12.80' }),
      ]);
    return el('div', { class: 'text-message' }, [
      el('div', { class: 'biz-expression-editor read-only' }, [
        el('div', { class: 'editBox' }, [el('pre', { class: 'edit', contenteditable: 'false', text: m.text })]),
      ]),
    ]);
  }

  function renderMessage(m, i) {
    const own = m.who === 'human' || m.who === 'auto';
    const nick = own ? cfg.account : m.who === 'system' ? '平台提醒' : m.uid;
    return el('div', { 'data-index': String(i) }, [
      el('div', { class: own ? 'message-item self' : 'message-item' }, [
        el('div', { class: 'message-main' }, [
          el('div', { class: 'message-header' }, [
            el('span', { class: 'nick', text: nick }),
            el('span', { class: 'time', text: stamp(m.at) }),
          ]),
          el('div', { class: 'content' }, [bubble(m)]),
        ]),
      ]),
    ]);
  }

  function scrollDown() {
    view.scrollTop = 1e9;
  }

  function renderThread() {
    view.replaceChildren();
    // Like React's conditional rendering: either the thread or the placeholder is in the DOM.
    if (body.firstChild !== (state.open ? box : empty)) body.replaceChildren(state.open ? box : empty);
    headerName.textContent = state.open ?? '';
    if (!state.open) return;
    threads.get(state.open).forEach((m, i) => view.appendChild(renderMessage(m, i)));
    scrollDown();
  }

  function renderList() {
    convList.replaceChildren();
    for (const b of buyers) {
      const msgs = threads.get(b.uid);
      const last = msgs[msgs.length - 1];
      const n = unread.get(b.uid);
      const row = el(
        'div',
        { class: `conversation-item${state.open === b.uid ? ' active' : ''}`, 'data-spm-anchor-id': 'a26352.conv' },
        [
          el('div', { class: 'avatar' }),
          el('div', { class: 'info' }, [
            el('div', { class: 'top' }, [
              el('div', { class: 'name', text: b.nick }),
              el('div', { class: 'time', text: last ? relative(last.at) : '' }),
            ]),
            el('div', { class: 'desc', text: last ? previewOf(last) : '' }),
          ]),
        ],
      );
      if (n > 0) row.appendChild(el('span', { class: 'unread-badge', text: n > 99 ? '99+' : String(n) }));
      row.addEventListener('click', () => api.open(b.uid));
      convList.appendChild(row);
    }
  }

  function add(uid, who, text) {
    if (!threads.has(uid)) throw new Error(`no such buyer ${uid}`);
    const msgs = threads.get(uid);
    const m = { uid, who, text, at: Date.now() };
    msgs.push(m);
    if (uid === state.open) {
      view.appendChild(renderMessage(m, msgs.length - 1));
      scrollDown();
    } else if (who === 'buyer' || who === 'system') unread.set(uid, unread.get(uid) + 1);
    renderList();
    return stamp(m.at);
  }

  const api = {
    buyers,
    open(uid) {
      if (uid !== null && !threads.has(uid)) throw new Error(`no such buyer ${uid}`);
      state.open = uid;
      if (uid) unread.set(uid, 0);
      renderList();
      renderThread();
    },
    buyerSays: (uid, text = questions[0]) => add(uid, 'buyer', text),
    // Wangwang/Qianniu auto-replies carry the 【自动回复】 prefix and never stop a clock.
    robotSays: (uid, text = autoAnswers[0]) =>
      add(uid, 'auto', /^【自动回复】/.test(text) ? text : `【自动回复】${text}`),
    agentSays: (uid, text = '亲，马上为您处理') => add(uid, 'human', text),
    systemSays: (uid, text = '买家已拍下，订单还未付款，请及时跟进') => add(uid, 'system', text),
    setAuto(on) {
      state.auto = !!on;
    },
    get auto() {
      return state.auto;
    },
  };
  window.demo = api;

  // The editor behaves like the real React one: sending reads the model kept by `input` events (the text of the
  // contenteditable), so writing innerText without an input event sends nothing. Enter sends (not while an IME is
  // composing); Shift+Enter is a new line; paste inserts plain text.
  editor.addEventListener('input', () => (state.model = editor.innerText.replace(/\n$/, '')));
  editor.addEventListener('paste', (e) => {
    e.preventDefault();
    const t = e.clipboardData ? e.clipboardData.getData('text/plain') : '';
    if (t) document.execCommand('insertText', false, t);
  });
  const send = () => {
    const text = state.model.trim();
    if (!text || !state.open) return;
    add(state.open, 'human', text);
    state.model = '';
    editor.textContent = '';
  };
  editor.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  sendBtn.addEventListener('click', send);

  // Controls, when this page is the top page (Taobao variant); the 1688 shell wires its own.
  const controls = document.getElementById('demoControls');
  if (controls)
    controls.addEventListener('click', (e) => {
      const act = e.target instanceof HTMLElement ? e.target.dataset.act : undefined;
      const uid = state.open ?? buyers[0].uid;
      if (act === 'buyer') api.buyerSays(uid, questions[Math.floor(Math.random() * questions.length)]);
      if (act === 'robot') api.robotSays(uid);
      if (act === 'system') api.systemSays(uid);
      if (act === 'auto') api.setAuto(!state.auto);
    });

  // Scripted buyers: every 15–40 s someone asks; an auto-reply follows some of them (it must not stop the clock).
  function scheduleBuyer() {
    setTimeout(
      () => {
        if (state.auto) {
          const b = buyers[Math.floor(Math.random() * buyers.length)];
          api.buyerSays(b.uid, questions[Math.floor(Math.random() * questions.length)]);
          if (Math.random() < 0.3)
            setTimeout(() => api.robotSays(b.uid, autoAnswers[Math.floor(Math.random() * autoAnswers.length)]), 3000);
        }
        scheduleBuyer();
      },
      15000 + Math.random() * 25000,
    );
  }
  // Row times tick like the real list (only the text that changed is touched).
  setInterval(() => {
    const rows = convList.querySelectorAll('.conversation-item');
    buyers.forEach((b, i) => {
      const msgs = threads.get(b.uid);
      const span = rows[i] && rows[i].querySelector('.time');
      if (!span || !msgs.length) return;
      const t = relative(msgs[msgs.length - 1].at);
      if (span.textContent !== t) span.textContent = t;
    });
  }, 1000);

  api.open(params.get('select') === '0' ? null : buyers[0].uid);
  scheduleBuyer();
  if (state.auto) setTimeout(() => api.buyerSays(buyers[0].uid, '你好，在吗？'), 1500);
})();
