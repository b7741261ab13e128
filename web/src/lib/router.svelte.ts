// Client-side routes: `/` is the list, `/messages/<id>` a message (a permalink the server answers
// with the app), `/faults` the failure-injection panel (rules, rejected attempts, outbound
// status). History entries are pushed so Back works.

export type View = 'inbox' | 'faults';

/** The current route. */
export const route = $state({ messageId: null as string | null, view: 'inbox' as View });

export const FAULTS_PATH = '/faults';

function parse(): void {
  const m = /^\/messages\/([A-Za-z0-9_-]{1,64})\/?$/.exec(location.pathname);
  route.messageId = m ? m[1]! : null;
  route.view = /^\/faults\/?$/.test(location.pathname) ? 'faults' : 'inbox';
}

/** Starts following the address bar (popstate). */
export function startRouter(): () => void {
  parse();
  addEventListener('popstate', parse);
  return () => removeEventListener('popstate', parse);
}

function go(path: string, replace: boolean): void {
  if (location.pathname === path) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
}

/** Opens a message (or the list, with null), adding a history entry unless `replace`. */
export function navigate(messageId: string | null, replace = false): void {
  go(messageId ? `/messages/${encodeURIComponent(messageId)}` : '/', replace);
  route.messageId = messageId;
  route.view = 'inbox';
}

/** Shows the failure-injection panel. */
export function showFaults(): void {
  go(FAULTS_PATH, false);
  route.messageId = null;
  route.view = 'faults';
}
