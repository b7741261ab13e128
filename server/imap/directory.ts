// The mailboxes an IMAP login sees, shared by the sessions of one listener. INBOX holds every
// message of the login's inbox (UIDs are the store's arrival numbers). Each tag is a mailbox
// holding the same messages, not copies (flagged, the tag behind \Flagged, is marked \Flagged
// as RFC 6154 has it). Trash (\Trash) is where clients move what they delete: moving there deletes,
// so it is always empty. A mailbox made with CREATE is an empty tag until a message gets the tag.
//
// A message can join a tag long after it arrived, so a tag mailbox numbers its own UIDs: a member
// gets the next one when a session first sees it there (RFC 3501 section 2.3.1.1: UIDs ascend as
// messages are added). Those numbers live while the server runs; UIDVALIDITY then changes.

import { fold } from '../mail/fold.js';
import { normalizeTag } from '../mail/tags.js';
import type { StoredMessage } from '../mail/types.js';
import { shownName } from './mutf7.js';
import type { ImapUseCases } from './session.js';

export type MailboxRef = { kind: 'inbox' } | { kind: 'trash' } | { kind: 'tag'; tag: string };

export const TRASH = 'Trash';
const FLAGGED = 'flagged';
const ARRIVAL_PAGE = 200;
const ARRIVAL_PAGES = 6;

/** What a mailbox holds now, and how its messages are numbered. */
export interface MailboxContents {
  messages: StoredMessage[];
  uid: (m: StoredMessage) => number;
  uidValidity: number;
  uidNext: number;
}

export interface ListedMailbox {
  name: string;
  attributes: string[];
}

/** Why a CREATE, RENAME or DELETE is refused: a response code and text. */
export class MailboxRefusal extends Error {
  constructor(readonly code: 'ALREADYEXISTS' | 'NONEXISTENT' | 'CANNOT', message: string) {
    super(message);
  }
}

export const mailboxName = (ref: MailboxRef) => (ref.kind === 'tag' ? ref.tag : ref.kind === 'inbox' ? 'INBOX' : TRASH);
export const sameMailbox = (a: MailboxRef, b: MailboxRef) => a.kind === b.kind && fold(mailboxName(a)) === fold(mailboxName(b));
const uidKey = (tag: string, scope: string | null) => `${scope ?? ''}\0${fold(tag)}`;
const reserved = (name: string) => name.toUpperCase() === 'INBOX' || fold(name) === fold(TRASH);
const byName = (a: string, b: string) => fold(a).localeCompare(fold(b)) || a.localeCompare(b);

/** The UIDs of one tag mailbox. */
class TagUids {
  next = 1;
  readonly byId = new Map<string, number>();
  constructor(readonly validity: number) {}

  /** Numbers the members without a UID (in arrival order) and forgets those no longer members. */
  sync(members: readonly StoredMessage[]): void {
    const live = new Set(members.map((m) => m.id));
    for (const id of this.byId.keys()) if (!live.has(id)) this.byId.delete(id);
    const fresh = members.filter((m) => !this.byId.has(m.id)).sort((a, b) => a.seq - b.seq);
    for (const m of fresh) this.byId.set(m.id, this.next++);
  }
}

export class MailboxDirectory {
  readonly #base = Math.floor(Date.now() / 1000);
  #made = 0;
  /** By login scope and folded tag; kept after a tag goes, so a tag that comes back goes on numbering upwards. */
  readonly #uids = new Map<string, TagUids>();
  /** Mailboxes made with CREATE that no message carries yet, by login scope and folded name. */
  readonly #created = new Map<string, Map<string, string>>();

  constructor(private readonly useCases: Pick<ImapUseCases, 'selectMessages' | 'listMessages' | 'listTags' | 'renameTag' | 'changeMessages' | 'arrivalEpoch'>) {}

  /** Every mailbox of a login (scope: the inbox it reads, or null for all mail), INBOX and Trash first. */
  async list(scope: string | null): Promise<ListedMailbox[]> {
    const tags = await this.#tags(scope);
    const created = this.#createdIn(scope);
    for (const t of tags) created.delete(fold(t)); // a created mailbox is an ordinary tag once a message has it
    const names = [...tags, ...created.values()].filter((t) => !reserved(t)).sort(byName);
    return [
      { name: 'INBOX', attributes: ['\\HasNoChildren'] },
      { name: TRASH, attributes: ['\\HasNoChildren', '\\Trash'] },
      ...names.map((name) => ({ name, attributes: fold(name) === FLAGGED ? ['\\HasNoChildren', '\\Flagged'] : ['\\HasNoChildren'] })),
    ];
  }

  /** The mailbox a (decoded) name stands for, or null. Names are case-insensitive, as tags are. */
  async resolve(name: string, scope: string | null): Promise<MailboxRef | null> {
    if (name.toUpperCase() === 'INBOX') return { kind: 'inbox' };
    if (fold(name) === fold(TRASH)) return { kind: 'trash' };
    const key = fold(name);
    const tag = (await this.#tags(scope)).find((t) => fold(t) === key) ?? this.#createdIn(scope).get(key);
    return tag ? { kind: 'tag', tag } : null;
  }

  async contents(ref: MailboxRef, scope: string | null): Promise<MailboxContents> {
    if (ref.kind === 'trash') return { messages: [], uid: (m) => m.seq, uidValidity: this.#base, uidNext: 1 };
    if (ref.kind === 'inbox') {
      const messages = await this.useCases.selectMessages({ inbox: scope });
      const uidNext = messages.reduce((max, m) => Math.max(max, m.seq), 0) + 1;
      return { messages, uid: (m) => m.seq, uidValidity: await this.useCases.arrivalEpoch(), uidNext };
    }
    const key = uidKey(ref.tag, scope);
    let uids = this.#uids.get(key);
    if (!uids) this.#uids.set(key, (uids = new TagUids(this.#base + ++this.#made)));
    const messages = await this.useCases.selectMessages(this.#members(ref.tag, scope));
    uids.sync(messages);
    const numbers = uids;
    return { messages, uid: (m) => numbers.byId.get(m.id) ?? 0, uidValidity: uids.validity, uidNext: uids.next };
  }

  /**
   * INBOX's size and the messages that arrived after `maxUid`, newest first, read a page at a time
   * from the newest end (O(new mail), not O(mailbox)); null when more arrived than a few pages hold.
   */
  async inboxArrivals(scope: string | null, maxUid: number): Promise<{ total: number; fresh: StoredMessage[] } | null> {
    const fresh: StoredMessage[] = [];
    let total = -1;
    let cursor: string | null = null;
    for (let pages = 0; pages < ARRIVAL_PAGES; pages++) {
      // Usually nothing arrived: a first page of a few settles it.
      const page = await this.useCases.listMessages({ limit: pages ? ARRIVAL_PAGE : 4, cursor, inbox: scope });
      if (total === -1) total = page.total;
      for (const m of page.messages) {
        if (m.seq <= maxUid) return { total, fresh };
        fresh.push(m);
      }
      if (!page.nextCursor) return { total, fresh };
      cursor = page.nextCursor;
    }
    return null;
  }

  /** CREATE: an empty tag mailbox. */
  async create(name: string, scope: string | null): Promise<void> {
    const tag = this.#tagName(name);
    if (await this.resolve(tag, scope)) throw new MailboxRefusal('ALREADYEXISTS', `mailbox ${shownName(tag)} exists`);
    this.#createdIn(scope).set(fold(tag), tag);
  }

  /** DELETE: the tag leaves the login's messages (they stay in INBOX). */
  async delete(name: string, scope: string | null): Promise<void> {
    const ref = await this.#existingTag(name, scope, 'deleted');
    this.#createdIn(scope).delete(fold(ref.tag));
    await this.useCases.changeMessages(this.#members(ref.tag, scope), { removeTags: [ref.tag] });
    this.#uids.get(uidKey(ref.tag, scope))?.sync([]); // its members' numbers are not needed any more
  }

  /** RENAME: the login's messages trade the tag for the new one. */
  async rename(from: string, to: string, scope: string | null): Promise<void> {
    const ref = await this.#existingTag(from, scope, 'renamed');
    const tag = this.#tagName(to);
    const target = await this.resolve(tag, scope);
    if (target && !sameMailbox(target, ref)) throw new MailboxRefusal('ALREADYEXISTS', `mailbox ${shownName(tag)} exists`);
    const created = this.#createdIn(scope);
    if (created.delete(fold(ref.tag))) created.set(fold(tag), tag);
    else if (fold(tag) === fold(ref.tag)) await this.useCases.renameTag(ref.tag, tag); // a new spelling: tags are one spelling store-wide
    else await this.useCases.changeMessages(this.#members(ref.tag, scope), { addTags: [tag], removeTags: [ref.tag] });
  }

  async #existingTag(name: string, scope: string | null, verb: string): Promise<{ kind: 'tag'; tag: string }> {
    const ref = await this.resolve(name, scope);
    if (!ref) throw new MailboxRefusal('NONEXISTENT', `no mailbox named ${shownName(name)}`);
    if (ref.kind !== 'tag') throw new MailboxRefusal('CANNOT', `${mailboxName(ref)} cannot be ${verb}`);
    return ref;
  }

  /** A name a new tag mailbox may have (no hierarchy: tags are flat). */
  #tagName(name: string): string {
    const bare = name.endsWith('/') ? name.slice(0, -1) : name;
    if (bare.includes('/')) throw new MailboxRefusal('CANNOT', 'mailboxes are tags, which have no hierarchy ("/")');
    if (reserved(bare)) throw new MailboxRefusal('ALREADYEXISTS', `mailbox ${shownName(bare)} exists`);
    if (normalizeTag(bare) !== bare) throw new MailboxRefusal('CANNOT', `${shownName(bare)} is not a usable tag name (letters, digits, - _ . @ and single spaces)`);
    return bare;
  }

  /** The messages of a login that carry a tag, as a search. */
  #members(tag: string, scope: string | null): { inbox: string | null; query: string } {
    return { inbox: scope, query: `tag:"${tag}"` };
  }

  /** The tags of a login's messages. */
  async #tags(scope: string | null): Promise<string[]> {
    if (scope === null) return (await this.useCases.listTags()).map((t) => t.name);
    const seen = new Map<string, string>();
    for (const m of await this.useCases.selectMessages({ inbox: scope })) for (const t of m.tags) if (!seen.has(fold(t))) seen.set(fold(t), t);
    return [...seen.values()];
  }

  #createdIn(scope: string | null): Map<string, string> {
    let created = this.#created.get(scope ?? '');
    if (!created) this.#created.set(scope ?? '', (created = new Map<string, string>()));
    return created;
  }
}
