// A message entering the mailbox from raw bytes outside SMTP (the Mailpit send API): prepareMessage()
// (the same derivation the SMTP DATA handler uses after its hooks), then store. So a message injected over
// HTTP appears everywhere (lists, search, feeds, tags) exactly like one received over SMTP.

import type { InboxRouting } from '../mail/inbox-route.js';
import { prepareMessage } from '../mail/prepare.js';
import type { Envelope, StoredMessage } from '../mail/types.js';
import type { MessageStore } from './store.js';

/** Parses and stores raw message bytes; throws StoreError('too_large') like store.add. */
export async function ingestRaw(store: MessageStore, raw: Buffer, envelope: Envelope, options: { inboxRouting?: InboxRouting | undefined } = {}): Promise<StoredMessage> {
  return store.add({ raw, envelope, ...(await prepareMessage(raw, envelope, options.inboxRouting)) });
}
