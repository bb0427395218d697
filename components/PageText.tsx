import { Fragment, type ReactNode } from 'react';
import type { Key, Translate } from '@/lib/i18n';
import { safeText } from '@/lib/text';

/**
 * Text from the pages or from imported files (buyer nicknames, shop and account names, message previews, team
 * source labels, import errors that quote a file): its bidi and zero-width controls removed (lib/text.ts) and
 * isolated from the text around it, so a U+202E in a nickname cannot reverse the rest of the line.
 */
export function PageText({ text, className }: { text: string | null | undefined; className?: string }) {
  return (
    <bdi dir="auto" className={className}>
      {safeText(text ?? '')}
    </bdi>
  );
}

const MARK = /\uE000(\d)\uE001/;

/** A translated message with React nodes (a `<PageText>`, say) in place of its `{{1}}`…`{{9}}`. */
export function tNodes(t: Translate, key: Key, subs: readonly ReactNode[]): ReactNode {
  const parts = t(
    key,
    subs.map((_, i) => `\uE000${i}\uE001`),
  ).split(MARK);
  // split() with a capturing group: text, index, text, index, …
  return parts.map((p, i) => (i % 2 ? <Fragment key={i}>{subs[Number(p)]}</Fragment> : p));
}
