// The selected mailbox of one IMAP session (INBOX, a tag or Trash: see directory.ts), oldest first.
// Message sequence numbers are positions in that list; UIDs ascend and are never reused (INBOX's are
// the store's arrival numbers, kept across restarts with --data-dir). Flags are Mailroom's own state:
// \Seen is the read flag, \Flagged the tag "flagged", keywords are tags; \Deleted, \Answered and
// \Draft live in a map shared by every session of the listener until the message goes.

import { normalizeTag } from '../mail/tags.js';
import type { StoredMessage } from '../mail/types.js';
import type { MailboxContents, MailboxRef } from './directory.js';

export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] as const;
/** Flags that are not tags or the read flag, by lower-case name: kept per listener, shared by its sessions. */
export const SHARED_FLAGS: ReadonlyMap<string, string> = new Map([['\\answered', '\\Answered'], ['\\deleted', '\\Deleted'], ['\\draft', '\\Draft']]);
export const FLAGGED_TAG = 'flagged';
const KEYWORD = /^[A-Za-z0-9_.@-]{1,64}$/;

/** \Deleted, \Answered and \Draft by message id, shared by the sessions of one listener. */
export type SharedFlags = Map<string, Set<string>>;

export interface Slot {
  id: string;
  uid: number;
}

/** The IMAP flags of a message. */
export function flagsOf(message: StoredMessage, shared: SharedFlags): string[] {
  const out: string[] = [];
  if (message.read) out.push('\\Seen');
  for (const f of shared.get(message.id) ?? []) out.push(f);
  for (const tag of message.tags) {
    if (tag === FLAGGED_TAG) out.push('\\Flagged');
    else if (KEYWORD.test(tag)) out.push(tag);
  }
  return out;
}

/** What setting (`+`), clearing (`-`) or replacing (``) `flags` changes on a message with `tags` and shared flags `current`. */
export function flagChange(tags: readonly string[], mode: '' | '+' | '-', flags: readonly string[], current: ReadonlySet<string>): { read?: boolean; addTags: string[]; removeTags: string[]; shared: Set<string> } {
  const lower = flags.map((f) => f.toLowerCase());
  const tagsNamed = lower.flatMap((f): string[] => {
    if (f === '\\flagged') return [FLAGGED_TAG];
    const tag = f.startsWith('\\') ? null : normalizeTag(f);
    return tag ? [tag] : [];
  });
  const sharedNamed = lower.flatMap((f) => SHARED_FLAGS.get(f) ?? []);
  const seen = lower.includes('\\seen');
  if (mode === '+') return { ...(seen ? { read: true } : {}), addTags: tagsNamed, removeTags: [], shared: new Set([...current, ...sharedNamed]) };
  if (mode === '-') return { ...(seen ? { read: false } : {}), addTags: [], removeTags: tagsNamed, shared: new Set([...current].filter((f) => !sharedNamed.includes(f))) };
  // Replace: the flags given, and no others (tags that are no valid keyword are not flags, and stay).
  const visible = tags.filter((t) => t === FLAGGED_TAG || KEYWORD.test(t));
  return { read: seen, addTags: tagsNamed, removeTags: visible.filter((t) => !tagsNamed.includes(t)), shared: new Set(sharedNamed) };
}

/** The mailbox as a session sees it: slots in sequence order, refreshed between commands. */
export class Mailbox {
  slots: Slot[];

  constructor(
    readonly ref: MailboxRef,
    contents: MailboxContents,
    readonly readOnly: boolean,
  ) {
    this.slots = contents.messages.map((m) => ({ id: m.id, uid: contents.uid(m) })).sort((a, b) => a.uid - b.uid);
  }

  get size(): number {
    return this.slots.length;
  }

  get maxUid(): number {
    return this.slots.at(-1)?.uid ?? 0;
  }

  /** The index of the first slot whose UID is at least `uid` (binary search; size when none). */
  firstAtOrAbove(uid: number): number {
    let lo = 0;
    let hi = this.slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.slots[mid]!.uid < uid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Brings the view up to date with the mailbox: the sequence numbers of messages gone, highest
   * first (each an EXPUNGE response, valid when sent in that order), and how many messages now
   * exist when some arrived. A message that left a tag mailbox and came back is a new arrival with
   * a new UID: its old slot goes.
   */
  refresh(current: MailboxContents, expunge = true): { expunged: number[]; exists: number | null } {
    // UIDs ascend as messages join, so whatever joined since the last look has a UID above every
    // slot's, and every message at or below maxUid has its slot: when as many are left as there are
    // slots, none went (one pass, no lookup table, for the common case).
    const max = this.maxUid;
    const added: Slot[] = [];
    let below = 0;
    for (const m of current.messages) {
      const uid = current.uid(m);
      if (uid > max) added.push({ id: m.id, uid });
      else below++;
    }
    // During FETCH, STORE and SEARCH no EXPUNGE may be sent (RFC 3501 section 7.4.1): new mail only.
    const expunged = expunge && below < this.slots.length ? this.#dropGone(current) : [];
    return { expunged, exists: this.arrive(added) };
  }

  /** Appends slots for messages that joined (any order, UIDs above maxUid); the new size, or null when none did. */
  arrive(added: Slot[]): number | null {
    const fresh = added.filter((s) => s.uid > this.maxUid).sort((a, b) => a.uid - b.uid);
    this.slots.push(...fresh);
    return fresh.length ? this.slots.length : null;
  }

  /** Calls `visit` for each slot whose message is in `current`, in sequence order, without a lookup table (a SEARCH of 100,000). */
  each(current: MailboxContents, visit: (seq: number, slot: Slot, message: StoredMessage) => void): void {
    const { uid } = current;
    let messages = current.messages;
    const ascending = (list: readonly StoredMessage[]) => list.every((m, i) => i === 0 || uid(list[i - 1]!) < uid(m));
    if (!ascending(messages)) {
      messages = [...messages].reverse(); // the store lists newest first
      if (!ascending(messages)) messages.sort((a, b) => uid(a) - uid(b));
    }
    let j = 0;
    this.slots.forEach((slot, i) => {
      while (j < messages.length && uid(messages[j]!) < slot.uid) j++;
      const message = messages[j];
      if (message && message.id === slot.id && uid(message) === slot.uid) visit(i + 1, slot, message);
    });
  }

  /** Removes the slots whose message left (or came back with a new UID); their sequence numbers, highest first. */
  #dropGone(current: MailboxContents): number[] {
    const uidOf = new Map<string, number>();
    for (const m of current.messages) uidOf.set(m.id, current.uid(m));
    return this.remove((slot) => uidOf.get(slot.id) !== slot.uid);
  }

  /** Removes the slots `gone` accepts; their sequence numbers, highest first (the order EXPUNGE responses go in). */
  remove(gone: (slot: Slot) => boolean): number[] {
    const expunged: number[] = [];
    const kept: Slot[] = [];
    this.slots.forEach((slot, i) => {
      if (gone(slot)) expunged.push(i + 1);
      else kept.push(slot);
    });
    if (expunged.length) this.slots = kept;
    return expunged.reverse();
  }
}
