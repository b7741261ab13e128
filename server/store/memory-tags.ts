// Tag operations of the in-memory store: set/add/remove on messages, global rename and delete.
// Tags are unique case-insensitively: a new spelling of an existing tag takes the existing one.

import { fold } from '../mail/fold.js';
import { normalizeTag, normalizeTags, sortTags } from '../mail/tags.js';
import type { StoredMessage } from '../mail/types.js';
import type { MemoryIndexes } from './memory-index.js';
import type { TagChange, TagStats } from './store.js';

interface TagOpsDeps<E extends StoredMessage> {
  index: MemoryIndexes<E>;
  byId: Map<string, E>;
  /** Announces the messages whose tags changed. */
  publish(changed: StoredMessage[]): void;
}

const sameTags = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((t, i) => t === b[i]);

/** The tag half of the memory store. */
export function createTagOps<E extends StoredMessage & { alive: boolean }>({ index, byId, publish }: TagOpsDeps<E>) {
  /** Replaces one message's tags, keeping the indexes in step; true when anything changed. */
  function replace(e: E, wanted: readonly string[]): boolean {
    const next = sortTags(normalizeTags(wanted).map((t) => index.spelling(t)));
    if (sameTags(e.tags, next)) return false;
    const before = new Set(e.tags.map(fold));
    const after = new Set(next.map(fold));
    for (const t of e.tags) if (!after.has(fold(t))) index.tagRemoved(e, t);
    for (const t of next) if (!before.has(fold(t))) index.tagAdded(e, t);
    e.tags = next;
    return true;
  }

  return {
    tags(): TagStats[] {
      const out = [...index.tags.values()].map(({ name, members }) => ({ name, count: members.size }));
      return out.sort((a, b) => fold(a.name).localeCompare(fold(b.name)));
    },

    updateTags(ids: readonly string[], change: TagChange): StoredMessage[] {
      const changed: StoredMessage[] = [];
      const removing = new Set((change.remove ?? []).map((t) => normalizeTag(t)).filter((t): t is string => t !== null).map(fold));
      for (const id of ids) {
        const e = byId.get(id);
        if (!e) continue;
        const base = change.set ?? e.tags;
        const wanted = [...base, ...(change.add ?? [])].filter((t) => !removing.has(fold(normalizeTag(t) ?? '')));
        if (replace(e, wanted)) changed.push(e);
      }
      publish(changed);
      return changed;
    },

    renameTag(from: string, to: string): number {
      const key = fold(normalizeTag(from) ?? '');
      const info = index.tags.get(key);
      if (!info) return 0;
      const members = [...info.members];
      // Drop the old tag everywhere first, so a respelling ("foo" -> "Foo") takes the new spelling.
      for (const e of members) {
        const old = e.tags.find((t) => fold(t) === key)!;
        index.tagRemoved(e, old);
        e.tags = e.tags.filter((t) => t !== old);
      }
      for (const e of members) {
        const next = sortTags(normalizeTags([...e.tags, to]).map((t) => index.spelling(t)));
        for (const t of next) if (!e.tags.includes(t)) index.tagAdded(e, t);
        e.tags = next;
      }
      publish(members);
      return members.length;
    },

    deleteTag(name: string): number {
      const key = fold(normalizeTag(name) ?? '');
      const info = index.tags.get(key);
      if (!info) return 0;
      const members = [...info.members];
      for (const e of members) replace(e, e.tags.filter((t) => fold(t) !== key));
      publish(members);
      return members.length;
    },
  };
}
