// Durable MessageStore (--data-dir): the memory store stays the index that answers every read,
// and each mutation is written to SQLite in one transaction before the call returns, so a 250
// (sent after store.add returns) means the message is on disk. Events reach the real bus only
// after their transaction committed. The only importer of better-sqlite3.
//
// Every method of the memory store is wrapped generically: a mutation shows up as events on a
// private bus, and those events are what gets persisted. New store methods therefore persist as
// long as they announce their changes with events that carry ids (see persistEvent).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createEventBus, type EventBus, type MailEvent } from '../events/bus.js';
import { createIdGenerator } from '../mail/id.js';
import type { Envelope, MessageView } from '../mail/types.js';
import { createMemoryStore } from './memory-store.js';
import { StoreError, type MessageStore, type StoreStats } from './store.js';

export interface SqliteStoreOptions {
  /** Directory holding mailroom.sqlite (created if missing). */
  dataDir: string;
  maxMessages: number;
  maxBytes: number;
  /** Per-inbox cap (null: none), as in the memory store. */
  maxPerInbox?: number | null;
  bus: EventBus;
}

/** The database file inside --data-dir. */
export const DB_FILE = 'mailroom.sqlite';
const SCHEMA_VERSION = 2; // PRAGMA user_version; bump with a migration when the tables change (2: meta)

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  n INTEGER PRIMARY KEY,            -- arrival order; restore replays rows in this order
  id TEXT NOT NULL UNIQUE,
  received_at INTEGER NOT NULL,     -- ms since the epoch
  inbox TEXT NOT NULL,
  read INTEGER NOT NULL,
  tags TEXT NOT NULL,               -- JSON array
  envelope TEXT NOT NULL,           -- JSON
  view TEXT NOT NULL,               -- JSON: the parsed view, so restore needs no re-parse
  raw BLOB NOT NULL                 -- the exact bytes received
);
CREATE INDEX IF NOT EXISTS messages_inbox ON messages (inbox);
-- epoch: when the arrival numbers began (IMAP's UIDVALIDITY); last_seq: the highest ever handed out,
-- so a number is never reused, not even after the newest messages were deleted. Version 1 had no
-- meta table: its rows' n are their arrival numbers, and the table is filled on first open.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

interface Row {
  n: number;
  id: string;
  received_at: number;
  inbox: string;
  read: number;
  tags: string;
  envelope: string;
  view: string;
  raw: Buffer;
}

function openDatabase(file: string): Database.Database {
  // Waiting out a busy lock only matters for a process that is still exiting (a supervisor's
  // restart); better-sqlite3's 5 s default made a second Mailroom on the same dir take 5 s to fail.
  const db = new Database(file, { timeout: 250 });
  try {
    // One process per data dir: an exclusive lock, held until close (released by the OS on a crash).
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // FULL: the WAL is fsynced at every commit, so an acknowledged message survives a power cut,
    // not only a killed process (NORMAL would already cover kill -9).
    db.pragma('synchronous = FULL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`${file} was written by a newer Mailroom (schema ${version}, this one knows ${SCHEMA_VERSION})`);
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new Error(`${file} is in use by another Mailroom process`, { cause: err });
    throw err;
  }
  return db;
}

/** Opens (or creates) the store in options.dataDir and loads every stored message. */
export function openSqliteStore(options: SqliteStoreOptions): MessageStore {
  const { bus } = options;
  mkdirSync(options.dataDir, { recursive: true });
  const db = openDatabase(join(options.dataDir, DB_FILE));

  const pending: MailEvent[] = [];
  const inner = createEventBus((err) => {
    throw err;
  });
  inner.subscribe((e) => pending.push(e));
  let restoringId: string | null = null;
  const randomId = createIdGenerator();
  const meta = (key: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: number } | undefined)?.value;
  const setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  if (meta('epoch') === undefined) setMeta.run('epoch', Math.floor(Date.now() / 1000));
  const highest = (db.prepare('SELECT MAX(n) AS n FROM messages').get() as { n: number | null }).n ?? 0;
  const memory = createMemoryStore({
    epoch: meta('epoch'),
    lastSeq: Math.max(meta('last_seq') ?? 0, highest),
    maxMessages: options.maxMessages,
    maxBytes: options.maxBytes,
    maxPerInbox: options.maxPerInbox ?? null,
    bus: inner,
    createId: () => restoringId ?? randomId(),
  });

  const sql = {
    insert: db.prepare('INSERT INTO messages (n, id, received_at, inbox, read, tags, envelope, view, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    remove: db.prepare('DELETE FROM messages WHERE id = ?'),
    setRead: db.prepare('UPDATE messages SET read = ? WHERE id = ?'),
    setTags: db.prepare('UPDATE messages SET tags = ? WHERE id = ?'),
    sync: db.prepare('UPDATE messages SET inbox = ?, read = ?, tags = ? WHERE id = ?'),
    clearAll: db.prepare('DELETE FROM messages'),
    clearInbox: db.prepare('DELETE FROM messages WHERE inbox = ?'),
    all: db.prepare('SELECT n, id, received_at, inbox, read, tags, envelope, view, raw FROM messages ORDER BY n'),
  };

  /** Writes one event's effect; an event type added later is handled through its ids. */
  function persistEvent(e: MailEvent): void {
    switch (e.type) {
      case 'message:new': {
        const m = memory.get(e.summary.id)!;
        sql.insert.run(m.seq, m.id, m.receivedAt, m.inbox, m.read ? 1 : 0, JSON.stringify(m.tags), JSON.stringify(m.envelope), JSON.stringify(m.view), memory.readRaw(m.id)!);
        setMeta.run('last_seq', m.seq);
        return;
      }
      case 'message:deleted':
      case 'message:evicted':
        for (const id of e.ids) sql.remove.run(id);
        return;
      case 'message:read':
        for (const id of e.ids) sql.setRead.run(e.read ? 1 : 0, id);
        return;
      case 'message:tags':
        for (const m of e.messages) sql.setTags.run(JSON.stringify(m.tags), m.id);
        return;
      case 'store:cleared':
        if (e.inbox === null) sql.clearAll.run();
        else sql.clearInbox.run(e.inbox);
        return;
      default: {
        // A future event about messages: copy their mutable fields, or drop rows that are gone.
        const ids = (e as { ids?: unknown }).ids;
        if (!Array.isArray(ids)) return;
        for (const id of ids as string[]) {
          const m = memory.get(id);
          if (m) sql.sync.run(m.inbox, m.read ? 1 : 0, JSON.stringify(m.tags), id);
          else sql.remove.run(id);
        }
      }
    }
  }
  const persist = db.transaction((events: MailEvent[]) => {
    for (const e of events) persistEvent(e);
  });

  // Restore: replay the rows in arrival order through the memory store (same ids, same caps).
  const dropped: string[] = [];
  for (const row of sql.all.iterate() as IterableIterator<Row>) {
    restoringId = row.id;
    try {
      memory.add({
        raw: row.raw,
        envelope: JSON.parse(row.envelope) as Envelope,
        view: JSON.parse(row.view) as MessageView,
        inbox: row.inbox,
        tags: JSON.parse(row.tags) as string[],
        receivedAt: row.received_at,
        seq: row.n,
      });
      if (row.read) memory.setRead([row.id], true);
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      dropped.push(row.id); // larger than a lowered --max-store-bytes
    }
  }
  restoringId = null;
  // Rows evicted because the caps were lowered since the last run leave the disk too.
  for (const e of pending.splice(0)) if (e.type === 'message:evicted') dropped.push(...e.ids);
  if (dropped.length) db.transaction(() => dropped.forEach((id) => sql.remove.run(id)))();
  const base = memory.stats(); // lifetime counters start at zero for this process

  /** Runs a memory-store call, commits what it changed, then publishes its events. */
  function mutate<T>(call: () => T): T {
    const result = call();
    if (pending.length === 0) return result;
    const events = pending.splice(0);
    try {
      persist(events);
    } catch (err) {
      // Not on disk, so not stored: take new messages back out before anyone hears of them.
      const added = events.flatMap((e) => (e.type === 'message:new' ? [e.summary.id] : []));
      if (added.length) {
        memory.delete(added);
        base.received += added.length; // neither received nor deleted, as far as counters go
        base.deleted += added.length;
      }
      pending.length = 0;
      throw err;
    }
    for (const e of events) bus.publish(e);
    return result;
  }

  const store: Record<string, unknown> = {};
  // Own methods and, should the memory store become a class, its prototype's.
  for (let o: object | null = memory; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) {
      const fn = (memory as unknown as Record<string, unknown>)[name];
      if (name === 'constructor' || name in store || typeof fn !== 'function') continue;
      store[name] = (...args: unknown[]) => mutate(() => (fn as (...a: unknown[]) => unknown).apply(memory, args));
    }
  }
  store.stats = (): StoreStats => {
    const s = memory.stats();
    return { ...s, received: s.received - base.received, deleted: s.deleted - base.deleted, evicted: s.evicted - base.evicted };
  };
  store.epoch = memory.epoch;
  let closed = false;
  store.close = () => {
    if (closed) return;
    closed = true;
    db.close();
  };
  return store as unknown as MessageStore;
}
