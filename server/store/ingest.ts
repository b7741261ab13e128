// The one way a message enters the mailbox from raw bytes: parse once, derive the view, store.
// SMTP's DATA handler and the Mailpit send API both end here, so a message injected over HTTP
// appears everywhere (lists, search, feeds) exactly like one received over SMTP.

import { parseMessage } from '../mail/parse.js';
import type { Envelope, StoredMessage } from '../mail/types.js';
import { viewOf } from '../mail/view.js';
import type { MessageStore } from './store.js';

/** Parses and stores raw message bytes; throws StoreError('too_large') like store.add. */
export async function ingestRaw(store: MessageStore, raw: Buffer, envelope: Envelope, extra: { tags?: string[] } = {}): Promise<StoredMessage> {
  const parsed = await parseMessage(raw);
  return store.add({ raw, envelope, view: viewOf(parsed, envelope), tags: extra.tags });
}
