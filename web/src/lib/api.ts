// The only module that knows the server's URLs.
import type { MessageSummary } from '../../../server/mail/types.js';

export interface ListPage {
  messages: MessageSummary[];
  total: number;
  unread: number;
  nextCursor: string | null;
}

export async function listMessages(limit = 50): Promise<ListPage> {
  const res = await fetch(`/api/messages?limit=${limit}`);
  if (!res.ok) throw new Error(`list failed: ${res.status}`);
  return res.json();
}

export function feedUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/feed`;
}
