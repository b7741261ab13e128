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

  /**
   * Brings the view up to date with the mailbox: the sequence numbers of messages gone, highest
   * first (each an EXPUNGE response, valid when sent in that order), and how many messages now
   * exist when some arrived. A message that left a tag mailbox and came back is a new arrival with
   * a new UID: its old slot goes.
   */
  refresh(current: MailboxContents, expunge = true): { expunged: number[]; exists: number | null } {
    const uidOf = new Map(current.messages.map((m) => [m.id, current.uid(m)]));
    const expunged: number[] = [];
    // During FETCH, STORE and SEARCH no EXPUNGE may be sent (RFC 3501 section 7.4.1): new mail only.
    if (expunge) for (let i = this.slots.length - 1; i >= 0; i--) if (uidOf.get(this.slots[i]!.id) !== this.slots[i]!.uid) expunged.push(i + 1);
    for (const n of expunged) this.slots.splice(n - 1, 1);
    const known = new Set(this.slots.map((s) => `${s.id} ${s.uid}`));
    const added = current.messages.map((m) => ({ id: m.id, uid: current.uid(m) })).filter((s) => !known.has(`${s.id} ${s.uid}`) && s.uid > this.maxUid).sort((a, b) => a.uid - b.uid);
    this.slots.push(...added);
    return { expunged, exists: added.length ? this.slots.length : null };
  }
}
