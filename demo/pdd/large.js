// Simulated Pinduoduo workbench at scale, for the benchmarks (`npm run bench`): the same markup as index.html
// (so the same adapter reads it), but `rows` conversations in the list and `messages` messages rendered in the
// open thread (the worst case: a long conversation fully in the DOM), with a new message every 1/`rate` s.
// Query: ?rows=1000&messages=10000&rate=1&seed=1 (rate=0: no scripted traffic). Deterministic for a seed.
// Plain script, no build step. Page text is always set with textContent, never as HTML.
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const num = (k, d) => {
    const v = Number(params.get(k));
    return params.has(k) && Number.isFinite(v) && v >= 0 ? v : d;
  };
  const ROWS = Math.max(1, Math.floor(num('rows', 1000)));
  const MESSAGES = Math.floor(num('messages', 10000));
  const RATE = num('rate', 1);
  let seed = Math.floor(num('seed', 1)) >>> 0 || 1;
  // mulberry32: a small seeded PRNG, so two pages with the same seed see the same traffic.
  const rand = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pickOne = (list) => list[Math.floor(rand() * list.length)];

  const questions = ['请问什么时候发货？', '这个有现货吗', '能便宜一点吗', '尺码偏大还是偏小？', '可以开发票吗'];
  const answers = ['亲，马上为您处理', '亲亲，一般48小时内发货哦', '有现货的亲', '偏大半码，建议拍小一码'];
  const nickChars = '小王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗';

  const buyers = [];
  for (let i = 0; i < ROWS; i++)
    buyers.push({ uid: String(700000 + i), nick: `${nickChars[i % nickChars.length]}***${(i * 7919) % 97}` });
  const byUid = new Map(buyers.map((b) => [b.uid, b]));
  const rowOf = new Map(); // uid -> { li, box, preview, note, timer }
  const waitingSince = new Map(); // uid -> ms of the first unanswered buyer message
  const open = buyers[0];
  const state = { lastId: 0, sent: 0 };

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

  function renderMessage(uid, m, prevId) {
    const li = el('li', { class: 'onemsg', id: `middlePanel_list_${m.id}`, 'data-v-7e0b9d21': '' });
    const wrap = el('div', { class: 'merchantMessage' });
    if (prevId === null || m.id - prevId > 5 * 60e3)
      wrap.appendChild(el('p', { class: 'message-time', text: stamp(m.id) }));
    const body = el('div', { class: 'msg-content' }, [el('p', { class: 'msg-content-box', text: m.text })]);
    if (m.who === 'buyer') wrap.appendChild(el('div', { class: 'buyer-item' }, [el('div', { currentuid: uid }), body]));
    else
      wrap.appendChild(
        el('div', { class: 'cs-item isread' }, [
          el('p', { class: 'nickname' }, [el('span', { text: '主账号' })]),
          body,
        ]),
      );
    li.appendChild(wrap);
    return li;
  }

  // The open thread: MESSAGES messages of history, one a minute, buyer and agent taking turns (answered).
  let lastThreadId = null;
  {
    const frag = document.createDocumentFragment();
    const start = Date.now() - (MESSAGES + 5) * 60e3;
    for (let i = 0; i < MESSAGES; i++) {
      const m = { id: start + i * 60e3, who: i % 2 === 0 ? 'buyer' : 'human', text: '' };
      m.text = m.who === 'buyer' ? questions[i % questions.length] : answers[i % answers.length];
      frag.appendChild(renderMessage(open.uid, m, lastThreadId));
      lastThreadId = m.id;
    }
    $('#msgList').appendChild(frag);
    $('#headerName').textContent = open.nick;
  }

  // The conversation list: one row per buyer, the open one first.
  {
    const frag = document.createDocumentFragment();
    for (const b of buyers) {
      const box = el('div', {
        class: `chat-item-box${b === open ? ' active' : ''}`,
        'data-random': `${b.uid}-0-reply`,
      });
      const preview = el('p', { class: 'chat-message-content', text: answers[Number(b.uid) % answers.length] });
      const note = el('p', { class: 'item-note', text: '' });
      box.append(el('span', { class: 'nickname-span', text: b.nick }), preview, note);
      const li = el('li', { class: 'chat-item' }, [box]);
      rowOf.set(b.uid, { li, box, preview, note, timer: null });
      frag.appendChild(li);
    }
    $('#chatList').appendChild(frag);
  }

  function touchRow(uid, text, id) {
    const r = rowOf.get(uid);
    r.preview.textContent = text;
    r.note.textContent = stamp(id).slice(-8);
    const waiting = waitingSince.get(uid);
    r.box.setAttribute('data-random', `${uid}-0-${waiting ? 'unTimeout' : 'reply'}`);
    if (waiting && uid !== open.uid && !r.timer) {
      r.timer = el('span', { class: 'chat-unreply-time', text: '0秒' });
      r.box.appendChild(r.timer);
    }
    if (!waiting && r.timer) {
      r.timer.remove();
      r.timer = null;
    }
    // The most recent conversation moves to the top, as on the real list.
    const ul = $('#chatList');
    if (ul.firstChild !== r.li) ul.insertBefore(r.li, ul.firstChild);
  }

  function add(uid, who, text) {
    if (!byUid.has(uid)) throw new Error(`no such buyer ${uid}`);
    const m = { id: nextId(), who, text };
    if (who === 'buyer' && !waitingSince.has(uid)) waitingSince.set(uid, m.id);
    if (who === 'human') waitingSince.delete(uid);
    if (uid === open.uid) {
      $('#msgList').appendChild(renderMessage(uid, m, lastThreadId));
      lastThreadId = m.id;
      $('#msgListContainer').scrollTop = 1e9;
    }
    touchRow(uid, text, m.id);
    state.sent++;
    settleWaiters();
    return `middlePanel_list_${m.id}`;
  }

  // Benchmarks align their measuring windows on the traffic: whenSent(n) resolves right after the n-th scripted
  // message (in the same task, once its change is made), so every page is measured over the same messages.
  const waiters = [];
  function settleWaiters() {
    for (let i = waiters.length - 1; i >= 0; i--)
      if (state.sent >= waiters[i].n) waiters.splice(i, 1)[0].resolve(state.sent);
  }
  const whenSent = (n) =>
    new Promise((resolve) => {
      waiters.push({ n, resolve });
      settleWaiters();
    });

  const api = {
    buyers,
    rows: ROWS,
    messages: MESSAGES,
    rate: RATE,
    openUid: open.uid,
    get sent() {
      return state.sent;
    },
    buyerSays: (uid, text = questions[0]) => add(uid, 'buyer', text),
    agentSays: (uid, text = answers[0]) => add(uid, 'human', text),
    whenSent,
  };
  window.demo = api;
  $('#largeInfo').textContent = `${ROWS} rows · ${MESSAGES} messages · ${RATE}/s`;

  // One timer drives the page, as one render pass per tick would on the real (Vue) page: RATE scripted messages a
  // second (mostly buyers in other conversations, whose rows start a waiting counter; agents answering some of
  // them; now and then the open buyer), and the waiting counters tick once a second.
  let lastTick = 0;
  const step = () => {
    if (RATE > 0) {
      const r = rand();
      if (r < 0.1) add(open.uid, rand() < 0.5 || !waitingSince.has(open.uid) ? 'buyer' : 'human', pickOne(questions));
      else if (r < 0.35 && waitingSince.size) add(pickOne([...waitingSince.keys()]), 'human', pickOne(answers));
      else add(pickOne(buyers).uid, 'buyer', pickOne(questions));
    }
    const now = Date.now();
    if (now - lastTick < 990) return;
    lastTick = now;
    for (const [uid, r] of rowOf) {
      const since = waitingSince.get(uid);
      if (r.timer && since) r.timer.textContent = `${Math.floor((now - since) / 1000)}秒`;
    }
  };
  let traffic = null;
  const resume = () => {
    traffic ??= setInterval(step, RATE > 0 ? 1000 / RATE : 1000);
  };
  // Benchmarks measure pages one at a time: the others are paused (no traffic, no counters ticking).
  api.pause = () => {
    clearInterval(traffic);
    traffic = null;
  };
  api.resume = resume;
  resume();
  $('#msgListContainer').scrollTop = 1e9;
})();
