/**
 * Reading phrase files (pure: no DB, no DOM, no chrome.*): the first step of an import. `parseImport(file)` →
 * `ImportPreview`, one row per phrase found, each with a draft or a clear error, shown to the user before anything
 * is written; then `planImport` (`plan.ts`) says what the import would do to the library, and the background
 * validates again and writes in one transaction (a bad file changes nothing). Writing files: `export.ts`.
 *
 * Formats: CSV (RFC 4180 through papaparse, comma or tab; Chinese or English header), TXT (one phrase per line,
 * group headers), JSON (an array, or `{ "phrases": [...] }`). Encodings: UTF-8 (with or without BOM), UTF-16 LE/BE
 * (BOM), GBK/GB18030 (what Excel on Chinese Windows writes).
 *
 * Hostile input: the file size, row count and JSON nesting are capped before any work; JSON objects are never
 * copied, only read field by field through own-property checks on a fixed list of names (so `__proto__` or
 * `constructor` keys cannot reach an object); texts are kept verbatim (HTML stays text: the UI renders text).
 */
import Papa from 'papaparse';
import { PLATFORMS, type Platform } from '../model';
import { say, type Key, type Said, type Translate } from '../i18n';
import { PLATFORM_INFOS } from '../platforms/registry';
import {
  DEFAULT_GROUP,
  PHRASE_LIMITS,
  SHORTCUT_RE,
  normalizeShortcut,
  shortcutKey,
  validateDraft,
  type PhraseDraft,
} from './validate';

export type { PhraseDraft } from './validate';

export const IMPORT_LIMITS = {
  /** Bytes; larger files are refused before decoding. */
  bytes: 2 * 1024 * 1024,
  /** Phrases per file; more is refused as a whole (never a silently truncated import). */
  rows: 5000,
  /** JSON nesting depth. */
  depth: 32,
} as const;

export type ImportFormat = 'csv' | 'txt' | 'json';

export interface ImportRow {
  /**
   * Where the phrase is in the file, 1-based: the record number for CSV (the row number Excel shows, header
   * included), the line for TXT, the item for JSON. 0 for a problem with the whole file.
   */
  line: number;
  /** Present exactly when the row can be imported. */
  draft?: PhraseDraft;
  /** Why the row cannot be imported (Chinese / English, with the line). */
  error?: string;
  /** Something the user should know; a row with a warning and no draft is skipped (e.g. a repeated text). */
  warning?: string;
}

export interface ImportPreview {
  /** 'unknown' only when the file was refused before its format could be told. */
  format: ImportFormat | 'unknown';
  /** The encoding the bytes were decoded with ('' when not decoded). */
  encoding: string;
  rows: ImportRow[];
  /** Rows with a draft (importable). */
  ok: number;
  /** Rows with an error (a refused file counts as one). */
  errors: number;
  /** Rows with a warning. */
  warnings: number;
  /** Set when the whole file is refused (too large, broken JSON, ...); then `rows` holds that one error at line 0. */
  fatal?: string;
  /** File-level remarks for the preview (ignored columns, ...), in the caller's language. */
  notes: string[];
}

// ─── messages ──────────────────────────────────────────────────────────────────────────────────────────────

/** A message in no language yet: parseImport says it in the caller's (see Said). */
type Msg = Said | ((t: Translate) => string);
const sayMsg = (t: Translate, m: Msg) => (typeof m === 'function' ? m(t) : say(t, m));
/** Up to five names, in the language's list style. */
const listOf = (names: readonly string[]) => (t: Translate) => names.slice(0, 5).join(t('ioListSep'));

export const show = (s: string, max = 20): string => {
  const one = s.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max)}…` : one;
};

const M = {
  emptyText: ['ioEmptyText'] as Msg,
  textTooLong: (n: number): Msg => ['ioTextTooLong', [PHRASE_LIMITS.text, n]],
  groupTooLong: (n: number): Msg => ['ioGroupTooLong', [PHRASE_LIMITS.group, n]],
  tooManyTags: (n: number): Msg => ['ioTooManyTags', [PHRASE_LIMITS.tags, n]],
  tagTooLong: (t: string): Msg => ['ioTagTooLong', [show(t), PHRASE_LIMITS.tag]],
  badShortcut: (s: string): Msg => ['ioBadShortcut', [show(s, 30)]],
  unknownPlatform: (p: string): Msg => ['ioUnknownPlatform', [show(p)]],
  badType:
    (field: Key): Msg =>
    (t) =>
      t('ioBadType', [t(field)]),
  dupShortcut: (s: string, line: number, unit: Unit): Msg => [unit.dupShortcut, [s, line]],
  dupText: (line: number, unit: Unit): Msg => [unit.dupText, [line]],
  notAPhrase: ['ioNotAPhrase'] as Msg,
};

const F = {
  tooLarge: (bytes: number): Msg => ['ioTooLarge', [(bytes / 1024 / 1024).toFixed(1)]],
  tooMany: (n: number): Msg => ['ioTooMany', [n, IMPORT_LIMITS.rows]],
  empty: ['ioEmpty'] as Msg,
  noPhrases: ['ioNoPhrases'] as Msg,
  excel: ['ioExcel'] as Msg,
  binary: ['ioBinary'] as Msg,
  badJson: (detail: string): Msg => ['ioBadJson', [detail]],
  jsonShape: ['ioJsonShape'] as Msg,
  jsonDepth: ['ioJsonDepth', [IMPORT_LIMITS.depth]] as Msg,
  unclosedQuote: (line: number): Msg => ['ioUnclosedQuote', [line]],
  noTextColumn: ['ioNoTextColumn'] as Msg,
};

/** How a file counts its phrases: CSV and text by line, JSON by item. */
interface Unit {
  row: Key;
  dupShortcut: Key;
  dupText: Key;
}
const LINE: Unit = { row: 'ioRowLine', dupShortcut: 'ioDupShortcutLine', dupText: 'ioDupTextLine' };
const ITEM: Unit = { row: 'ioRowItem', dupShortcut: 'ioDupShortcutItem', dupText: 'ioDupTextItem' };

function rowMessage(t: Translate, line: number, unit: Unit, msgs: Msg[]): string {
  return t(unit.row, [line, msgs.map((m) => sayMsg(t, m)).join(t('ioSep'))]);
}

// ─── field names ──────────────────────────────────────────────────────────────────────────────────────────

type Field = 'text' | 'group' | 'tags' | 'shortcut' | 'platforms';
const FIELD_LABEL = {
  text: 'ioField_text',
  group: 'ioField_group',
  tags: 'ioField_tags',
  shortcut: 'ioField_shortcut',
  platforms: 'ioField_platforms',
} as const satisfies Record<Field, Key>;

/** Column / key names, normalized (lower case, no spaces, no bracketed hints). A Map: no prototype lookups. */
const FIELD_NAMES = new Map<string, Field>();
for (const [field, names] of [
  [
    'text',
    [
      '内容',
      '文本',
      '正文',
      '话术',
      '话术内容',
      '短语',
      '短语内容',
      '快捷短语',
      '快捷语',
      '回复',
      '回复内容',
      'text',
      'content',
      'phrase',
      'message',
    ],
  ],
  ['group', ['分组', '分类', '类别', '组', '组名', '分组名', '分组名称', 'group', 'category', 'folder']],
  ['tags', ['标签', '关键词', 'tags', 'tag', 'labels', 'keywords']],
  ['shortcut', ['快捷键', '快捷码', '快捷方式', '快捷指令', '指令', 'shortcut', 'hotkey']],
  ['platforms', ['平台', '适用平台', '渠道', 'platforms', 'platform']],
] as const) {
  for (const n of names) FIELD_NAMES.set(n, field);
}
/** Keys our own or other exports carry that are not phrase fields: ignored without a remark. */
const QUIET_KEYS = new Set(['id', 'usage', 'updatedat', '使用次数', '更新时间']);

function fieldOf(name: string): Field | undefined {
  const k = name
    .replace(/[(（[【].*?[)）\]】]/g, '')
    .replace(/\s+/g, '')
    .toLowerCase();
  return FIELD_NAMES.get(k);
}

/** Every name a phrase file may use for a platform (its folder's `aliases`, lib/platforms/registry.ts), or for all. */
const PLATFORM_NAMES = new Map<string, Platform | 'all'>([
  ...PLATFORM_INFOS.flatMap((p) => p.aliases.map((n) => [n, p.id] as const)),
  ...['全部', '所有', '全平台', '所有平台', '通用', 'all', '*'].map((n) => [n, 'all'] as const),
]);
const TAG_SEP = /[,，;；、|]/;
const PLATFORM_SEP = /[,，;；、|/／\s()（）]/;

// ─── decoding ─────────────────────────────────────────────────────────────────────────────────────────────

function startsWith(b: Uint8Array, sig: readonly number[]): boolean {
  return b.length >= sig.length && sig.every((x, i) => b[i] === x);
}

function decode(bytes: Uint8Array): { text: string; encoding: string } {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return dec('utf-8', bytes.subarray(3));
  if (startsWith(bytes, [0xff, 0xfe])) return dec('utf-16le', bytes.subarray(2));
  if (startsWith(bytes, [0xfe, 0xff])) return dec('utf-16be', bytes.subarray(2));
  // UTF-16 without a BOM: mostly-ASCII text has a zero byte in every other position.
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n >= 4) {
    let even = 0;
    let odd = 0;
    for (let i = 0; i < n; i++) {
      if (bytes[i] !== 0) continue;
      if (i % 2) odd++;
      else even++;
    }
    if (odd > n / 6 && even < odd / 4) return dec('utf-16le', bytes);
    if (even > n / 6 && odd < even / 4) return dec('utf-16be', bytes);
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return dec('gb18030', bytes);
  }
}

function dec(encoding: string, bytes: Uint8Array): { text: string; encoding: string } {
  return { text: new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes), encoding };
}

// ─── raw rows → drafts ────────────────────────────────────────────────────────────────────────────────────

/** What a reader found for one phrase, before validation. Values are unknown (JSON) or strings (CSV/TXT). */
interface RawRow {
  line: number;
  values: Partial<Record<Field, unknown>>;
  /** Set when the item itself is unusable (a JSON number, ...). */
  problem?: Msg;
}

interface ReadResult {
  format: ImportFormat;
  rows: RawRow[];
  notes: Msg[];
  fatal?: Msg;
}

/** CRLF → LF, control characters other than tab and newline removed, trimmed. */
export function cleanText(s: string): string {
  return (
    s
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .trim()
  );
}
/** One line: whitespace runs (newlines included) become one space. */
export function cleanLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function scalar(v: unknown): string | null {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return null;
}

/** A list field: a string with separators, or an array of strings (each may hold separators too). */
function list(v: unknown, sep: RegExp): string[] | null {
  if (v === undefined || v === null) return [];
  const parts: string[] = [];
  for (const item of Array.isArray(v) ? v : [v]) {
    const s = scalar(item);
    if (s === null) return null;
    for (const part of s.split(sep)) parts.push(part); // no spread: a hostile cell may split a million ways
  }
  return parts.map(cleanLine).filter(Boolean);
}

function toDraft(raw: RawRow): { draft?: PhraseDraft; errors: Msg[] } {
  if (raw.problem) return { errors: [raw.problem] };
  const errors: Msg[] = [];
  const v = raw.values;
  const typeError = (f: Field) => errors.push(M.badType(FIELD_LABEL[f]));

  const textRaw = scalar(v.text);
  let text = '';
  if (textRaw === null) typeError('text');
  else {
    text = cleanText(textRaw);
    if (!text) errors.push(M.emptyText);
    else if (text.length > PHRASE_LIMITS.text) errors.push(M.textTooLong(text.length));
  }

  const groupRaw = scalar(v.group);
  let group = DEFAULT_GROUP;
  if (groupRaw === null) typeError('group');
  else {
    group = cleanLine(groupRaw) || DEFAULT_GROUP;
    if (group.length > PHRASE_LIMITS.group) errors.push(M.groupTooLong(group.length));
  }

  const tagList = list(v.tags, TAG_SEP);
  const tags = tagList ? [...new Set(tagList)] : [];
  if (!tagList) typeError('tags');
  else {
    if (tags.length > PHRASE_LIMITS.tags) errors.push(M.tooManyTags(tags.length));
    else for (const t of tags) if (t.length > PHRASE_LIMITS.tag) errors.push(M.tagTooLong(t));
  }

  let shortcut: string | undefined;
  const scRaw = scalar(v.shortcut);
  if (scRaw === null) typeError('shortcut');
  else if (scRaw.trim()) {
    const sc = normalizeShortcut(scRaw.trim().replace(/^／/, '/'));
    if (SHORTCUT_RE.test(sc)) shortcut = sc;
    else errors.push(M.badShortcut(scRaw.trim()));
  }

  let platforms: Platform[] | undefined;
  const names = list(v.platforms, PLATFORM_SEP);
  if (!names) typeError('platforms');
  else {
    const found = new Set<Platform>();
    const unknown = new Set<string>();
    let all = false;
    for (const n of names) {
      const p = PLATFORM_NAMES.get(n.toLowerCase());
      if (p === 'all') all = true;
      else if (p) found.add(p);
      else unknown.add(n);
    }
    for (const n of [...unknown].slice(0, 3)) errors.push(M.unknownPlatform(n));
    // Kept in the canonical order, so exports and comparisons are stable.
    if (!all && found.size) platforms = PLATFORMS.filter((p) => found.has(p));
  }

  if (errors.length) return { errors };
  const draft: PhraseDraft = { text, group, tags };
  if (shortcut !== undefined) draft.shortcut = shortcut;
  if (platforms !== undefined) draft.platforms = platforms;
  // The background validates every draft again with these rules: a draft it would refuse must not pass here.
  const check = validateDraft(draft);
  if (!check.ok) return { errors: check.errors };
  return { draft, errors: [] };
}

// ─── readers ──────────────────────────────────────────────────────────────────────────────────────────────

/**
 * RFC 4180 records, read by papaparse. Lenient where Excel and hand-written files are: a stray quote inside a field
 * is kept (a quote opens a quoted cell only at the cell's start); blanks after a closing quote are dropped; line
 * ends may be CRLF, LF or CR, even mixed (made LF first: inside quoted cells too, which the cleaning of every cell
 * does anyway). `line` is the record's number.
 */
function parseDelimited(
  s: string,
  delim: string,
): { records: { cells: string[]; line: number }[]; unclosedAt?: number } {
  const r = Papa.parse<string[]>(s.replace(/\r\n?/g, '\n'), {
    delimiter: delim,
    newline: '\n',
    quoteChar: '"',
    escapeChar: '"',
    skipEmptyLines: false,
  });
  const unclosed = r.errors.find((e) => e.code === 'MissingQuotes');
  if (unclosed) return { records: [], unclosedAt: (unclosed.row ?? r.data.length) + 1 };
  const records = r.data.map((cells, i) => ({ cells, line: i + 1 }));
  // The newline that ends the file ends the last record; it starts none.
  const last = records[records.length - 1];
  if (last && last.cells.length === 1 && last.cells[0] === '') records.pop();
  return { records };
}

/** The delimiter of a delimited file from its first line: tab when it has tabs and at least as many as commas. */
function sniffDelimiter(firstLine: string): ',' | '\t' {
  let commas = 0;
  let tabs = 0;
  let q = false;
  for (const c of firstLine) {
    if (c === '"') q = !q;
    else if (!q && c === ',') commas++;
    else if (!q && c === '\t') tabs++;
  }
  return tabs > 0 && tabs >= commas ? '\t' : ',';
}

function firstLineOf(s: string): string {
  const m = /^[^\r\n]*/.exec(s.replace(/^\s+/, ''));
  return m ? m[0] : '';
}

/** Does this first line look like a header of ours (a text column among at least two cells)? */
function looksLikeHeader(line: string): boolean {
  const cells = line.split(sniffDelimiter(line)).map((c) => c.replace(/^"|"$/g, ''));
  return cells.length >= 2 && cells.some((c) => fieldOf(c) === 'text');
}

/**
 * Excel's formula guard (see csvText): `'=…`, `'+…`, `'-…`, `'@…`, `'<TAB>…`, `'<CR>…` lose one apostrophe (a CR
 * was made LF before parsing).
 */
function unguard(cell: string): string {
  return /^'+[=+\-@\t\r\n]/.test(cell) ? cell.slice(1) : cell;
}

function readCsv(s: string, forcedDelim?: ',' | '\t'): ReadResult {
  const notes: Msg[] = [];
  let body = s;
  let delim = forcedDelim ?? sniffDelimiter(firstLineOf(s));
  const sep = /^sep=(.)(\r\n|\r|\n)/i.exec(body);
  if (sep) {
    delim = sep[1] === '\t' ? '\t' : ',';
    body = body.slice(sep[0].length);
  }
  const { records, unclosedAt } = parseDelimited(body, delim);
  if (unclosedAt !== undefined) return { format: 'csv', rows: [], notes, fatal: F.unclosedQuote(unclosedAt) };

  // Header: any cell naming a field. Without one, columns are in export order.
  let columns: (Field | undefined)[] = ['text', 'group', 'tags', 'shortcut', 'platforms'];
  let start = 0;
  const first = records.find((r) => r.cells.some((c) => c.trim()));
  if (first) {
    const named = first.cells.map(fieldOf);
    if (named.some(Boolean)) {
      if (!named.includes('text')) return { format: 'csv', rows: [], notes, fatal: F.noTextColumn };
      // A repeated column name: the first one counts.
      columns = named.map((f, i) => (f && named.indexOf(f) === i ? f : undefined));
      start = records.indexOf(first) + 1;
      const ignored = first.cells.filter((c, i) => c.trim() && !columns[i]).map((c) => show(cleanLine(c)));
      if (ignored.length) notes.push((t) => t('ioIgnoredColumns', [listOf(ignored)(t)]));
    }
  }

  const rows: RawRow[] = [];
  for (const r of records.slice(start)) {
    if (!r.cells.some((c) => c.trim())) continue; // blank lines and Excel's trailing ",,,," rows
    const values: Partial<Record<Field, unknown>> = {};
    r.cells.forEach((c, i) => {
      const f = columns[i];
      if (f) values[f] = unguard(c);
    });
    rows.push({ line: r.line, values });
  }
  return { format: 'csv', rows, notes };
}

const TXT_HEADER = [/^#+\s*(.*)$/, /^【([^【】]*)】$/, /^\[([^[\]]*)\]$/];

/** `\n` → newline, `\\` → `\`; a leading `\#`, `\[`, `\【` is a line that is not a group header. */
function unescapeTxt(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    const d = line[i + 1];
    if (c === '\\' && d === 'n') {
      out += '\n';
      i++;
    } else if (c === '\\' && d === '\\') {
      out += '\\';
      i++;
    } else if (c === '\\' && i === 0 && (d === '#' || d === '[' || d === '【')) {
      out += d;
      i++;
    } else out += c;
  }
  return out;
}

/** The inverse of unescapeTxt, for the TXT export. */
export function escapeTxt(text: string): string {
  const s = text.replace(/\\/g, '\\\\').replace(/\r\n?|\n/g, '\\n');
  return /^[#[【]/.test(s) ? `\\${s}` : s;
}

function readTxt(s: string): ReadResult {
  const rows: RawRow[] = [];
  let group = DEFAULT_GROUP;
  s.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (!t) return;
    for (const re of TXT_HEADER) {
      const m = re.exec(t);
      if (m) {
        group = cleanLine(m[1] ?? '') || DEFAULT_GROUP;
        return;
      }
    }
    rows.push({ line: i + 1, values: { text: unescapeTxt(t), group } });
  });
  return { format: 'txt', rows, notes: [] };
}

/** Deepest nesting of a JSON text, counted outside strings, without parsing it. */
function jsonDepth(s: string): number {
  let depth = 0;
  let max = 0;
  let inStr = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** The parser's message, with the line when it gives only a position. */
function jsonErrorDetail(s: string, err: unknown): string {
  const msg = show(String(err instanceof Error ? err.message : err), 120);
  const pos = /position (\d+)/.exec(msg);
  if (!pos || /line \d+/.test(msg)) return msg;
  const line = s.slice(0, Number(pos[1])).split('\n').length;
  return `${msg} (line ${line})`;
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function readJson(s: string): ReadResult {
  const fail = (fatal: Msg): ReadResult => ({ format: 'json', rows: [], notes: [], fatal });
  if (jsonDepth(s) > IMPORT_LIMITS.depth) return fail(F.jsonDepth);
  let data: unknown;
  try {
    data = JSON.parse(s);
  } catch (err) {
    return fail(F.badJson(jsonErrorDetail(s, err)));
  }
  let items: unknown;
  if (Array.isArray(data)) items = data;
  else if (isRecord(data)) {
    const key = ['phrases', '短语', '话术'].find((k) => own(data, k));
    if (key) items = data[key];
  }
  if (!Array.isArray(items)) return fail(F.jsonShape);
  if (items.length > IMPORT_LIMITS.rows) return fail(F.tooMany(items.length));

  const ignored = new Set<string>();
  const rows: RawRow[] = items.map((item: unknown, i): RawRow => {
    const line = i + 1;
    if (typeof item === 'string') return { line, values: { text: item } };
    if (!isRecord(item)) return { line, values: {}, problem: M.notAPhrase };
    const values: Partial<Record<Field, unknown>> = {};
    for (const key of Object.keys(item)) {
      const f = fieldOf(key);
      if (f) {
        if (!(f in values)) values[f] = item[key];
      } else if (!QUIET_KEYS.has(key.toLowerCase())) ignored.add(show(key));
    }
    return { line, values };
  });
  const notes: Msg[] = ignored.size ? [(t) => t('ioIgnoredFields', [listOf([...ignored])(t)])] : [];
  return { format: 'json', rows, notes };
}

// ─── parseImport ──────────────────────────────────────────────────────────────────────────────────────────

function refused(
  t: Translate,
  format: ImportPreview['format'],
  encoding: string,
  fatal: Msg,
  notes: readonly Msg[] = [],
): ImportPreview {
  const text = sayMsg(t, fatal);
  const said = notes.map((n) => sayMsg(t, n));
  return {
    format,
    encoding,
    rows: [{ line: 0, error: text }],
    ok: 0,
    errors: 1,
    warnings: 0,
    fatal: text,
    notes: said,
  };
}

function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * Reads a picked file into a preview, its messages in `t`'s language. Never throws; a refused file is a preview
 * with `fatal`.
 */
export function parseImport(input: { name: string; bytes: Uint8Array }, t: Translate): ImportPreview {
  try {
    return parse(input.name, input.bytes, t);
  } catch (err) {
    // Not expected (every limit is checked first); still, a file must never break the page.
    const detail = show(String(err instanceof Error ? err.message : err), 120);
    return refused(t, 'unknown', '', ['ioUnreadable', [detail]]);
  }
}

function parse(name: string, bytes: Uint8Array, t: Translate): ImportPreview {
  const ext = extensionOf(name);
  const guess: ImportPreview['format'] =
    ext === 'csv' || ext === 'tsv' ? 'csv' : ext === 'json' ? 'json' : ext === 'txt' ? 'txt' : 'unknown';

  if (bytes.length > IMPORT_LIMITS.bytes) return refused(t, guess, '', F.tooLarge(bytes.length));
  if (
    ['xlsx', 'xls', 'xlsm', 'et', 'numbers'].includes(ext) ||
    startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) ||
    startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])
  )
    return refused(t, guess, '', F.excel);

  const { text: decoded, encoding } = decode(bytes);
  const s = decoded.replace(/^\uFEFF/, '');
  if (s.includes('\u0000')) return refused(t, guess, encoding, F.binary);
  if (!s.trim()) return refused(t, guess, encoding, F.empty);

  let read: ReadResult;
  const trimmed = s.trimStart();
  if (ext === 'json') read = readJson(s);
  else if (ext === 'csv') read = readCsv(s);
  else if (ext === 'tsv') read = readCsv(s, '\t');
  else if (ext === 'txt')
    // Excel's "Unicode text" is a tab-separated table saved as .txt.
    read = looksLikeHeader(firstLineOf(s)) ? readCsv(s) : readTxt(s);
  else if (trimmed.startsWith('{') || /^\[\s*([[{"\]]|$)/.test(trimmed)) read = readJson(s);
  else read = looksLikeHeader(firstLineOf(s)) ? readCsv(s) : readTxt(s);

  if (read.fatal) return refused(t, read.format, encoding, read.fatal, read.notes);
  if (read.rows.length > IMPORT_LIMITS.rows) return refused(t, read.format, encoding, F.tooMany(read.rows.length));
  if (!read.rows.length) return refused(t, read.format, encoding, F.noPhrases, read.notes);

  const unit = read.format === 'json' ? ITEM : LINE;
  const rows: ImportRow[] = [];
  const textAt = new Map<string, number>();
  const shortcutAt = new Map<string, number>();
  for (const raw of read.rows) {
    const { draft, errors } = toDraft(raw);
    if (!draft) {
      rows.push({ line: raw.line, error: rowMessage(t, raw.line, unit, errors) });
      continue;
    }
    const sameText = textAt.get(draft.text);
    if (sameText !== undefined) {
      rows.push({ line: raw.line, warning: rowMessage(t, raw.line, unit, [M.dupText(sameText, unit)]) });
      continue;
    }
    const scKey = draft.shortcut === undefined ? undefined : shortcutKey(draft.shortcut);
    const sameShortcut = scKey === undefined ? undefined : shortcutAt.get(scKey);
    if (sameShortcut !== undefined) {
      rows.push({
        line: raw.line,
        error: rowMessage(t, raw.line, unit, [M.dupShortcut(draft.shortcut!, sameShortcut, unit)]),
      });
      continue;
    }
    textAt.set(draft.text, raw.line);
    if (scKey !== undefined) shortcutAt.set(scKey, raw.line);
    rows.push({ line: raw.line, draft });
  }
  return {
    format: read.format,
    encoding,
    rows,
    ok: rows.filter((r) => r.draft).length,
    errors: rows.filter((r) => r.error).length,
    warnings: rows.filter((r) => r.warning).length,
    notes: read.notes.map((n) => sayMsg(t, n)),
  };
}
