// Client-side routes: `/` is the list, `/messages/<id>` a message (a permalink the server answers
// with the app). History entries are pushed so Back works.

/** The current route. */
export const route = $state({ messageId: null as string | null });

function parse(): void {
  const m = /^\/messages\/([A-Za-z0-9_-]{1,64})\/?$/.exec(location.pathname);
  route.messageId = m ? m[1]! : null;
}

/** Starts following the address bar (popstate). */
export function startRouter(): () => void {
  parse();
  addEventListener('popstate', parse);
  return () => removeEventListener('popstate', parse);
}

/** Opens a message (or the list, with null), adding a history entry unless `replace`. */
export function navigate(messageId: string | null, replace = false): void {
  const path = messageId ? `/messages/${encodeURIComponent(messageId)}` : '/';
  if (location.pathname !== path) {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
  }
  route.messageId = messageId;
}
