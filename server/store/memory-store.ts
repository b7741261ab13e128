// In-memory MessageStore: an arrival-ordered array (with tombstones, compacted lazily) plus an id
// map. Insert, get, delete and evict are O(1) amortised; a newest-first page is O(page) when
// unfiltered. Caps on count and bytes are enforced synchronously at insert, oldest first.

import type { EventBus } from '../events/bus.js';
import type { MessageView, StoredMessage } from '../mail/types.js';
import { summaryOf } from '../mail/view.js';
import { createIdGenerator } from '../mail/id.js';
import {
  DEFAULT_INBOX,
  StoreError,
  type InboxStats,
  type ListOptions,
  type ListPage,
  type MessageStore,
  type NewMessage,
  type StoreStats,
  type TagStats,
} from './store.js';

export interface MemoryStoreOptions {
  maxMessages: number;
  maxBytes: number;
  bus: EventBus;
}

interface Entry extends StoredMessage {
  /** Bytes charged against maxBytes. */
  cost: number;
  alive: boolean;
}

const ENTRY_OVERHEAD = 512; // object headers, envelope, map slot: measured order of magnitude per message
const COMPACT_MIN_DEAD = 1024; // below this many tombstones compaction is not worth a pass

/** Rough heap cost of the parsed view; strings counted at 1 byte/char (most mail is Latin). */
function viewCost(v: MessageView): number {
  let n = v.subject.length + v.snippet.length + (v.messageId?.length ?? 0) + (v.parseError?.length ?? 0);
  for (const list of [v.to, v.cc, v.bcc, v.replyTo]) for (const a of list) n += 48 + a.name.length + a.address.length;
  if (v.from) n += 48 + v.from.name.length + v.from.address.length;
  n += v.parts.length * 160;
  return n;
}

/** Creates an empty in-memory store bound to the given bus. */
export function createMemoryStore(options: MemoryStoreOptions): MessageStore {
  const { maxMessages, maxBytes, bus } = options;
  const nextId = createIdGenerator();
  const byId = new Map<string, Entry>();
  let order: Entry[] = [];
  let head = 0; // order[0..head) are gone (evicted or compacted away)
  let dead = 0; // tombstones in order[head..]
  let seq = 0;
  let bytes = 0;
  let unread = 0;
  const counters = { received: 0, deleted: 0, evicted: 0 };
  const perInbox = new Map<string, { total: number; unread: number }>();

  function inboxCounts(name: string) {
    let c = perInbox.get(name);
    if (!c) perInbox.set(name, (c = { total: 0, unread: 0 }));
    return c;
  }

  function unlink(e: Entry): void {
    e.alive = false;
    byId.delete(e.id);
    bytes -= e.cost;
    const c = inboxCounts(e.inbox);
    c.total--;
    if (!e.read) {
      unread--;
      c.unread--;
    }
    if (c.total === 0) perInbox.delete(e.inbox);
    e.raw = Buffer.alloc(0); // release the bytes now; the tombstone lingers until compaction
  }

  function compactIfWorthIt(): void {
    const live = order.length - head - dead;
    if (dead >= COMPACT_MIN_DEAD && dead > live) {
      order = order.slice(head).filter((e) => e.alive);
      head = 0;
      dead = 0;
    } else if (head > COMPACT_MIN_DEAD && head > order.length / 2) {
      order = order.slice(head);
      head = 0;
    }
  }

  function evictOldest(): Entry | undefined {
    while (head < order.length) {
      const e = order[head++]!;
      if (e.alive) {
        unlink(e);
        return e;
      }
      dead--;
    }
    return undefined;
  }

  /** Index of the first entry with seq >= target (binary search over order[head..]). */
  function lowerBound(target: number): number {
    let lo = head;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (order[mid]!.seq < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  const store: MessageStore = {
    add(message: NewMessage): StoredMessage {
      const cost = message.raw.length + viewCost(message.view) + ENTRY_OVERHEAD;
      if (cost > maxBytes) {
        throw new StoreError('too_large', `message needs ${cost} bytes but the store holds at most ${maxBytes}`);
      }
      const evicted: string[] = [];
      while (byId.size >= maxMessages || bytes + cost > maxBytes) {
        const e = evictOldest();
        if (!e) break;
        evicted.push(e.id);
      }
      const entry: Entry = {
        id: nextId(),
        seq: ++seq,
        receivedAt: message.receivedAt ?? Date.now(),
        inbox: message.inbox ?? DEFAULT_INBOX,
        raw: message.raw,
        envelope: message.envelope,
        view: message.view,
        read: false,
        tags: message.tags ?? [],
        cost,
        alive: true,
      };
      order.push(entry);
      byId.set(entry.id, entry);
      bytes += cost;
      unread++;
      const c = inboxCounts(entry.inbox);
      c.total++;
      c.unread++;
      counters.received++;
      counters.evicted += evicted.length;
      compactIfWorthIt();
      if (evicted.length) bus.publish({ type: 'message:evicted', ids: evicted });
      bus.publish({ type: 'message:new', summary: summaryOf(entry) });
      return entry;
    },

    get(id) {
      return byId.get(id);
    },

    list({ limit, cursor, inbox, filter }: ListOptions): ListPage {
      const start = cursor ? lowerBound(Number.parseInt(cursor, 36)) - 1 : order.length - 1;
      const matches = (e: Entry) => e.alive && (!inbox || e.inbox === inbox) && (!filter || filter(e));
      const messages: StoredMessage[] = [];
      let i = start;
      for (; i >= head && messages.length < limit; i--) {
        const e = order[i]!;
        if (matches(e)) messages.push(e);
      }
      let more = false;
      for (; i >= head; i--) {
        if (matches(order[i]!)) {
          more = true;
          break;
        }
      }
      const last = messages[messages.length - 1];
      const nextCursor = more && last ? last.seq.toString(36) : null;
      if (!filter) {
        const c = inbox ? (perInbox.get(inbox) ?? { total: 0, unread: 0 }) : { total: byId.size, unread };
        return { messages, total: c.total, unread: c.unread, nextCursor };
      }
      let total = 0;
      let unreadMatches = 0;
      for (let j = head; j < order.length; j++) {
        const e = order[j]!;
        if (matches(e)) {
          total++;
          if (!e.read) unreadMatches++;
        }
      }
      return { messages, total, unread: unreadMatches, nextCursor };
    },

    delete(ids) {
      const removed: string[] = [];
      for (const id of ids) {
        const e = byId.get(id);
        if (!e) continue;
        unlink(e);
        dead++;
        removed.push(id);
      }
      counters.deleted += removed.length;
      compactIfWorthIt();
      if (removed.length) bus.publish({ type: 'message:deleted', ids: removed });
      return removed.length;
    },

    clear(inbox) {
      let n = 0;
      if (!inbox) {
        n = byId.size;
        for (let i = head; i < order.length; i++) order[i]!.alive = false;
        byId.clear();
        perInbox.clear();
        order = [];
        head = dead = bytes = unread = 0;
      } else {
        for (let i = head; i < order.length; i++) {
          const e = order[i]!;
          if (e.alive && e.inbox === inbox) {
            unlink(e);
            dead++;
            n++;
          }
        }
        compactIfWorthIt();
      }
      counters.deleted += n;
      if (n) bus.publish({ type: 'store:cleared', inbox: inbox ?? null });
      return n;
    },

    setRead(target, read) {
      const changed: string[] = [];
      const apply = (e: Entry) => {
        if (!e.alive || e.read === read) return;
        e.read = read;
        const delta = read ? -1 : 1;
        unread += delta;
        inboxCounts(e.inbox).unread += delta;
        changed.push(e.id);
      };
      if (Array.isArray(target)) {
        for (const id of target as readonly string[]) {
          const e = byId.get(id);
          if (e) apply(e);
        }
      } else {
        const { inbox } = target as { inbox?: string | null };
        for (let i = head; i < order.length; i++) {
          const e = order[i]!;
          if (!inbox || e.inbox === inbox) apply(e);
        }
      }
      if (changed.length) bus.publish({ type: 'message:read', ids: changed, read });
      return changed.length;
    },

    inboxes(): InboxStats[] {
      return [...perInbox].map(([name, c]) => ({ name, total: c.total, unread: c.unread })).sort((a, b) => a.name.localeCompare(b.name));
    },

    tags(): TagStats[] {
      const counts = new Map<string, number>();
      for (const e of byId.values()) for (const t of e.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
      return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => a.name.localeCompare(b.name));
    },

    stats(): StoreStats {
      return { count: byId.size, unread, bytes, ...counters };
    },
  };
  return store;
}
