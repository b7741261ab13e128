// Secondary indexes of the in-memory store: folded address, message-id, tag and inbox -> entries,
// and the set of unread entries. Maintenance per message is bounded by its own addresses and tags.
// plan() picks the most selective indexed AND-term of a query and returns only its candidates.

import type { IndexHint } from '../mail/search.js';
import { SEG, segStart } from '../mail/search-view.js';
import type { StoredMessage } from '../mail/types.js';
import { fold } from '../mail/fold.js';
import { KeyDirectory } from './key-directory.js';

/** One key's entries: a lone entry (the common case for ids and unique addresses) or a set. */
type Bucket<E> = E | Set<E>;

/** A multimap that stores single members without allocating a Set. */
class MultiMap<E extends object> {
  readonly map = new Map<string, Bucket<E>>();
  readonly #directory = new KeyDirectory();

  add(key: string, e: E): void {
    const b = this.map.get(key);
    if (b === undefined) {
      this.map.set(key, e);
      this.#directory.added(key);
    }
    else if (b instanceof Set) b.add(e);
    else if (b !== e) this.map.set(key, new Set([b, e]));
  }

  remove(key: string, e: E): void {
    const b = this.map.get(key);
    if (b === e) this.dropKey(key);
    else if (b instanceof Set) {
      b.delete(e);
      if (b.size === 1) this.map.set(key, b.values().next().value!);
      else if (b.size === 0) this.dropKey(key);
    }
  }

  private dropKey(key: string): void {
    this.map.delete(key);
    this.#directory.removed(() => this.map.keys());
  }

  clear(): void {
    this.map.clear();
    this.#directory.clear();
  }

  size(key: string): number {
    const b = this.map.get(key);
    return b === undefined ? 0 : b instanceof Set ? b.size : 1;
  }

  members(key: string): Iterable<E> {
    const b = this.map.get(key);
    return b === undefined ? [] : b instanceof Set ? b : [b];
  }

  /** Members of every key containing `part` (a folded substring): an indexOf pass over the key directory plus the members. */
  containing(part: string, into: Set<E>): void {
    this.#directory.search(part, (key) => {
      const b = this.map.get(key);
      if (b instanceof Set) for (const e of b) into.add(e);
      else if (b !== undefined) into.add(b);
    });
  }
}

/** Index keys of a message's addresses: the folded `name <address>` entries of its search view. */
function addressKeys(m: StoredMessage): string[] {
  const v = m.view.search;
  const text = v.text.slice(segStart(v, SEG.from), v.ends[SEG.replyTo]);
  return [...new Set(text.split(/[\u0000\u0001]/).filter(Boolean))]; // eslint-disable-line no-control-regex -- the search text's own separators
}

function messageIdKey(m: StoredMessage): string {
  const v = m.view.search;
  return v.text.slice(segStart(v, SEG.messageId), v.ends[SEG.messageId]);
}

/** Full scans are cheaper than building a candidate list that covers most of the mailbox. */
const SCAN_FRACTION = 0.5;
/** Below this many candidates, a substring scan of every distinct address is not worth it. */
const SUBSTRING_PLAN_MIN = 64;

export interface TagInfo<E> {
  /** Display spelling (the first one seen; tags are unique case-insensitively). */
  name: string;
  members: Set<E>;
}

/** The index set; the store calls it on every insert, removal, read change and tag change. */
export class MemoryIndexes<E extends StoredMessage> {
  readonly addresses = new MultiMap<E>();
  readonly messageIds = new MultiMap<E>();
  /** Folded tag -> spelling and members. */
  readonly tags = new Map<string, TagInfo<E>>();
  /** Inbox -> its entries in arrival order (so the first is the inbox's oldest). */
  readonly inboxes = new Map<string, { entries: Set<E>; unread: number }>();
  readonly unread = new Set<E>();

  insert(e: E): void {
    for (const k of addressKeys(e)) this.addresses.add(k, e);
    const id = messageIdKey(e);
    if (id) this.messageIds.add(id, e);
    let box = this.inboxes.get(e.inbox);
    if (!box) this.inboxes.set(e.inbox, (box = { entries: new Set(), unread: 0 }));
    box.entries.add(e);
    if (!e.read) {
      this.unread.add(e);
      box.unread++;
    }
    for (const t of e.tags) this.tagAdded(e, t);
  }

  remove(e: E): void {
    for (const k of addressKeys(e)) this.addresses.remove(k, e);
    const id = messageIdKey(e);
    if (id) this.messageIds.remove(id, e);
    const box = this.inboxes.get(e.inbox);
    if (box) {
      box.entries.delete(e);
      if (!e.read) box.unread--;
      if (box.entries.size === 0) this.inboxes.delete(e.inbox);
    }
    this.unread.delete(e);
    for (const t of e.tags) this.tagRemoved(e, t);
  }

  readChanged(e: E): void {
    const box = this.inboxes.get(e.inbox)!;
    if (e.read) {
      this.unread.delete(e);
      box.unread--;
    } else {
      this.unread.add(e);
      box.unread++;
    }
  }

  /** The stored spelling for a tag: an existing tag's if one matches case-insensitively. */
  spelling(tag: string): string {
    return this.tags.get(fold(tag))?.name ?? tag;
  }

  tagAdded(e: E, tag: string): void {
    const key = fold(tag);
    let info = this.tags.get(key);
    if (!info) this.tags.set(key, (info = { name: tag, members: new Set() }));
    info.members.add(e);
  }

  tagRemoved(e: E, tag: string): void {
    const key = fold(tag);
    const info = this.tags.get(key);
    if (!info) return;
    info.members.delete(e);
    if (info.members.size === 0) this.tags.delete(key);
  }

  clear(): void {
    this.addresses.clear();
    this.messageIds.clear();
    this.tags.clear();
    this.inboxes.clear();
    this.unread.clear();
  }

  /** The members of one hint without copying (cheap kinds only); null for substring kinds. */
  private direct(h: IndexHint): { members: Iterable<E>; size: number } | null {
    if (h.kind === 'tag') {
      const info = this.tags.get(h.value);
      return { members: info?.members ?? [], size: info?.members.size ?? 0 };
    }
    if (h.kind === 'inbox') {
      const box = this.inboxes.get(h.value);
      return { members: box?.entries ?? [], size: box?.entries.size ?? 0 };
    }
    if (h.kind === 'unread') return { members: this.unread, size: this.unread.size };
    return null;
  }

  /** Adds a hint's candidates to `into`: substring kinds scan the key directory, `any` unions. */
  private collect(h: IndexHint, into: Set<E>): void {
    if (h.kind === 'any') for (const child of h.hints) this.collect(child, into);
    else if (h.kind === 'address') this.addresses.containing(h.value, into);
    else if (h.kind === 'message-id') this.messageIds.containing(h.value, into);
    else for (const e of this.direct(h)!.members) into.add(e);
  }

  /**
   * Candidates for a query: the members of its most selective indexed AND-term (and of the inbox
   * scope), newest first; null when no term is selective enough and a full scan is better.
   */
  plan(hints: readonly IndexHint[], inbox: string | null, live: number): E[] | null {
    let best: Iterable<E> | null = null;
    let bestSize = Math.max(1, Math.floor(live * SCAN_FRACTION));
    const consider = (members: Iterable<E>, size: number) => {
      if (size < bestSize) {
        best = members;
        bestSize = size;
      }
    };
    if (inbox !== null) {
      const box = this.inboxes.get(inbox);
      consider(box?.entries ?? [], box?.entries.size ?? 0);
    }
    // O(1)-sized terms first; substring and OR terms cost a directory scan or a union, so they are
    // only materialised while the best candidate list is still large.
    for (const h of hints) {
      const d = this.direct(h);
      if (d) consider(d.members, d.size);
    }
    for (const h of hints) {
      if (bestSize <= SUBSTRING_PLAN_MIN) break;
      if (this.direct(h)) continue;
      const found = new Set<E>();
      this.collect(h, found);
      consider(found, found.size);
    }
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- consider() assigns best from a closure, which TypeScript's narrowing does not see
    if (best === null) return null;
    const out = [...(best as Iterable<E>)];
    return out.sort((a, b) => b.seq - a.seq);
  }
}
