// In-memory MessageStore: an arrival-ordered array (with tombstones, compacted lazily), an id map
// and secondary indexes (memory-index.ts). Insert, get, delete and evict are O(1) amortised plus the
// message's own index keys; an unfiltered page is O(page); a search scans only the candidates of
// its most selective indexed term. Caps on count and bytes are global, oldest first; an optional
// per-inbox cap evicts that inbox's oldest.

import type { EventBus } from '../events/bus.js';
import type { StoredMessage } from '../mail/types.js';
import { summaryOf } from '../mail/view.js';
import { createIdGenerator } from '../mail/id.js';
import { isCompiledQuery } from '../mail/search.js';
import { normalizeInbox } from '../mail/inbox-route.js';
import { normalizeTags } from '../mail/tags.js';
import { Entry, ENTRY_OVERHEAD, viewCost } from './memory-entry.js';
import { compressor } from './compressor.js';
import { MemoryIndexes } from './memory-index.js';
import { RawArena } from './raw-arena.js';
import { createTagOps } from './memory-tags.js';
import { DEFAULT_INBOX, StoreError, cursorSeq, type InboxStats, type ListOptions, type ListPage, type MessageStore, type NewMessage, type Scope, type StoreStats } from './store.js';

export interface MemoryStoreOptions {
  maxMessages: number;
  maxBytes: number;
  /** Messages kept per inbox (its oldest are evicted); null for no per-inbox cap. */
  maxPerInbox?: number | null;
  bus: EventBus;
  /** Id source; defaults to random ids (a persistent adapter passes stored ids back in on restore). */
  createId?: () => string;
  /** A persistent adapter's kept epoch and the highest arrival number it ever handed out. */
  epoch?: number;
  lastSeq?: number;
}

const COMPACT_MIN_DEAD = 1024; // below this many tombstones compaction is not worth a pass
/** Placeholder for the slots before `head`: they are never read, so they need not hold anything. */
const RELEASED = null as unknown as Entry;

/** Creates an empty in-memory store bound to the given bus. */
export function createMemoryStore(options: MemoryStoreOptions): MessageStore {
  const { maxMessages, maxBytes, bus } = options;
  const maxPerInbox = options.maxPerInbox ?? null;
  const nextId = options.createId ?? createIdGenerator();
  const byId = new Map<string, Entry>();
  const index = new MemoryIndexes<Entry>();
  let order: Entry[] = [];
  let head = 0; // order[0..head) are gone (evicted or compacted away)
  let dead = 0; // tombstones in order[head..]
  let seq = options.lastSeq ?? 0;
  let bytes = 0;
  const counters = { received: 0, deleted: 0, evicted: 0 };
  const arena = new RawArena();

  function unlink(e: Entry): void {
    index.remove(e);
    e.release();
    byId.delete(e.id);
    bytes -= e.cost;
  }

  /** Removes an entry that is not at the head of `order` (it becomes a tombstone). */
  function unlinkInside(e: Entry): void {
    unlink(e);
    dead++;
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
    if (arena.wasteful) arena.compact(liveEntries());
  }

  function* liveEntries(): Generator<Entry> {
    for (let i = head; i < order.length; i++) if (order[i]!.alive) yield order[i]!;
  }

  function evictOldest(): Entry | undefined {
    while (head < order.length) {
      const e = order[head]!;
      // Slots before head are never read again: drop the entry now rather than at the next
      // compaction, which at a 100k cap came only after another 100k arrivals (the bench saw RSS
      // climb ~150 MB past the cap while evicted entries waited there).
      order[head++] = RELEASED;
      if (e.alive) {
        unlink(e);
        return e;
      }
      dead--;
    }
    return undefined;
  }

  function scopeInbox(scope: Scope): string | null {
    return scope.inbox ? normalizeInbox(scope.inbox) : null;
  }

  /** Entries in scope, newest first, as an iterator (full scan or index candidates). */
  function* inScope(scope: Scope, belowSeq = Infinity): Generator<Entry> {
    const inbox = scopeInbox(scope);
    const query = scope.query && !scope.query.all ? scope.query : null;
    const filter = scope.filter ?? null;
    const hints = [...(query?.hints ?? []), ...(isCompiledQuery(filter) ? filter.hints : [])];
    const matches = (e: Entry) => e.alive && (inbox === null || e.inbox === inbox) && (!query || query(e)) && (!filter || filter(e));
    const candidates = inbox !== null || hints.length ? index.plan(hints, inbox, byId.size) : null;
    if (candidates) {
      for (const e of candidates) if (e.seq < belowSeq && matches(e)) yield e;
      return;
    }
    for (let i = belowSeq === Infinity ? order.length - 1 : lowerBound(belowSeq) - 1; i >= head; i--) {
      const e = order[i]!;
      if (matches(e)) yield e;
    }
  }

  /** Index of the first entry with seq >= target (binary search over order[head..], which is seq-sorted). */
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

  const publishTags = (changed: StoredMessage[]) => {
    if (changed.length) bus.publish({ type: 'message:tags', messages: changed.map((m) => ({ id: m.id, tags: m.tags })) });
  };
  const tagOps = createTagOps({ index, byId, publish: publishTags });

  const store: MessageStore = {
    add(message: NewMessage): StoredMessage {
      const cost = message.raw.length + viewCost(message.view) + ENTRY_OVERHEAD;
      if (cost > maxBytes) {
        throw new StoreError('too_large', `message needs ${cost} bytes but the store holds at most ${maxBytes}`);
      }
      const inbox = normalizeInbox(message.inbox ?? '') || DEFAULT_INBOX;
      const evicted: string[] = [];
      const box = maxPerInbox ? index.inboxes.get(inbox) : undefined;
      while (box && box.entries.size >= maxPerInbox!) {
        const oldest = box.entries.values().next().value!;
        unlinkInside(oldest);
        evicted.push(oldest.id);
      }
      while (byId.size >= maxMessages || bytes + cost > maxBytes) {
        const e = evictOldest();
        if (!e) break;
        evicted.push(e.id);
      }
      const tags = normalizeTags(message.tags ?? []).map((t) => index.spelling(t));
      const entrySeq = message.seq ?? ++seq; // a restored message keeps its number; new ones count on
      if (entrySeq > seq) seq = entrySeq;
      const entry = new Entry(nextId(), entrySeq, message.receivedAt ?? Date.now(), inbox, message.raw, message.envelope, message.view, tags, cost, arena);
      if (entry.packable && !compressor().pack(message.raw, (packed) => entry.pack(packed))) entry.pack(null);
      order.push(entry);
      byId.set(entry.id, entry);
      index.insert(entry);
      bytes += cost;
      counters.received++;
      counters.evicted += evicted.length;
      compactIfWorthIt();
      if (evicted.length) bus.publish({ type: 'message:evicted', ids: evicted });
      bus.publish({ type: 'message:new', summary: summaryOf(entry) });
      return entry;
    },

    readRaw(id) {
      return byId.get(id)?.readRaw();
    },
    get(id) {
      return byId.get(id);
    },

    list(options: ListOptions): ListPage {
      const { limit, cursor } = options;
      const belowSeq = cursor ? cursorSeq(cursor, seq) : Infinity;
      const unfiltered = !options.filter && (!options.query || options.query.all);
      const inbox = scopeInbox(options);
      const messages: StoredMessage[] = [];
      let more = false;
      let total = 0;
      let unreadMatches = 0;
      if (unfiltered) {
        // Fast path: O(page); totals come from counters.
        const box = inbox === null ? null : index.inboxes.get(inbox);
        total = inbox === null ? byId.size : (box?.entries.size ?? 0);
        unreadMatches = inbox === null ? index.unread.size : (box?.unread ?? 0);
        for (const e of inScope(options, belowSeq)) {
          if (messages.length === limit) {
            more = true;
            break;
          }
          messages.push(e);
        }
      } else {
        for (const e of inScope(options)) {
          total++;
          if (!e.read) unreadMatches++;
          if (e.seq >= belowSeq) continue;
          if (messages.length < limit) messages.push(e);
          else more = true;
        }
      }
      const last = messages[messages.length - 1];
      const nextCursor = more && last ? last.seq.toString(36) : null;
      return { messages, total, unread: unreadMatches, nextCursor };
    },

    select(scope) {
      return [...inScope(scope)];
    },

    delete(ids) {
      const removed: string[] = [];
      for (const id of ids) {
        const e = byId.get(id);
        if (!e) continue;
        unlinkInside(e);
        removed.push(id);
      }
      counters.deleted += removed.length;
      compactIfWorthIt();
      if (removed.length) bus.publish({ type: 'message:deleted', ids: removed });
      return removed.length;
    },

    clear(inboxName) {
      let n = 0;
      const inbox = inboxName ? normalizeInbox(inboxName) : null;
      if (inbox === null) {
        n = byId.size;
        for (let i = head; i < order.length; i++) if (order[i]!.alive) order[i]!.release();
        byId.clear();
        index.clear();
        order = [];
        head = dead = bytes = 0;
      } else {
        for (const e of [...(index.inboxes.get(inbox)?.entries ?? [])]) {
          unlinkInside(e);
          n++;
        }
        compactIfWorthIt();
      }
      counters.deleted += n;
      if (n) bus.publish({ type: 'store:cleared', inbox });
      return n;
    },

    setRead(target, read) {
      const changed: string[] = [];
      const apply = (e: Entry) => {
        if (!e.alive || e.read === read) return;
        e.read = read;
        index.readChanged(e);
        changed.push(e.id);
      };
      if (Array.isArray(target)) {
        for (const id of target as readonly string[]) {
          const e = byId.get(id);
          if (e) apply(e);
        }
      } else {
        const inbox = scopeInbox(target as Scope);
        // Marking read only touches unread entries; marking unread touches the scope.
        const pool = read ? [...index.unread] : inbox === null ? [...byId.values()] : [...(index.inboxes.get(inbox)?.entries ?? [])];
        for (const e of pool) if (inbox === null || e.inbox === inbox) apply(e);
      }
      if (changed.length) bus.publish({ type: 'message:read', ids: changed, read });
      return changed.length;
    },

    inboxes(): InboxStats[] {
      return [...index.inboxes].map(([name, c]) => ({ name, total: c.entries.size, unread: c.unread })).sort((a, b) => a.name.localeCompare(b.name));
    },

    tags: tagOps.tags,
    updateTags: tagOps.updateTags,
    renameTag: tagOps.renameTag,
    deleteTag: tagOps.deleteTag,

    stats(): StoreStats {
      return { count: byId.size, unread: index.unread.size, bytes, heldBytes: arena.stats().heldBytes, ...counters };
    },
    epoch: options.epoch ?? Math.floor(Date.now() / 1000),
  };
  return store;
}
