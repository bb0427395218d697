/**
 * No hard-coded human text in the UI: every word a React component or the content scripts' UI shows comes from the
 * catalogs (lib/locales) through the translator. Scans the sources' syntax trees for JSX text, string literals in
 * JSX (children and the attributes people read), strings the content UI writes into the page (textContent,
 * placeholder, aria-label, title), and any Chinese string literal, outside a small explicit allow-list.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

/** UI sources: the pages' components and entry points, and the content scripts' own UI. */
const UI_DIRS = ['components', 'entrypoints'];
const CONTENT_UI = ['lib/content/palette.ts', 'lib/content/row-badges.ts', 'lib/content/tab-title.ts'];

/**
 * Text that may stay in the code, with why: a language's own name is shown in that language whatever the UI's
 * language (the language picker); phrase variables and a shortcut example are the syntax of the phrase data, not UI text.
 */
const ALLOWED: Record<string, readonly string[]> = {
  'components/SettingsPage.tsx': ['简体中文', 'English'],
  'components/phrases/PhraseLibrary.tsx': [
    '{买家昵称}',
    '{客服名}',
    '{店铺名}',
    '{问候}',
    '{日期}',
    '{?订单号}',
    '/fh',
  ],
};

const READ_ATTRS = new Set(['title', 'placeholder', 'aria-label', 'alt', 'label', 'aria-description']);
const WRITTEN_PROPS = new Set(['textContent', 'placeholder', 'title', 'innerText', 'ariaLabel']);
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
/** Words: two letters in a row (so "·", "—", "%", "×", "s", keys like "↑↓" pass). */
const WORDY = /[A-Za-z]{2,}|[\u3400-\u9fff]/;

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(dir, e.name))
      : /\.(tsx?|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** The human-looking strings of a UI source that did not come from the translator: [line, text]. */
export function hardCoded(path: string, source: string): [number, string][] {
  const sf = ts.createSourceFile(
    path,
    source,
    ts.ScriptTarget.Latest,
    true,
    path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: [number, string][] = [];
  const allowed = ALLOWED[path] ?? [];
  const seen = new Set<ts.Node>();
  const report = (node: ts.Node | undefined, text: string) => {
    if (!node || seen.has(node)) return;
    seen.add(node);
    const t = text.replace(/\s+/g, ' ').trim();
    if (!t || allowed.includes(t)) return;
    found.push([sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, t]);
  };
  const stringOf = (n: ts.Node | undefined): string | null =>
    n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n))
      ? n.text
      : n && ts.isTemplateExpression(n)
        ? [n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join(' ')
        : null;
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && WORDY.test(node.text)) report(node, node.text);
    else if (
      ts.isJsxExpression(node) &&
      node.parent &&
      (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))
    ) {
      const s = stringOf(node.expression);
      if (s !== null && WORDY.test(s)) report(node.expression, s);
    } else if (ts.isJsxAttribute(node) && READ_ATTRS.has(node.name.getText(sf))) {
      const init = node.initializer;
      const lit = init && ts.isJsxExpression(init) ? init.expression : init;
      const s = stringOf(lit);
      if (s !== null && WORDY.test(s)) report(lit, s);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = node.left;
      const s = stringOf(node.right);
      if (ts.isPropertyAccessExpression(left) && WRITTEN_PROPS.has(left.name.text) && s !== null && WORDY.test(s))
        report(node.right, s);
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'setAttribute' &&
      READ_ATTRS.has(stringOf(node.arguments[0]) ?? '')
    ) {
      const s = stringOf(node.arguments[1]);
      if (s !== null && WORDY.test(s)) report(node.arguments[1], s);
    } else {
      const s = stringOf(node);
      if (s !== null && CJK.test(s) && !ts.isImportDeclaration(node.parent)) report(node, s);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('UI text comes from the catalogs', () => {
  const sources = [...UI_DIRS.flatMap(files), ...CONTENT_UI];

  it('no React component, page or content-script UI shows a hard-coded human string', () => {
    expect(sources.length).toBeGreaterThan(15);
    const offenders = sources.flatMap((p) =>
      hardCoded(relative(ROOT, join(ROOT, p)), readFileSync(join(ROOT, p), 'utf8')).map(([l, t]) => `${p}:${l} ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('finds what it is meant to find (so it can fail)', () => {
    const src = [
      `const a = <p>Save now</p>;`,
      `const b = <p>{'保存'}</p>;`,
      `const c = <input placeholder="Search phrases" aria-label={\`搜索 \${x}\`} />;`,
      `el.textContent = 'loading phrases…';`,
      `el.setAttribute('aria-label', '预览 Preview');`,
      `const d = '没有匹配的短语';`,
      `const ok = <p title={t('x')}>{t('y')} · {n}% — {'·'}</p>;`,
      `el.className = 'rs-hint'; el.setAttribute('role', 'listbox');`,
    ].join('\n');
    expect(hardCoded('x.tsx', src).map(([line]) => line)).toEqual([1, 2, 3, 3, 4, 5, 6]);
    expect(hardCoded('components/SettingsPage.tsx', `const o = <option>简体中文</option>;`)).toEqual([]);
  });
});
