// A message entering the mailbox from raw bytes outside SMTP (the Mailpit send API): the same
// steps as the SMTP DATA handler after its hooks: parse once, derive the view, route to an
// inbox, apply the automatic tags (X-Tags, plus-addressing), store. So a message injected over
// HTTP appears everywhere (lists, search, feeds, tags) exactly like one received over SMTP.

import { inboxFor, type InboxRouting } from '../mail/inbox-route.js';
import { parseMessage } from '../mail/parse.js';
import { autoTags } from '../mail/tags.js';
import type { Envelope, StoredMessage } from '../mail/types.js';
import { viewOf } from '../mail/view.js';
import type { MessageStore } from './store.js';

/** Parses and stores raw message bytes; throws StoreError('too_large') like store.add. */
export async function ingestRaw(store: MessageStore, raw: Buffer, envelope: Envelope, options: { inboxRouting?: InboxRouting | undefined } = {}): Promise<StoredMessage> {
  const parsed = await parseMessage(raw);
  const view = viewOf(parsed, envelope);
  const inbox = inboxFor(options.inboxRouting ?? { kind: 'auth' }, envelope);
  return store.add({ raw, envelope, view, inbox, tags: autoTags({ ...parsed, bcc: view.bcc }) });
}
