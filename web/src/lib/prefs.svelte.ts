// User preferences remembered in localStorage: theme, chosen inbox, desktop notifications.

export type Theme = 'system' | 'light' | 'dark';

const KEY = 'mailroom:prefs';

interface Stored {
  theme: Theme;
  inbox: string | null;
  notify: boolean;
}

function load(): Stored {
  const fallback: Stored = { theme: 'system', inbox: null, notify: false };
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<Stored> | null;
    if (!v) return fallback;
    return {
      theme: v.theme === 'light' || v.theme === 'dark' ? v.theme : 'system',
      inbox: typeof v.inbox === 'string' ? v.inbox : null,
      notify: v.notify === true,
    };
  } catch {
    return fallback;
  }
}

/** The live preferences; change a field, then call savePrefs(). */
export const prefs = $state<Stored>(load());

export function savePrefs(): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ theme: prefs.theme, inbox: prefs.inbox, notify: prefs.notify }));
  } catch {
    // storage full or disabled: the choice lasts for this page only
  }
}

/** Applies the theme to the document: `data-theme` wins over the system preference. */
export function applyTheme(): void {
  const root = document.documentElement;
  if (prefs.theme === 'system') root.removeAttribute('data-theme');
  else root.dataset.theme = prefs.theme;
}

/** The theme actually shown (resolving 'system'). */
export function effectiveTheme(): 'light' | 'dark' {
  if (prefs.theme !== 'system') return prefs.theme;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Flips between light and dark (from the theme currently shown) and remembers it; flipping back
 *  to what the system prefers means "follow the system" again. */
export function toggleTheme(): void {
  const next = effectiveTheme() === 'dark' ? 'light' : 'dark';
  const system = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  prefs.theme = next === system ? 'system' : next;
  applyTheme();
  savePrefs();
}

/** Turns desktop notifications on (asking the browser's permission) or off. */
export async function setNotify(on: boolean): Promise<boolean> {
  if (on) {
    if (typeof Notification === 'undefined') return false;
    const perm = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    if (perm !== 'granted') return false;
  }
  prefs.notify = on;
  savePrefs();
  return true;
}
