// The MessageStore port: where messages live. Adapters (memory now, SQLite later) must pass the
// shared contract suite in test/unit/store-contract.ts. Every mutation is published on the bus.

import type { Envelope, MessageView, StoredMessage } from '../mail/types.js';
import type { CompiledQuery, MessagePredicate } from '../mail/search.js';

/** What the SMTP side hands to the store. */
export interface NewMessage {
  raw: Buffer;
  envelope: Envelope;
  view: MessageView;
  inbox?: string;
  tags?: string[];
  /** Defaults to now. */
  receivedAt?: number;
  /** Restore only: the arrival number a persistent adapter kept (the next one continues above it). */
  seq?: number;
}

/** Which messages an operation covers: all of them, narrowed by inbox, query and/or predicate. */
export interface Scope {
  inbox?: string | null;
  /** A compiled search: an adapter may use its index hints, and must apply it as a predicate. */
  query?: CompiledQuery | null;
  /** Extra predicate; totals then count matches. */
  filter?: MessagePredicate | null;
}

export interface ListOptions extends Scope {
  /** Page size, 1..MAX_PAGE. */
  limit: number;
  /** From a previous page's nextCursor; null/undefined for the newest page. */
  cursor?: string | null;
}

/** A change to the tags of some messages: replace them all, or add and/or remove some. */
export interface TagChange {
  set?: readonly string[];
  add?: readonly string[];
  remove?: readonly string[];
}

export interface ListPage {
  messages: StoredMessage[];
  /** Messages matching inbox/filter in total (not just this page). */
  total: number;
  unread: number;
  nextCursor: string | null;
}

export interface StoreStats {
  count: number;
  unread: number;
  /** Bytes accounted against maxBytes (raw plus the parsed view). */
  bytes: number;
  /** Raw message bytes as held in memory: deflated where that pays (see memory-entry.ts). */
  heldBytes: number;
  received: number;
  deleted: number;
  evicted: number;
}

/** A tag and how many messages carry it. */
export interface TagStats {
  name: string;
  count: number;
}

/** Per-inbox counts. */
export interface InboxStats {
  name: string;
  total: number;
  unread: number;
}

export interface MessageStore {
  /** Stores a message, evicting the oldest first if the caps require; throws StoreError('too_large'). */
  add(message: NewMessage): StoredMessage;
  get(id: string): StoredMessage | undefined;
  /** The exact bytes received (a fresh copy when held deflated), or undefined for an unknown id. */
  readRaw(id: string): Buffer | undefined;
  /** Newest first, cursor-paginated. */
  list(options: ListOptions): ListPage;
  /** Every message in scope, newest first (for bulk operations). */
  select(scope: Scope): StoredMessage[];
  /** Deletes the given ids; returns how many existed. */
  delete(ids: readonly string[]): number;
  /** Deletes everything, or everything in one inbox; returns the count removed. */
  clear(inbox?: string | null): number;
  /** Marks ids (or all, optionally within an inbox) read/unread; returns how many changed. */
  setRead(target: readonly string[] | { all: true; inbox?: string | null }, read: boolean): number;
  inboxes(): InboxStats[];
  tags(): TagStats[];
  /** Changes the tags of the given ids (normalised; case-insensitively unique); returns the messages changed. */
  updateTags(ids: readonly string[], change: TagChange): StoredMessage[];
  /** Renames a tag on every message (merging into `to` if that exists); returns how many changed. */
  renameTag(from: string, to: string): number;
  /** Removes a tag from every message; returns how many changed. */
  deleteTag(name: string): number;
  stats(): StoreStats;
  /**
   * When this store's arrival numbers (StoredMessage.seq) began: seconds since the epoch. Numbers
   * are never reused while it stays the same (IMAP's UIDVALIDITY); a persistent store keeps it.
   */
  readonly epoch: number;
  /** Releases files and handles (persistent adapters); the store is unusable afterwards. */
  close?(): void;
}

export type StoreErrorCode = 'too_large' | 'invalid_cursor';

/** A domain error from the store, with a code the HTTP/SMTP boundaries map to replies. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Largest page a list call may ask for. */
export const MAX_PAGE = 1000;
export const DEFAULT_INBOX = 'default';

/** The sequence number a page cursor stands for; only numbers this store has handed out are cursors. */
export function cursorSeq(cursor: string, lastSeq: number): number {
  const n = /^[0-9a-z]{1,12}$/.test(cursor) ? Number.parseInt(cursor, 36) : Number.NaN;
  if (!(n >= 1 && n <= lastSeq)) throw new StoreError('invalid_cursor', `cursor "${cursor.slice(0, 40)}" is not one this server gave out (pass back nextCursor from the previous page)`);
  return n;
}
