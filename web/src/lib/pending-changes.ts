// Deletions and read flags made while the server cannot be reached: how one is sent, and how it
// changes the list meanwhile. Pure apart from the API call; the mailbox keeps the queue.

import * as api from './api';
import type { MessageSummary } from './api';

/** A change made while the server could not be reached. */
export type PendingChange = { kind: 'delete'; ids: string[] } | { kind: 'read'; ids: string[]; read: boolean };

export function sendChange(change: PendingChange): Promise<unknown> {
  const { ids } = change;
  if (change.kind === 'delete') return ids.length === 1 ? api.deleteMessage(ids[0]!) : api.deleteMany(ids);
  return ids.length === 1 ? api.setRead(ids[0]!, change.read) : api.setReadMany(ids, change.read);
}

/** True for a failure to reach the server (as opposed to the server refusing the change). */
export const isUnreachable = (err: unknown) => !(err instanceof api.ApiError);

export interface ListState {
  items: MessageSummary[];
  total: number;
  unread: number;
}

/** The list as it looks with the change applied; `gone` are the ids it removed. */
export function applyChange(list: ListState, change: PendingChange): ListState & { gone: string[] } {
  const ids = new Set(change.ids);
  if (change.kind === 'delete') {
    const gone = list.items.filter((m) => ids.has(m.id));
    return {
      items: list.items.filter((m) => !ids.has(m.id)),
      total: Math.max(0, list.total - gone.length),
      unread: Math.max(0, list.unread - gone.filter((m) => !m.read).length),
      gone: gone.map((m) => m.id),
    };
  }
  const flipped = list.items.filter((m) => ids.has(m.id) && m.read !== change.read).length;
  return {
    items: list.items.map((m) => (ids.has(m.id) ? { ...m, read: change.read } : m)),
    total: list.total,
    unread: Math.max(0, list.unread + (change.read ? -flipped : flipped)),
    gone: [],
  };
}
