// Keyboard shortcuts: one table, shown in the help dialog and used by the handler.

export interface Shortcut {
  keys: string[];
  does: string;
}

/** The shortcut list the "?" dialog shows. */
export const SHORTCUTS: Shortcut[] = [
  { keys: ['j', '↓'], does: 'Next (older) message' },
  { keys: ['k', '↑'], does: 'Previous (newer) message' },
  { keys: ['Enter', 'o'], does: 'Open the focused message' },
  { keys: ['Esc'], does: 'Back to the list / clear the selection' },
  { keys: ['x'], does: 'Select or unselect the focused message' },
  { keys: ['Shift', 'click'], does: 'Select a range' },
  { keys: ['Ctrl/⌘', 'click'], does: 'Add to or remove from the selection' },
  { keys: ['Delete', '#'], does: 'Delete the selected (or open) messages' },
  { keys: ['u'], does: 'Toggle read / unread' },
  { keys: ['/'], does: 'Search' },
  { keys: ['g', 'g'], does: 'Go to the newest message' },
  { keys: ['g', 'f'], does: 'Go to the faults panel (rules, rejected, outbound)' },
  { keys: ['g', 'i'], does: 'Go to the inbox' },
  { keys: ['?'], does: 'Show this list' },
];

export type Command = 'next' | 'prev' | 'open' | 'back' | 'select' | 'delete' | 'toggleRead' | 'search' | 'top' | 'help' | 'faults' | 'inbox';

const DOUBLE_KEY_MS = 1000; // window for the second "g" of "g g"

/** Maps key presses to commands; remembers a pending "g". Returns null for keys it does not own. */
export function createKeyMap(): (e: KeyboardEvent) => Command | null {
  let gAt = 0;
  return (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return null;
    const t = e.target as HTMLElement | null;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return e.key === 'Escape' ? 'back' : null;
    const k = e.key;
    if (k === 'Enter' && t && /^(BUTTON|A|SUMMARY)$/.test(t.tagName)) return null; // let the control act
    if ((k === 'f' || k === 'i') && Date.now() - gAt < DOUBLE_KEY_MS) {
      gAt = 0;
      return k === 'f' ? 'faults' : 'inbox';
    }
    if (k === 'g') {
      const now = Date.now();
      if (now - gAt < DOUBLE_KEY_MS) {
        gAt = 0;
        return 'top';
      }
      gAt = now;
      return null;
    }
    gAt = 0;
    switch (k) {
      case 'j':
      case 'ArrowDown':
        return 'next';
      case 'k':
      case 'ArrowUp':
        return 'prev';
      case 'Enter':
      case 'o':
        return 'open';
      case 'Escape':
        return 'back';
      case 'x':
        return 'select';
      case 'Delete':
      case '#':
        return 'delete';
      case 'u':
        return 'toggleRead';
      case '/':
        return 'search';
      case '?':
        return 'help';
      default:
        return null;
    }
  };
}
