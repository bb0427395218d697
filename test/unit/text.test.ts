/** Page text in our UIs, notifications and CSV files: bidi and zero-width controls removed, isolated, guarded. */
import { describe, expect, it } from 'vitest';
import { csvText } from '../../lib/csv';
import { FSI, PDI, isolate, safeText } from '../../lib/text';

const CONTROLS = [
  ...['\u202A', '\u202B', '\u202C', '\u202D', '\u202E'],
  ...['\u2066', '\u2067', '\u2068', '\u2069'],
  ...['\u200E', '\u200F', '\u061C'],
  ...['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF'],
];

describe('safeText and isolate', () => {
  it('removes every bidi and zero-width control, and nothing else', () => {
    for (const c of CONTROLS) expect(safeText(`a${c}b${c}`)).toBe('ab');
    expect(safeText('evil\u202Egnp.exe')).toBe('evilgnp.exe');
    const plain = '小张 Ünïcödé ＡＢＣ 😀👍🏻 \t\n <b>x</b> مرحبا';
    expect(safeText(plain)).toBe(plain);
  });

  it('keeps a zero-width joiner inside an emoji sequence (it hides nothing)', () => {
    const family = '👨\u200D👩\u200D👧';
    expect(safeText(`买家${family}`)).toBe(`买家${family}`);
    expect(safeText('👩🏽\u200D💻')).toBe('👩🏽\u200D💻');
    expect(safeText('a\u200D👩')).toBe('a👩');
    expect(safeText('👩\u200Db')).toBe('👩b');
  });

  it('isolates plain text with FSI … PDI', () => {
    expect(isolate('\u202E小张\u2069')).toBe(`${FSI}小张${PDI}`);
    expect(FSI).toBe('\u2068');
    expect(PDI).toBe('\u2069');
  });
});

describe('csvText: the one CSV cell guard', () => {
  it('makes a cell that Excel would run inert: = + - @ TAB CR, after any apostrophes', () => {
    expect(csvText('=1+1')).toBe("'=1+1");
    expect(csvText('+1')).toBe("'+1");
    expect(csvText('-5元')).toBe("'-5元");
    expect(csvText('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvText('\t=1+1')).toBe(`"'\t=1+1"`);
    expect(csvText('\r=1+1')).toBe(`"'\r=1+1"`);
    expect(csvText("'=1+1")).toBe("''=1+1");
    expect(csvText("'普通")).toBe("'普通");
    expect(csvText('1-2')).toBe('1-2');
  });

  it('removes controls first, so they cannot hide a formula or reorder a cell', () => {
    expect(csvText('\u202E=cmd|calc')).toBe("'=cmd|calc");
    expect(csvText('\u200B=1+1')).toBe("'=1+1");
    expect(csvText('evil\u202Egnp.exe')).toBe('evilgnp.exe');
  });

  it('quotes what RFC 4180 needs (and what a reader would trim)', () => {
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
    expect(csvText('a\tb')).toBe('"a\tb"');
    expect(csvText(' a')).toBe('" a"');
    expect(csvText('plain')).toBe('plain');
  });
});
