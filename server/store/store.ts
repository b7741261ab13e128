// The MessageStore port: where messages live. Adapters (memory now, SQLite later) must pass the
// shared contract suite in test/unit/store-contract.ts. Every mutation is published on the bus.

import type { Envelope, MessageView, StoredMessage } from '../mail/types.js';

/** What the SMTP side hands to the store. */
export interface NewMessage {
  raw: Buffer;
  envelope: Envelope;
  view: MessageView;
  inbox?: string;
  tags?: string[];
  /** Defaults to now. */
  receivedAt?: number;
}

export interface ListOptions {
  /** Page size, 1..MAX_PAGE. */
  limit: number;
  /** From a previous page's nextCursor; null/undefined for the newest page. */
  cursor?: string | null;
  inbox?: string | null;
  /** Extra predicate (search); totals then count matches. */
  filter?: ((m: StoredMessage) => boolean) | null;
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
  /** Newest first, cursor-paginated. */
  list(options: ListOptions): ListPage;
  /** Deletes the given ids; returns how many existed. */
  delete(ids: readonly string[]): number;
  /** Deletes everything, or everything in one inbox; returns the count removed. */
  clear(inbox?: string | null): number;
  /** Marks ids (or all, optionally within an inbox) read/unread; returns how many changed. */
  setRead(target: readonly string[] | { all: true; inbox?: string | null }, read: boolean): number;
  inboxes(): InboxStats[];
  tags(): TagStats[];
  stats(): StoreStats;
}

export type StoreErrorCode = 'too_large';

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
