// Simulated Pinduoduo merchant chat workbench (structure per shared/docs/workbench-dom.md).
// Plain script, no build step. Page text is always set with textContent, never as HTML.
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const buyers = [
    { uid: '802114', nick: 'S*******n' },
    { uid: '733519', nick: '小***子' },
    { uid: '915002', nick: 'j***y' },
    { uid: '640087', nick: '王***' },
    { uid: '511920', nick: '快***手' },
  ];
  // ?buyers=N: more conversations (the soak test uses 50).
  for (let i = buyers.length, n = Math.min(500, Number(params.get('buyers')) || 0); i < n; i++) {
    buyers.push({ uid: String(900000 + i), nick: `买家${i}***` });
  }
  const questions = [
    '请问什么时候发货？',
    '这个有现货吗',
    '能便宜一点吗',
    '尺码偏大还是偏小？',
    '可以开发票吗',
    '地址填错了能改吗',
    '[商品卡片]',
  ];
  const robotAnswers = ['亲，在的哦，请问有什么可以帮您？', '亲亲，一般48小时内发货哦'];
  const state = { open: null, auto: params.get('auto') !== '0', lastId: 0, model: '' };
  const threads = new Map(buyers.map((b) => [b.uid, []]));
  // ?shop=NAME: the shop in the header (a second shop side by side); each shop keeps its own conversations.
  const shop = params.get('shop');
  if (shop) document.querySelector('.mall-name').textContent = shop;
  const storeName = `reply-sentinel-demo-pdd${shop ? `-${encodeURIComponent(shop)}` : ''}`;
  // ?backlog=UID:SEC,…: buyers whose question arrived SEC seconds before the page was opened (the backlog a tab
  // finds on opening: the list shows their waiting counters, the thread their question with its time).
  const openedAt = Date.now();
  for (const item of (params.get('backlog') ?? '').split(',')) {
    const [uid, sec] = item.split(':');
    if (threads.has(uid) && Number(sec) > 0)
      threads.get(uid).push({ id: openedAt - Math.round(Number(sec) * 1000), who: 'buyer', text: questions[0] });
  }
  // ?persist=1: the conversations survive a browser restart (as the real site keeps them on its server).
  const STORE_KEY = storeName;
  const persist = params.get('persist') === '1';
  if (persist) {
    try {
      for (const [uid, msgs] of JSON.parse(localStorage.getItem(STORE_KEY) ?? '[]'))
        if (threads.has(uid)) threads.set(uid, msgs);
    } catch {
      /* a broken store starts empty */
    }
  }
  const save = () => persist && localStorage.setItem(STORE_KEY, JSON.stringify([...threads]));
  const waitingSince = new Map(); // uid -> ms of the first unanswered buyer message
  for (const [uid, msgs] of threads) {
    for (const m of msgs) {
      if (m.who === 'buyer' && !waitingSince.has(uid)) waitingSince.set(uid, m.id);
      if (m.who === 'human') waitingSince.delete(uid);
    }
  }

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
  const nextId = () => {
    state.lastId = Math.max(Date.now(), state.lastId + 1);
    return state.lastId;
  };
  const stamp = (ms) => {
    const d = new Date(ms + 8 * 3600e3);
    const p = (x) => String(x).padStart(2, '0');
    return `${d.getUTCFullYear()}年${p(d.getUTCMonth() + 1)}月${p(d.getUTCDate())}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  };

  function renderMessage(uid, m, prev) {
    const li = el('li', { class: 'onemsg', id: `middlePanel_list_${m.id}`, 'data-v-7e0b9d21': '' });
    const wrap = el('div', { class: 'merchantMessage' });
    if (!prev || m.id - prev.id > 5 * 60e3) wrap.appendChild(el('p', { class: 'message-time', text: stamp(m.id) }));
    const body = () => {
      if (m.text === '[商品卡片]')
        return el('div', { class: 'msg-content good-card' }, [el('span', { text: '【现货】纯棉短袖T恤 ¥39.9' })]);
      return el('div', { class: 'msg-content' }, [el('p', { class: 'msg-content-box', text: m.text })]);
    };
    if (m.who === 'buyer') {
      wrap.appendChild(
        el('div', { class: 'buyer-item', 'data-v-2b7d0e11': '' }, [el('div', { currentuid: uid }), body()]),
      );
    } else if (m.who === 'system') {
      wrap.appendChild(el('div', { class: 'system-msg-31', text: m.text }));
    } else {
      const robot = m.who === 'robot';
      wrap.appendChild(
        el('div', { class: robot ? 'cs-item isread callback' : 'cs-item isread' }, [
          el('p', { class: 'nickname' }, [el('span', { text: robot ? '机器人' : '主账号' })]),
          body(),
        ]),
      );
    }
    li.appendChild(wrap);
    return li;
  }

  function renderThread() {
    const list = $('#msgList');
    list.replaceChildren();
    if (!state.open) return;
    const msgs = threads.get(state.open);
    msgs.forEach((m, i) => list.appendChild(renderMessage(state.open, m, msgs[i - 1])));
    $('#headerName').textContent = buyers.find((b) => b.uid === state.open).nick;
    $('#msgListContainer').scrollTop = 1e9;
  }

  function renderList() {
    const ul = $('#chatList');
    ul.replaceChildren();
    for (const b of buyers) {
      const msgs = threads.get(b.uid);
      const last = msgs[msgs.length - 1];
      const since = waitingSince.get(b.uid);
      const box = el(
        'div',
        {
          class: `chat-item-box${state.open === b.uid ? ' active' : ''}`,
          'data-random': `${b.uid}-0-${since ? 'unTimeout' : 'reply'}`,
        },
        [
          el('span', { class: 'nickname-span', text: b.nick }),
          el('p', { class: 'chat-message-content', text: last ? last.text : '' }),
          el('p', { class: 'item-note', text: last ? stamp(last.id).slice(-8) : '' }),
        ],
      );
      if (since && state.open !== b.uid)
        box.appendChild(
          el('span', { class: 'chat-unreply-time', text: `${Math.floor((Date.now() - since) / 1000)}秒` }),
        );
      box.addEventListener('click', () => api.open(b.uid));
      ul.appendChild(el('li', { class: 'chat-item' }, [box]));
    }
  }

  // Tabs of the same shop share one conversation store, as the real site's server does: every message is
  // broadcast with its id, and a newly opened tab asks the others for what they have.
  const channel = 'BroadcastChannel' in window ? new BroadcastChannel(storeName) : null;

  function add(uid, who, text, id, fromPeer) {
    if (!threads.has(uid)) throw new Error(`no such buyer ${uid}`);
    const msgs = threads.get(uid);
    if (id !== undefined && msgs.some((x) => x.id === id)) return `middlePanel_list_${id}`;
    const m = { id: id ?? nextId(), who, text };
    state.lastId = Math.max(state.lastId, m.id);
    msgs.push(m);
    msgs.sort((a, b) => a.id - b.id);
    if (who === 'buyer' && !waitingSince.has(uid)) waitingSince.set(uid, m.id);
    if (who === 'human') waitingSince.delete(uid);
    if (uid === state.open) {
      if (msgs[msgs.length - 1] === m) {
        $('#msgList').appendChild(renderMessage(uid, m, msgs[msgs.length - 2]));
        $('#msgListContainer').scrollTop = 1e9;
      } else renderThread();
    }
    renderList();
    if (!fromPeer && channel) channel.postMessage({ kind: 'msg', uid, who, text, id: m.id });
    save();
    return `middlePanel_list_${m.id}`;
  }

  if (channel) {
    channel.onmessage = ({ data }) => {
      if (data.kind === 'msg') add(data.uid, data.who, data.text, data.id, true);
      if (data.kind === 'hello') channel.postMessage({ kind: 'state', threads: [...threads] });
      if (data.kind === 'state')
        for (const [uid, msgs] of data.threads) for (const m of msgs) add(uid, m.who, m.text, m.id, true);
    };
    channel.postMessage({ kind: 'hello' });
  }

  const api = {
    buyers,
    open(uid) {
      state.open = uid;
      renderList();
      renderThread();
    },
    buyerSays: (uid, text = questions[0]) => add(uid, 'buyer', text),
    robotSays: (uid, text = robotAnswers[0]) => add(uid, 'robot', text),
    agentSays: (uid, text = '亲，马上为您处理') => add(uid, 'human', text),
    systemSays: (uid, text = '当前用户来自 商品详情页') => add(uid, 'system', text),
    setAuto(on) {
      state.auto = !!on;
    },
    get auto() {
      return state.auto;
    },
  };
  window.demo = api;

  // The input behaves like Vue's v-model: it reads the model kept by `input` events, so setting `.value`
  // without an input event is not enough (as on the real page). Enter sends; Shift+Enter is a new line.
  const ta = $('#replyTextarea');
  ta.addEventListener('input', () => (state.model = ta.value));
  const send = () => {
    const text = state.model.trim();
    if (!text || !state.open) return;
    add(state.open, 'human', text);
    state.model = '';
    ta.value = '';
  };
  ta.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      send();
    }
  });
  $('.send-btn').addEventListener('click', send);

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
  // The waiting counters tick like the real list.
  setInterval(() => {
    for (const span of document.querySelectorAll('.chat-unreply-time')) {
      const uid = span.parentElement.getAttribute('data-random').split('-')[0];
      const since = waitingSince.get(uid);
      if (since) span.textContent = `${Math.floor((Date.now() - since) / 1000)}秒`;
    }
  }, 1000);

  api.open(buyers[0].uid);
  if (params.get('auto') !== '0') {
    setTimeout(() => api.buyerSays(buyers[0].uid, '你好，在吗？'), 1500);
    scheduleBuyer();
  }
})();
