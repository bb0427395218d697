/**
 * Where each selector came from, as data: every platform folder's `sources.ts` gives each CSS string of each selector
 * map its index.ts exports a source note. Never imported by content code (eslint.config.js: the notes are for people
 * and for test/unit/selector-sources.test.ts, not for the page), so the content scripts' bundles stay as they were.
 *
 * A note is one of:
 * - `workbench-dom § <section> (<when>)[: detail]`: ../shared/docs/workbench-dom.md shows it in that section (the doc
 *   was gathered from public automation code of 2024–2026; the detail says when it is a loosened form of what the
 *   doc shows, e.g. the tag dropped);
 * - `seed <NNN> <mark>[: detail]`: a source file in ../shared/seeds (`<NNN>_….txt`) shows it;
 * - `fixture-only: <file> — <why>`: only our saved pages (test/fixtures/<folder>/) have it, no source shows it;
 * - `guess: <why>`: nothing shows it; a fallback kept because drift is likely (say what it hopes to catch);
 * - `own page: <file>`: a page of this project (the demo build's editor lab), not a platform's.
 */
import type { SelectorMap } from './types';

/** The sections of ../shared/docs/workbench-dom.md (the first word of each `## ` heading). */
export type DomSection = 'Pinduoduo' | 'Douyin' | '1688' | 'JD' | 'Kuaishou' | 'Inserting';

/** When the doc's facts were seen: the public code it was gathered from (its header). */
export const DOM_DOC_WHEN = '2024–2026';

export type SourceNote =
  | `workbench-dom § ${DomSection} (${string})${'' | `: ${string}`}`
  | `seed ${string}`
  | `fixture-only: ${string}`
  | `guess: ${string}`
  | `own page: ${string}`;

/** A note for every CSS string of every purpose of a selector map (keyed by the CSS string itself). */
export type SelectorSources<M extends SelectorMap> = {
  readonly [K in keyof M]: { readonly [C in M[K][number]]: SourceNote };
};

export interface PlatformSelectorSources {
  /** The folder's exported selector maps, by export name. */
  maps: Readonly<Record<string, SelectorMap>>;
  /** Per map (same names), per purpose, per CSS string: its source note. */
  notes: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, SourceNote>>>>>>;
}

/** A folder's notes, checked by the type (a CSS string without a note, or a note for none, does not compile). */
export function defineSelectorSources<const Maps extends Record<string, SelectorMap>>(
  maps: Maps,
  notes: { readonly [N in keyof Maps]: SelectorSources<Maps[N]> },
): PlatformSelectorSources {
  return { maps, notes };
}

/** A note citing the doc's section, optionally saying how the selector differs from what it shows. */
export function domNote(section: DomSection, detail?: string): SourceNote {
  return detail
    ? `workbench-dom § ${section} (${DOM_DOC_WHEN}): ${detail}`
    : `workbench-dom § ${section} (${DOM_DOC_WHEN})`;
}
