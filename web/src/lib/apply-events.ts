// Applying a batch of feed events to the loaded list: pure, so a burst of thousands of events
// costs one pass over the list, and the rules are unit-tested without a browser.
import type { ListScope, MessageSummary } from './api';
import type { FeedEvent } from './feed.svelte';

/** What a batch did to the list. */
export interface Applied {
  items: MessageSummary[];
  /** New messages placed at the top (counted into total/unread by the caller). */
  added: MessageSummary[];
  /** Every new message in the inbox scope, whether or not it is shown (for notifications). */
  arrivals: MessageSummary[];
  /** Ids removed by deletes, evictions and clears. */
  gone: string[];
  /** The server must be asked again: a search is active and the batch may change its result. */
  needResync: boolean;
}

/** Applies events in order to `items` (newest first). Only the server knows the search language,
 *  so while `scope.query` is set, arrivals and tag changes ask for a re-sync instead. */
export function applyEvents(items: readonly MessageSummary[], events: readonly FeedEvent[], scope: ListScope): Applied {
  const searching = scope.query.trim() !== '';
  let front: MessageSummary[] = []; // arrivals, oldest first
  let rest = items as MessageSummary[];
  const have = new Set<string>();
  for (const m of rest) have.add(m.id);
  const arrivals: MessageSummary[] = [];
  const gone: string[] = [];
  let needResync = false;
  for (const e of events) {
    switch (e.type) {
      case 'message:new':
        if (scope.inbox && e.summary.inbox !== scope.inbox) break;
        arrivals.push(e.summary);
        if (searching) needResync = true;
        else if (!have.has(e.summary.id)) {
          have.add(e.summary.id);
          front.push(e.summary);
        }
        break;
      case 'message:deleted':
      case 'message:evicted': {
        const ids = new Set(e.ids);
        gone.push(...e.ids);
        front = front.filter((m) => !ids.has(m.id));
        rest = rest.filter((m) => !ids.has(m.id));
        break;
      }
      case 'message:read': {
        const ids = new Set(e.ids);
        const flip = (m: MessageSummary) => (ids.has(m.id) && m.read !== e.read ? { ...m, read: e.read } : m);
        front = front.map(flip);
        rest = rest.map(flip);
        break;
      }
      case 'message:tags': {
        const tags = new Map(e.messages.map((m) => [m.id, m.tags]));
        const retag = (m: MessageSummary) => (tags.has(m.id) ? { ...m, tags: tags.get(m.id)! } : m);
        front = front.map(retag);
        rest = rest.map(retag);
        if (searching) needResync = true;
        break;
      }
      case 'store:cleared': {
        const keep = (m: MessageSummary) => {
          if (e.inbox !== null && m.inbox !== e.inbox) return true;
          gone.push(m.id);
          return false;
        };
        front = front.filter(keep);
        rest = rest.filter(keep);
        break;
      }
    }
  }
  const added = front.reverse();
  return { items: added.length ? added.concat(rest) : rest, added, arrivals, gone, needResync };
}
