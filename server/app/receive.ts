// A message entering the mailbox from raw bytes: prepareMessage() (the same derivation the SMTP
// DATA handler uses after its hooks: parse once, compact view, inbox, automatic tags), then the
// store. So a message injected over HTTP appears everywhere (lists, search, feeds, tags) exactly
// like one received over SMTP.

import { prepareMessage } from '../mail/prepare.js';
import type { Envelope, StoredMessage } from '../mail/types.js';
import { StoreError } from '../store/store.js';
import type { AppContext } from './context.js';
import { DomainError } from './errors.js';

/** Parses and stores raw message bytes; `too-large` over --max-message-size or the store's caps. */
export async function appendMessage(ctx: AppContext, raw: Buffer, envelope: Envelope): Promise<StoredMessage> {
  if (raw.length > ctx.maxMessageSize) throw new DomainError('too-large', `message exceeds the maximum message size of ${ctx.maxMessageSize} bytes`);
  const prepared = await prepareMessage(raw, envelope, ctx.inboxRouting);
  try {
    return ctx.store.add({ raw, envelope, ...prepared });
  } catch (err) {
    if (err instanceof StoreError && err.code === 'too_large') throw new DomainError('too-large', err.message);
    throw err;
  }
}
