// A message entering the mailbox from raw bytes, from any door: prepareIncoming() derives what is
// kept beside the bytes (parse once, compact view, inbox, automatic tags), storeIncoming() stores
// it. SMTP runs its DATA hooks (failure injection) between the two; appendMessage() does both for
// doors without hooks (the Mailpit send API). So a message injected over HTTP appears everywhere
// (lists, search, feeds, tags) exactly like one received over SMTP.

import { prepareMessage, type PreparedMessage } from '../mail/prepare.js';
import type { Envelope, StoredMessage } from '../mail/types.js';
import { StoreError } from '../store/store.js';
import type { AppContext } from './context.js';
import { DomainError } from './errors.js';

/** A received message ready to store: its bytes, envelope and what was derived from them. */
export interface Incoming extends PreparedMessage {
  raw: Buffer;
  envelope: Envelope;
  /** When it arrived (ms); now when absent. */
  receivedAt?: number;
}

/** Parses raw bytes into what the store keeps (never throws on bad MIME: parseError says why). */
export async function prepareIncoming(ctx: AppContext, raw: Buffer, envelope: Envelope): Promise<Incoming> {
  return { raw, envelope, ...(await prepareMessage(raw, envelope, ctx.inboxRouting)) };
}

/** Stores a prepared message; `too-large` when it cannot fit the store's caps even alone. */
export async function storeIncoming(ctx: AppContext, incoming: Incoming): Promise<StoredMessage> {
  try {
    return ctx.store.add(incoming);
  } catch (err) {
    if (err instanceof StoreError && err.code === 'too_large') throw new DomainError('too-large', err.message);
    throw err;
  }
}

/** Parses and stores raw message bytes (arrived now, or at `receivedAt`: IMAP APPEND's date); `too-large` over --max-message-size or the store's caps. */
export async function appendMessage(ctx: AppContext, raw: Buffer, envelope: Envelope, options: { receivedAt?: number } = {}): Promise<StoredMessage> {
  if (raw.length > ctx.maxMessageSize) throw new DomainError('too-large', `message exceeds the maximum message size of ${ctx.maxMessageSize} bytes`);
  return storeIncoming(ctx, { ...(await prepareIncoming(ctx, raw, envelope)), ...options });
}
