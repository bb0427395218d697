/** Writing the phrase library as a file (pure): CSV, TXT or JSON, each read back by `parseImport` (`formats.ts`). */
import { csvText } from '../csv';
import type { PhraseRow } from '../model';
import type { Platform } from '../model';
import { PLATFORM_INFOS } from '../platforms/registry';
import { cleanLine, escapeTxt, type ImportFormat } from './formats';
import { DEFAULT_GROUP } from './validate';

export type ExportFormat = ImportFormat;
type Exportable = Pick<PhraseRow, 'text' | 'group' | 'tags' | 'shortcut' | 'platforms'>;

/** The names exports write: each platform's `exportName` (lib/platforms/<folder>/platform.ts), read back as an alias. */
const platformExportName = (p: Platform) => PLATFORM_INFOS.find((x) => x.id === p)?.exportName ?? p;

const CSV_HEADER = ['内容', '分组', '标签', '快捷键', '平台'];

function groupsInOrder(rows: readonly Exportable[]): Map<string, Exportable[]> {
  const groups = new Map<string, Exportable[]>();
  for (const r of rows) {
    const g = cleanLine(r.group) || DEFAULT_GROUP;
    const list = groups.get(g);
    if (list) list.push(r);
    else groups.set(g, [r]);
  }
  return groups;
}

function exportName(ext: string, now?: number): string {
  if (now === undefined) return `快捷短语.${ext}`;
  const day = new Date(now + 8 * 3600_000).toISOString().slice(0, 10); // China date
  return `快捷短语-${day}.${ext}`;
}

/**
 * The library as a file. CSV: UTF-8 with BOM (Excel reads Chinese correctly), CRLF, Chinese header, every cell
 * through `csvText` (formula guard; bidi and zero-width controls removed).
 * TXT: group headers (`# 发货`) and one phrase per line (newlines as `\n`); it carries text and group only.
 * JSON: `{ "format": "reply-sentinel-phrases", "version": 1, "phrases": [...] }`, pretty-printed.
 * Each reads back through parseImport into the same drafts (TXT: the same text and group; CSV: without the
 * controls).
 */
export function exportPhrases(
  rows: readonly Exportable[],
  format: ExportFormat,
  opts: { now?: number } = {},
): { name: string; mime: string; text: string } {
  if (format === 'csv') {
    const lines = [CSV_HEADER.join(',')];
    for (const r of rows)
      lines.push(
        [
          r.text,
          r.group,
          r.tags.join('、'),
          r.shortcut ?? '',
          (r.platforms ?? []).map((p) => platformExportName(p)).join('、'),
        ]
          .map(csvText)
          .join(','),
      );
    return {
      name: exportName('csv', opts.now),
      mime: 'text/csv;charset=utf-8',
      text: `\uFEFF${lines.join('\r\n')}\r\n`,
    };
  }
  if (format === 'txt') {
    const out: string[] = [];
    for (const [g, list] of groupsInOrder(rows)) {
      if (out.length) out.push('');
      out.push(`# ${g}`);
      for (const r of list) out.push(escapeTxt(r.text));
    }
    return { name: exportName('txt', opts.now), mime: 'text/plain;charset=utf-8', text: `${out.join('\r\n')}\r\n` };
  }
  const phrases = rows.map((r) => ({
    text: r.text,
    group: r.group,
    tags: [...r.tags],
    ...(r.shortcut && { shortcut: r.shortcut }),
    ...(r.platforms?.length && { platforms: [...r.platforms] }),
  }));
  return {
    name: exportName('json', opts.now),
    mime: 'application/json',
    text: `${JSON.stringify({ format: 'reply-sentinel-phrases', version: 1, phrases }, null, 2)}\n`,
  };
}
