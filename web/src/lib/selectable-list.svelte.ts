// The loaded rows of the list with the keyboard focus and the multi-selection over them: what a
// click, a shift-click, Ctrl/Cmd-click, x and j/k change. The mailbox (mailbox.svelte.ts) extends
// it with loading, the feed, counts and actions.
import type { MessageSummary } from './api';

/* eslint-disable svelte/prefer-svelte-reactivity -- `selected` is $state.raw and always replaced whole by a fresh Set, never changed in place */

export class SelectableList {
  /** Loaded prefix of the list, newest first. */
  items = $state.raw<MessageSummary[]>([]);
  /** Selected ids (multi-select). */
  selected = $state.raw<ReadonlySet<string>>(new Set());
  /** The keyboard cursor: the row j/k move and Enter opens. */
  focusId = $state<string | null>(null);
  anchorId: string | null = null;

  indexOf(id: string | null): number {
    return id === null ? -1 : this.items.findIndex((m) => m.id === id);
  }

  /** Plain click: focus this row (and open it) without selecting anything. */
  focusOnly(id: string): void {
    this.selected = new Set();
    this.focusId = id;
    this.anchorId = id;
  }

  /** This row alone, selected (a shift-click with no anchor). */
  selectOnly(id: string): void {
    this.selected = new Set([id]);
    this.focusId = id;
    this.anchorId = id;
  }

  /** Ctrl/Cmd click or x: add or remove one row. */
  toggle(id: string): void {
    const next = new Set(this.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.selected = next;
    this.focusId = id;
    this.anchorId = id;
  }

  /** Shift click: everything between the anchor and this row. */
  selectRange(id: string): void {
    const a = this.indexOf(this.anchorId ?? this.focusId ?? id);
    const b = this.indexOf(id);
    if (a < 0 || b < 0) return this.selectOnly(id);
    const [lo, hi] = a < b ? [a, b] : [b, a];
    this.selected = new Set(this.items.slice(lo, hi + 1).map((m) => m.id));
    this.focusId = id;
  }

  clearSelection(): void {
    this.selected = new Set();
  }

  /** Ids an action applies to: the selection, else the given fallback (focused / open message). */
  targets(fallback: string | null): string[] {
    if (this.selected.size > 0) return [...this.selected];
    return fallback ? [fallback] : [];
  }
}
