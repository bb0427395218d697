// Simulated Douyin 抖店 飞鸽 workbench (structure per shared/docs/workbench-dom.md § Douyin).
// Plain script, no build step. Page text is always set with textContent, never as HTML.
// Buyer ids: the real page shows no buyer uid in the DOM, so the adapter uses the display name; here `uid` is that
// name too, so demo.buyerSays(uid) and the extension talk about the same buyer.
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const buyers = [
    { uid: '小鹿同学', nick: '小鹿同学', conv: '7412339901' },
    { uid: 'lily_0612', nick: 'lily_0612', conv: '7412339902' },
    { uid: '阿杰', nick: '阿杰', conv: '7412339903' },
    { uid: '用户3810294', nick: '用户3810294', conv: '7412339904' },
    { uid: '晴天', nick: '晴天', conv: '7412339905' },
  ];
  const questions = [
    '请问这款有现货吗？',
    '什么时候发货呀',
    '能便宜一点吗',
    '尺码偏大还是偏小？',
    '可以开发票吗',
    '地址填错了能改吗',
    '[商品卡片]',
  ];
  // Robot texts the doc lists (the page gives robot replies no class: the adapter knows them by text).
  const robotAnswers = ['亲亲，在哒~很高兴为您服务，请问有什么可以帮您？', '亲亲，在哒~'];
  const AGENT = '演示客服01';
  const OVERTIME_MS = 3 * 60e3;
  const state = { open: null, auto: params.get('auto') !== '0', lastAt: 0, model: '' };
  const threads = new Map(buyers.map((b) => [b.uid, []]));
  const waitingSince = new Map(); // uid -> ms of the first unanswered buyer message
  const unread = new Map();
  const drafts = new Map();
  /** uid -> { group, timer } of the rows on screen, for in-place timer ticks. */
  const rendered = new Map();

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
  const uuid = () =>
    typeof crypto !== 'undefined' && crypto.randomUUID
      ? crypto.randomUUID()
      : 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => Math.floor(Math.random() * 16).toString(16));
  const nextAt = () => {
    state.lastAt = Math.max(Date.now(), state.lastAt + 1);
    return state.lastAt;
  };
  const cn = (ms) => {
    const d = new Date(ms + 8 * 3600e3);
    const p = (x) => String(x).padStart(2, '0');
    return {
      date: `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`,
      time: `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`,
    };
  };
  const fmtWait = (ms) => {
    const s = Math.max(0, Math.floor(ms / 1000));
    return s < 60 ? `${s}秒` : `${Math.floor(s / 60)}分${String(s % 60).padStart(2, '0')}秒`;
  };
  const buyerOf = (uid) => {
    const b = buyers.find((x) => x.uid === uid);
    if (!b) throw new Error(`no such buyer ${uid}`);
    return b;
  };

  // ---------------------------------------------------------------- thread

  /** A no-bubble wrapper: a time divider, or a system notice (会话关闭, 客服…接入). */
  function systemWrapper(dataId, cls, text, divider = false) {
    const inner = el('div', { class: cls });
    if (dataId) inner.setAttribute('data-id', dataId);
    if (divider) inner.appendChild(el('span', { class: 'rcHPT4n3TlQD0Nu4sSiv', text }));
    else inner.textContent = text;
    return el('div', { 'data-qa-id': 'qa-message-warpper', class: 'wrap-uR51' }, [inner]);
  }

  function renderMessage(uid, m, prev) {
    const frag = document.createDocumentFragment();
    // Like the real page: a dated divider before the first message and after 5 minutes of silence.
    if (!prev || m.at - prev.at > 5 * 60e3) {
      const t = cn(m.at);
      frag.appendChild(systemWrapper(null, 'BqNO6cexAGBsZgUmEzIE divider-1Jd7', `${t.date} ${t.time}`, true));
    }
    if (m.who === 'system') {
      const cls = m.id.includes('_CsAssign_') ? 'e0Bi5IauHWvUG8773oi9' : 'BqNO6cexAGBsZgUmEzIE';
      frag.appendChild(systemWrapper(m.id, cls, m.text));
      return frag;
    }
    const mine = m.who !== 'buyer';
    const bubble = el('div', {
      class: `iD7SHBvMhm4OhfCsBGr1 leaveMessage ${mine ? 'messageIsMe' : 'messageNotMe'}`,
    });
    if (m.text === '[商品卡片]') {
      bubble.appendChild(
        el('div', { class: 'chatd-card chatd-card-main' }, [
          el('div', { class: 'chatd-card-title', text: '男童短袖球服套装 速干透气' }),
          el('div', { class: 'chatd-card-price', text: '¥59.90' }),
        ]),
      );
    } else bubble.appendChild(el('pre', {}, [el('span', { text: m.text })]));
    const col = el('div', { class: 'col-9Kd' }, [
      el('div', { class: 'O4UWWFoQxgMq4AWHMq25', text: cn(m.at).time }),
      bubble,
    ]);
    if (m.who === 'assist') col.appendChild(el('div', { class: 'robotTip-2sLq', text: '此消息由机器人推荐' }));
    const avatar = el('span', { class: 'avatar-Xk29', text: mine ? '店' : buyerOf(uid).nick.slice(0, 1) });
    const row = el(
      'div',
      {
        'data-id': m.id,
        class: 'tC9ap6QtAyeCD0jfuMns',
        style: `display: flex; flex-direction: ${mine ? 'row-reverse' : 'row'};`,
      },
      [avatar, col],
    );
    frag.appendChild(el('div', { 'data-qa-id': 'qa-message-warpper', class: 'wrap-uR51' }, [row]));
    return frag;
  }

  function renderThread() {
    const list = $('#messageList');
    list.replaceChildren();
    const info = $('#topbar-left-info');
    info.replaceChildren();
    if (!state.open) return;
    const b = buyerOf(state.open);
    info.appendChild(el('span', { class: 'name-a1Kx', text: b.nick }));
    info.appendChild(el('span', { class: 'remarkBtn-3Ld0', text: '添加备注' }));
    const msgs = threads.get(state.open);
    msgs.forEach((m, i) => list.appendChild(renderMessage(state.open, m, msgs[i - 1])));
    list.scrollTop = 1e9;
    $('textarea[data-qa-id="qa-send-message-textarea"]').placeholder = `发送给 ${b.nick}，使用Enter 发送消息`;
  }

  // ---------------------------------------------------------------- list

  function row(b, now) {
    const msgs = threads.get(b.uid);
    const last = msgs[msgs.length - 1];
    const since = waitingSince.get(b.uid);
    const active = state.open === b.uid;
    const draft = drafts.get(b.uid);
    const preview = draft ? `[草稿]${draft}` : last ? last.text : '';
    const timer = since ? fmtWait(now - since) : last ? cn(last.at).time.slice(0, 5) : '';
    const bottom = el('div', { class: 'bottomLine-Tq2s', 'data-btm': `d0${89000 + msgs.length}` }, [
      el('div', { class: 'msgContent-JqEWJs' }, [el('span', { text: preview })]),
    ]);
    const n = unread.get(b.uid) || 0;
    if (n && !active) bottom.appendChild(el('sup', { class: 'auxo-badge-count', text: String(n) }));
    const card = el(
      'div',
      {
        'data-qa-id': 'qa-conversation-chat-item',
        'data-btm-id': `a2731.b5390.c${b.conv.slice(-4)}.recent`,
        class: `conversationCard-ePRNJi${active ? ' activeCard-kP20aQ' : ''}`,
        'aria-selected': active ? 'true' : 'false',
      },
      [
        el('span', { class: 'newAvatar-Ux81q avatar-Xk29', text: b.nick.slice(0, 1) }),
        el('div', { class: 'cardMain-yN3Kd' }, [
          el('div', { class: 'topLine-0aPq' }, [
            el('div', { class: 'nameLine-Q8PQwE', title: b.nick }, [
              el('span', { class: 'newNameContent-DfqCyb', text: b.nick }),
            ]),
            el('div', { class: `timerParticular-x8Hy${since ? ' waiting-5Hs2' : ''}`, text: timer }),
          ]),
          bottom,
        ]),
      ],
    );
    card.addEventListener('click', () => api.open(b.uid));
    rendered.set(b.uid, { group: groupOf(b.uid, now), timer: card.querySelector('.timerParticular-x8Hy') });
    return card;
  }

  function pseudoRow(name, suffix, preview) {
    return el(
      'div',
      {
        'data-qa-id': 'qa-conversation-chat-item',
        'data-btm-id': `a2731.b5390.c0000.${suffix}`,
        class: 'conversationCard-ePRNJi pseudo-4Hd1',
      },
      [
        el('span', { class: 'newAvatar-Ux81q avatar-Xk29', text: name.slice(0, 1) }),
        el('div', { class: 'cardMain-yN3Kd' }, [
          el('div', { class: 'topLine-0aPq' }, [
            el('div', { class: 'nameLine-Q8PQwE', title: name }, [
              el('span', { class: 'newNameContent-DfqCyb', text: name }),
            ]),
          ]),
          el('div', { class: 'bottomLine-Tq2s' }, [el('div', { class: 'msgContent-JqEWJs', text: preview })]),
        ]),
      ],
    );
  }

  function groupOf(uid, now) {
    const since = waitingSince.get(uid);
    return since === undefined ? 'rest' : now - since < OVERTIME_MS ? 'wait' : 'over';
  }

  function renderList() {
    const now = Date.now();
    const box = $('#listItems');
    box.replaceChildren();
    rendered.clear();
    const wait = buyers.filter((b) => groupOf(b.uid, now) === 'wait');
    const over = buyers.filter((b) => groupOf(b.uid, now) === 'over');
    const rest = buyers.filter((b) => groupOf(b.uid, now) === 'rest');
    // Pending groups are rendered only when they hold rows (like the real list).
    const group = (btm, title, list) =>
      el('div', btm ? { class: 'group-7sJd2a', 'data-btm': btm } : { class: 'group-7sJd2a' }, [
        el('div', { class: 'groupTitle-2LkP', text: `${title} ${list.length}` }),
        ...list.map((b) => row(b, now)),
      ]);
    if (wait.length) box.appendChild(group('message_group_name_waitReply', '待回复', wait));
    if (over.length) box.appendChild(group('message_group_name_overtime', '已超时', over));
    const others = group(null, '最近联系', rest);
    others.appendChild(pseudoRow('智能客服', 'systemConv', '机器人接待中'));
    others.appendChild(pseudoRow('系统通知', 'systemConv', '【平台通知】服务规则更新'));
    box.appendChild(others);
  }

  // ---------------------------------------------------------------- model

  const CLOSE_TEXT = /会话(?:已)?(?:关闭|结束)|(?:关闭|结束)(?:了)?会话/;
  function idFor(b, who, text, at) {
    if (who === 'welcome') return `${b.conv}_Welcome_${at}`;
    if (who === 'system') {
      if (/接入|转接|转交/.test(text)) return `${b.conv}_CsAssign_${at}`;
      if (CLOSE_TEXT.test(text)) return `cs_close_conversation_${b.conv}_${at}`;
    }
    return uuid();
  }

  function add(uid, who, text) {
    const b = buyerOf(uid);
    const msgs = threads.get(uid);
    const at = nextAt();
    const m = { id: idFor(b, who, text, at), who: who === 'welcome' ? 'auto' : who, text, at };
    msgs.push(m);
    if (who === 'buyer') {
      if (!waitingSince.has(uid)) waitingSince.set(uid, at);
      if (uid !== state.open) unread.set(uid, (unread.get(uid) || 0) + 1);
    }
    if (who === 'human' || who === 'assist' || m.id.startsWith('cs_close_conversation')) waitingSince.delete(uid);
    if (uid === state.open) {
      $('#messageList').appendChild(renderMessage(uid, m, msgs[msgs.length - 2]));
      $('#messageList').scrollTop = 1e9;
    }
    renderList();
    return m.id;
  }

  const api = {
    buyers,
    open(uid) {
      buyerOf(uid);
      if (state.open) {
        if (state.model.trim()) drafts.set(state.open, state.model);
        else drafts.delete(state.open);
      }
      state.open = uid;
      unread.delete(uid);
      setModel(drafts.get(uid) || '');
      drafts.delete(uid);
      renderList();
      renderThread();
    },
    buyerSays: (uid, text = questions[0]) => add(uid, 'buyer', text),
    robotSays: (uid, text = robotAnswers[0]) => add(uid, 'robot', text),
    agentSays: (uid, text = '亲，马上为您处理') => add(uid, 'human', text),
    assistSays: (uid, text = '亲，这款是纯棉的哦，不起球') => add(uid, 'assist', text),
    systemSays: (uid, text = `客服 ${AGENT} 接入`) => add(uid, 'system', text),
    welcome: (uid, text = '欢迎光临演示抖店旗舰店～有什么可以帮您？') => add(uid, 'welcome', text),
    closeSession: (uid) => add(uid, 'system', '会话已关闭'),
    setAuto(on) {
      state.auto = !!on;
    },
    get auto() {
      return state.auto;
    },
  };
  window.demo = api;

  // ---------------------------------------------------------------- input (React-controlled)
  // Like React: the send action reads the model, which only `input` events update; and React's value tracker drops
  // an `input` event when the value was set through the element's own `value` property (so `ta.value = …` followed by
  // an input event changes nothing). The native prototype setter + a bubbling `input` event works, as on the real page.
  const ta = $('textarea[data-qa-id="qa-send-message-textarea"]');
  const native = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');
  let tracked = '';
  Object.defineProperty(ta, 'value', {
    configurable: true,
    get() {
      return native.get.call(this);
    },
    set(v) {
      tracked = String(v);
      native.set.call(this, v);
    },
  });
  function setModel(v) {
    state.model = v;
    tracked = v;
    native.set.call(ta, v);
  }
  ta.addEventListener('input', () => {
    const v = native.get.call(ta);
    if (v === tracked) return;
    tracked = v;
    state.model = v;
  });
  const send = () => {
    const text = state.model.trim();
    if (!text || !state.open) return;
    add(state.open, 'human', text);
    setModel('');
  };
  ta.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  $('[data-qa-id="qa-send-message-button"]').addEventListener('click', send);

  $('#demoControls').addEventListener('click', (e) => {
    const act = e.target instanceof HTMLElement ? e.target.dataset.act : undefined;
    const uid = state.open ?? buyers[0].uid;
    if (act === 'buyer') api.buyerSays(uid, questions[Math.floor(Math.random() * questions.length)]);
    if (act === 'robot') api.robotSays(uid);
    if (act === 'assist') api.assistSays(uid);
    if (act === 'welcome') api.welcome(uid);
    if (act === 'system') api.systemSays(uid);
    if (act === 'close') api.closeSession(uid);
    if (act === 'auto') api.setAuto(!state.auto);
  });

  // Scripted buyers: every 15–40 s someone asks. A new session gets the auto welcome (never a valid reply); the robot
  // answers some questions (which must not stop the clock).
  function scheduleBuyer() {
    setTimeout(
      () => {
        if (state.auto) {
          const b = buyers[Math.floor(Math.random() * buyers.length)];
          const msgs = threads.get(b.uid);
          const last = msgs[msgs.length - 1];
          const fresh = !last || last.id.startsWith('cs_close_conversation');
          api.buyerSays(b.uid, questions[Math.floor(Math.random() * questions.length)]);
          if (fresh) setTimeout(() => api.welcome(b.uid), 1000);
          if (Math.random() < 0.3)
            setTimeout(() => api.robotSays(b.uid, robotAnswers[Math.floor(Math.random() * robotAnswers.length)]), 3000);
        }
        scheduleBuyer();
      },
      15000 + Math.random() * 25000,
    );
  }
  // The list's wait timers tick in place (re-rendering rows under the pointer would eat clicks); a row that passes
  // 3 minutes moves to 已超时, which re-renders the list.
  setInterval(() => {
    if (!waitingSince.size) return;
    const now = Date.now();
    const regroup = buyers.some((b) => rendered.get(b.uid)?.group !== groupOf(b.uid, now));
    if (regroup) return renderList();
    for (const [uid, r] of rendered) {
      const since = waitingSince.get(uid);
      if (since) r.timer.textContent = fmtWait(now - since);
    }
  }, 1000);

  api.open(buyers[0].uid);
  if (params.get('auto') !== '0') {
    setTimeout(() => api.buyerSays(buyers[0].uid, '你好，在吗？'), 1500);
    scheduleBuyer();
  }
})();
