/**
 * Dev tool (issue 21): what reading the `dayStats` rows costs the analytics page's main thread per stored shape,
 * measured in a plain http page of its own (no extension, no worker), one Chromium process, shapes taking turns.
 * The rows are the seeded profile's own, dumped once to JSON (`--dump`, inside a private mount namespace with a
 * copy of the profile bind-mounted over its path: the profile belongs to the extension's id, which is its path):
 *
 *   unshare -m bash -c 'mount --bind /tmp/dsshape-prof /tmp/first-prof && \
 *     npx jiti scripts/bench/dsshape.ts --dump --prof=/tmp/first-prof --rows=/tmp/dsshape/rows.json'
 *   npx jiti scripts/bench/dsshape.ts --rows=/tmp/dsshape/rows.json [--rounds=15]
 *
 * Each shape's rows are stored in a database of the page's origin once (the shapes: `SHAPES` in the page below);
 * then every round opens a fresh page per shape and range (the first frame's read is a fresh page's; shapes in a
 * rotating order) and times the first frame's read there: one `getAll` per primary metric of the past days of the
 * range and one of today (as components/analytics/first-raw.ts), or one `getAll` of the range's days for the shapes
 * keyed by day. Per read, ms on the page's clock:
 *  - `wall`: from the requests to every row usable (per row its packed waits as bytes, its counts as objects);
 *  - `result`: the time spent reading `request.result` (Chromium deserializes the values when it is first read);
 *  - `busy` / `longest`: the gaps of a message loop run beside the read (the read's tasks on the main thread, and
 *    under load the thread's preemption too: an upper bound), their sum and the longest;
 *  - `unpack`: then every row's waits decoded to numbers (the varint decode of `unpackWaits`; a division for the
 *    Uint32 shape, nothing for the Float64 one).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, startStaticServer } from '../../test/e2e/harness';
import { arg, flag } from './args';
import { launchKeptProfile } from './browser';
import { summarize } from './stats';

const ROWS = arg('rows', '/tmp/dsshape/rows.json');
const rounds = Number(arg('rounds', '15'));
const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

async function dump(prof: string) {
  const ext = await launchKeptProfile(`${prof}/ext`, `${prof}/profile`);
  try {
    const page = await ext.context.newPage();
    await page.goto(`${ext.baseUrl}/bench-blank.html`);
    const rows = await page.evaluate(
      () =>
        new Promise<unknown[]>((resolve, reject) => {
          const o = indexedDB.open('reply-sentinel');
          o.onsuccess = () => {
            const r = o.result.transaction('dayStats').objectStore('dayStats').getAll();
            r.onsuccess = () =>
              resolve((r.result as { waits: Uint8Array }[]).map((x) => ({ ...x, waits: Array.from(x.waits) })));
            r.onerror = () => reject(r.error);
          };
          o.onerror = () => reject(o.error);
        }),
    );
    await writeFile(ROWS, JSON.stringify(rows));
    console.log(`${rows.length} rows → ${ROWS}`);
  } finally {
    await ext.close();
  }
}

/** The page: stores the shapes (`setup`) and times one shape's first-frame read (`read`). Plain JS, no build. */
const PAGE = String.raw`<!doctype html><meta charset="utf-8"><title>dsshape</title><script>
const PRIMARY = ['taobao.ww3min', 'pdd.manual3min', 'douyin.im3min'];
const SHAPES = {
  // (a) as today: one row per metric × day × platform × account, waits a Uint8Array
  a: { byDay: false, pack: (r) => r },
  // (b) waits as a latin1 string of the same bytes
  bStr: { byDay: false, pack: (r) => ({ ...r, waits: latin1(r.waits) }) },
  // (b') waits as base64
  bB64: { byDay: false, pack: (r) => ({ ...r, waits: r.waits.toBase64() }) },
  // (d) waits as an ArrayBuffer (no view)
  dBuf: { byDay: false, pack: (r) => ({ ...r, waits: r.waits.slice().buffer }) },
  // (d') waits and vol/fail as one latin1 string each (vol/fail as JSON)
  dAllStr: { byDay: false, pack: (r) => ({ ...r, waits: latin1(r.waits), vol: JSON.stringify(r.vol), fail: JSON.stringify(r.fail) }) },
  // (e) waits unpacked to whole ms as a Uint32Array (never answered: 2³² − 1): 4 bytes a value, no varint decode
  eU32: { byDay: false, pack: (r) => ({ ...r, waits: toU32(unpack(r.waits)) }) },
  // (e') waits as the numbers themselves (Float64Array): 8 bytes a value, nothing to decode
  eF64: { byDay: false, pack: (r) => ({ ...r, waits: unpack(r.waits) }) },
  // floor: the rows without their waits
  noWaits: { byDay: false, pack: (r) => ({ ...r, waits: null }) },
  // (c) one record per day: all its rows, their waits concatenated into ONE Uint8Array with offsets
  cDay: { byDay: true, bytes: true },
  // (c') one record per day, the waits concatenated into one latin1 string
  cDayStr: { byDay: true, bytes: false },
};
function latin1(u8) {
  let s = '';
  for (let i = 0; i < u8.length; i += 4096) s += String.fromCharCode.apply(null, u8.subarray(i, i + 4096));
  return s;
}
function toU32(f64) {
  const out = new Uint32Array(f64.length);
  for (let i = 0; i < f64.length; i++) out[i] = f64[i] === Infinity ? 0xffffffff : Math.round(f64[i] * 1000);
  return out;
}
function fromU32(u32) {
  const out = new Float64Array(u32.length);
  for (let i = 0; i < u32.length; i++) out[i] = u32[i] === 0xffffffff ? Infinity : u32[i] / 1000;
  return out;
}
function fromLatin1(s) {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
function open(name, upgrade) {
  return new Promise((resolve, reject) => {
    const o = indexedDB.open(name, 1);
    o.onupgradeneeded = () => upgrade && upgrade(o.result);
    o.onsuccess = () => resolve(o.result);
    o.onerror = () => reject(o.error);
  });
}
const done = (tx) => new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
async function setup(rows) {
  for (const r of rows) r.waits = Uint8Array.from(r.waits);
  for (const [name, s] of Object.entries(SHAPES)) {
    await new Promise((res) => { const d = indexedDB.deleteDatabase('ds-' + name); d.onsuccess = d.onerror = res; });
    const db = await open('ds-' + name, (db) => {
      if (s.byDay) db.createObjectStore('s', { keyPath: 'day' });
      else db.createObjectStore('s', { keyPath: 'id' }).createIndex('metricDay', ['metric', 'day']);
    });
    const tx = db.transaction('s', 'readwrite');
    const st = tx.objectStore('s');
    if (s.byDay) {
      const days = new Map();
      for (const r of rows) (days.get(r.day) || days.set(r.day, []).get(r.day)).push(r);
      for (const [day, rs] of days) {
        const total = rs.reduce((n, r) => n + r.waits.length, 0);
        const all = new Uint8Array(total);
        let off = 0;
        const meta = rs.map((r) => {
          all.set(r.waits, off);
          const m = { id: r.id, metric: r.metric, platform: r.platform, account: r.account, n: r.n, at: off, len: r.waits.length, vol: r.vol, fail: r.fail };
          off += r.waits.length;
          return m;
        });
        st.put({ day, rows: meta, waits: s.bytes ? all : latin1(all) });
      }
    } else for (const r of rows) st.put(s.pack(r));
    await done(tx);
    db.close();
  }
  return Object.keys(SHAPES);
}
function unpack(bytes) {
  // lib/analytics/daystats.ts unpackWaits, format 0 (varint deltas), as the page runs it
  let ends = 0;
  for (let i = 1; i < bytes.length; i++) if (bytes[i] < 128) ends++;
  let i = 1;
  const next = () => { let v = 0, scale = 1; for (;;) { const b = bytes[i++]; if (b < 128) return v + b * scale; v += (b - 128) * scale; scale *= 128; } };
  const never = next();
  const finite = ends - 1;
  const out = new Float64Array(finite + never);
  let ms = 0;
  for (let k = 0; k < finite; k++) { ms += next(); out[k] = ms / 1000; }
  out.fill(Infinity, finite);
  return out;
}
function addDays(day, n) {
  const d = new Date(day + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
async function read(name, range, today, probe = true) {
  const s = SHAPES[name];
  const db = await open('ds-' + name);
  const from = addDays(today, -range);
  const yesterday = addDays(today, -1);
  let resultMs = 0;
  const get = (req) => new Promise((res, rej) => {
    req.onsuccess = () => { const t = performance.now(); const v = req.result; resultMs += performance.now() - t; res(v); };
    req.onerror = () => rej(req.error);
  });
  // The main thread's own time during the read: a message loop runs between the other tasks; its gaps (above its
  // own ~0.01 ms step) are the time the read's tasks (their values' decoding) held the thread.
  const ch = new MessageChannel();
  let last = performance.now(), busy = 0, longest = 0, probing = probe;
  ch.port1.onmessage = () => {
    const t = performance.now();
    const gap = t - last;
    if (gap > 0.2) { busy += gap; if (gap > longest) longest = gap; }
    last = t;
    if (probing) ch.port2.postMessage(0);
  };
  if (probe) ch.port2.postMessage(0);
  const t0 = performance.now();
  const tx = db.transaction('s', 'readonly');
  const st = tx.objectStore('s');
  let rows;
  if (s.byDay) {
    const recs = await get(st.getAll(IDBKeyRange.bound(from, today)));
    rows = [];
    for (const rec of recs) {
      const all = s.bytes ? rec.waits : fromLatin1(rec.waits);
      for (const m of rec.rows) {
        if (!PRIMARY.includes(m.metric)) continue;
        rows.push({ ...m, day: rec.day, waits: all.subarray(m.at, m.at + m.len) });
      }
    }
  } else {
    const idx = st.index('metricDay');
    const of = (a, b) => Promise.all(PRIMARY.map((m) => get(idx.getAll(IDBKeyRange.bound([m, a], [m, b])))));
    const [past, now] = await Promise.all([of(from, yesterday), of(today, today)]);
    rows = [...past.flat(), ...now.flat()];
    if (name === 'bStr' || name === 'dAllStr') rows = rows.map((r) => ({ ...r, waits: fromLatin1(r.waits) }));
    if (name === 'dAllStr') rows = rows.map((r) => ({ ...r, vol: JSON.parse(r.vol), fail: JSON.parse(r.fail) }));
    if (name === 'bB64') rows = rows.map((r) => ({ ...r, waits: Uint8Array.fromBase64(r.waits) }));
    if (name === 'dBuf') rows = rows.map((r) => ({ ...r, waits: new Uint8Array(r.waits) }));
  }
  const t1 = performance.now();
  probing = false;
  let values = 0;
  const decode = name === 'eU32' ? fromU32 : name === 'eF64' ? (x) => x : unpack;
  if (name !== 'noWaits') for (const r of rows) values += decode(r.waits).length;
  const t2 = performance.now();
  db.close();
  return { wall: t1 - t0, result: resultMs, busy, longest, unpack: t2 - t1, rows: rows.length, values };
}
</script>`;

async function bench() {
  const rows = JSON.parse(await readFile(ROWS, 'utf8')) as { day: string }[];
  const today = rows
    .map((r) => r.day)
    .sort()
    .at(-1)!;
  const dir = '/tmp/dsshape/www';
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/index.html`, PAGE);
  const server = await startStaticServer(dir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const context = await browser.newContext();
    const first = await context.newPage();
    await first.goto(`${server.url}/`);
    const shapes = await first.evaluate(
      (r) => (globalThis as unknown as { setup: (r: unknown) => Promise<string[]> }).setup(r),
      rows,
    );
    await first.close();
    const before = load();
    const out: Record<string, Record<string, number[]>> = {};
    const add = (k: string, v: number) => (out[k] ??= { v: [] }).v!.push(v);
    const counts: Record<string, string> = {};
    for (let r = 0; r < rounds; r++) {
      // Rotate the order each round: no shape always first or last.
      const order = shapes.map((_, i) => shapes[(i + r) % shapes.length]!);
      for (const range of [30, 90]) {
        for (const s of order) {
          const page = await context.newPage();
          await page.goto(`${server.url}/`);
          const m = await page.evaluate(
            ([s, range, today]) =>
              (
                globalThis as unknown as {
                  read: (
                    s: string,
                    range: number,
                    today: string,
                  ) => Promise<{
                    wall: number;
                    result: number;
                    busy: number;
                    longest: number;
                    unpack: number;
                    rows: number;
                    values: number;
                  }>;
                }
              ).read(s, range, today),
            [s, range, today] as [string, number, string],
          );
          await page.close();
          add(`${range} ${s} wall`, m.wall);
          add(`${range} ${s} result`, m.result);
          add(`${range} ${s} unpack`, m.unpack);
          add(`${range} ${s} busy`, m.busy);
          add(`${range} ${s} longest`, m.longest);
          add(`${range} ${s} wall+unpack`, m.wall + m.unpack);
          counts[`${range} ${s}`] = `${m.rows} rows, ${m.values} values`;
        }
      }
      console.error(`round ${r + 1}/${rounds}, load ${load().join(' ')}`);
    }
    console.log(`load before ${before.join(' ')}, after ${load().join(' ')}; today ${today}; ${rounds} rounds`);
    for (const [k, c] of Object.entries(counts)) console.log(`${k}: ${c}`);
    console.log('ms (page clock): p50 / p95 / min, n');
    for (const [k, { v }] of Object.entries(out).sort(([a], [b]) => a.localeCompare(b))) {
      const s = summarize(v!);
      console.log(`${k.padEnd(28)} ${s.p50.toFixed(1)} / ${s.p95.toFixed(1)} / ${s.min.toFixed(1)}, n ${s.n}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

if (flag('dump')) await dump(arg('prof', '/tmp/first-prof'));
else await bench();
