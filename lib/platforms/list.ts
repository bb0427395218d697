/**
 * The conversation list as every adapter with a live list reads it: the rows (matched by the selector `rowSel` that
 * found them under the list container), each read by the adapter's own `read`, and the live path's part for the same
 * rows and the same reader (`Live['rows']`), so the full read and the incremental read cannot disagree on what a
 * row is or says.
 */
import { matches, outermost, pickAll, under } from './dom';
import type { ExtractedConversation, Live } from './types';

export interface ListSpec {
  /** The list container (null: not found; then there is no live part). */
  listEl: Element | null;
  /** The selector that found the rows under it (null: none matched). */
  rowSel: string | null;
  /** The rows, as the full read found them. */
  rows: readonly Element[];
  /** One row → its conversation, or null when it is none (a platform notice row). */
  read(row: Element): ExtractedConversation | null;
  /** Rows can nest (a row inside a row group that also matches): keep the outermost. */
  nested?: boolean;
  /** The list keeps only the first row of each buyer. */
  firstPerBuyer?: boolean;
  waitingCounter?: NonNullable<Live['rows']>['waitingCounter'];
  /**
   * The live part's reader of one row, when it cannot be the full read's (Douyin: the full read finds every row's
   * group in one pass over the list; a row read alone finds its own). It must read a row as `read` would in the
   * same page.
   */
  liveRead?(row: Element): ExtractedConversation | null;
  regroups?: NonNullable<Live['rows']>['regroups'];
  readAll?: NonNullable<Live['rows']>['readAll'];
  /** See Live `rows.inertText`. */
  inertText?: boolean;
}

export function readList(spec: ListSpec): { conversations: ExtractedConversation[]; live: Live['rows'] } {
  const { listEl, rowSel, read } = spec;
  const conversations: ExtractedConversation[] = [];
  const buyers = new Set<string>();
  for (const row of spec.rows) {
    const c = read(row);
    if (!c || (spec.firstPerBuyer && buyers.has(c.buyer))) continue;
    buyers.add(c.buyer);
    conversations.push(c);
  }
  if (!listEl || !rowSel) return { conversations, live: undefined };
  const top = spec.nested ? outermost : (els: Element[]) => els;
  return {
    conversations,
    live: {
      in: listEl,
      isRow: (el) => matches(el, rowSel),
      under: (node) => top(under(node, rowSel)),
      read: spec.liveRead ?? read,
      all: () => top(pickAll(listEl, [rowSel])),
      ...(spec.firstPerBuyer && { firstPerBuyer: true }),
      ...(spec.waitingCounter && { waitingCounter: spec.waitingCounter }),
      ...(spec.regroups && { regroups: spec.regroups }),
      ...(spec.inertText && { inertText: true }),
      ...(spec.readAll && { readAll: spec.readAll }),
    },
  };
}
