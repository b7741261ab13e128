// Reading messages: list and search pages, one message, its raw bytes, its parse, its detail and
// one of its parts. Every front door reads through these.

import { countRemoteResources } from '../mail/html.js';
import type { ParsedMessage, ParsedPart } from '../mail/parse.js';
import type { MessageDetail, StoredMessage } from '../mail/types.js';
import { detailOf } from '../mail/view.js';
import { StoreError, type ListPage, type StoreStats } from '../store/store.js';
import type { AppContext } from './context.js';
import { invalid, notFound } from './errors.js';
import { scopeOf, type SearchInput } from './scope.js';

/** A page request: how many, after which cursor, in which scope. */
export interface ListInput extends SearchInput {
  /** Page size, 1..MAX_PAGE. */
  limit: number;
  /** nextCursor of the previous page; absent for the newest page. */
  cursor?: string | null | undefined;
}

/** The native detail shape plus how many remote resources the HTML references. */
export type MessageDetailView = MessageDetail & { remoteResources: number };

/** A page of messages, newest first; `invalid` (field cursor) for a cursor this server never gave out. */
export async function listMessages(ctx: AppContext, input: ListInput): Promise<ListPage> {
  const scope = scopeOf(input);
  try {
    return ctx.store.list({ limit: input.limit, cursor: input.cursor ?? null, ...scope });
  } catch (err) {
    if (err instanceof StoreError && err.code === 'invalid_cursor') throw invalid(err.message, 'cursor');
    throw err;
  }
}

/** Every message in scope, newest first. */
export async function selectMessages(ctx: AppContext, input: SearchInput): Promise<StoredMessage[]> {
  return ctx.store.select(scopeOf(input));
}

/** One message, or undefined: for dialects that answer an unknown id without an error. */
export async function findMessage(ctx: AppContext, id: string): Promise<StoredMessage | undefined> {
  return ctx.store.get(id);
}

/** One message; `not-found` when there is none. */
export async function getMessage(ctx: AppContext, id: string): Promise<StoredMessage> {
  const m = ctx.store.get(id);
  if (!m) throw notFound(`message ${id}`);
  return m;
}

/** The exact bytes received; `not-found` when the message is gone. */
export async function readRaw(ctx: AppContext, id: string): Promise<Buffer> {
  const raw = ctx.store.readRaw(id);
  if (!raw) throw notFound(`message ${id}`);
  return raw;
}

/** The full parse (from the raw bytes, cached briefly); `inlineImages` turns cid: links into data: URLs. */
export async function parsedMessage(ctx: AppContext, message: StoredMessage, options: { inlineImages?: boolean } = {}): Promise<ParsedMessage> {
  return ctx.parsed.get(message, () => readRaw(ctx, message.id), options.inlineImages ?? false);
}

/** The native detail of one message (a record or an id). */
export async function messageDetail(ctx: AppContext, target: StoredMessage | string): Promise<MessageDetailView> {
  const m = typeof target === 'string' ? await getMessage(ctx, target) : target;
  const p = await parsedMessage(ctx, m);
  return { ...detailOf(m, p), remoteResources: p.html ? countRemoteResources(p.html) : 0 };
}

/** One MIME part with its decoded bytes; `not-found` for an unknown message or part. */
export async function messagePart(ctx: AppContext, id: string, partId: string): Promise<{ message: StoredMessage; part: ParsedPart }> {
  const message = await getMessage(ctx, id);
  const part = (await parsedMessage(ctx, message)).parts.find((p) => p.id === partId);
  if (!part) throw notFound(`part ${partId} of message ${message.id}`);
  return { message, part };
}

/** Counts and totals of the store. */
export async function storeStats(ctx: AppContext): Promise<StoreStats> {
  return ctx.store.stats();
}

/** When the store's arrival numbers began (seconds): they are never reused while it stays the same (IMAP's UIDVALIDITY). */
export async function arrivalEpoch(ctx: AppContext): Promise<number> {
  return ctx.store.epoch;
}
