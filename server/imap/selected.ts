// The commands of the selected state that address messages by set: FETCH, STORE, SEARCH and their
// UID forms, UID EXPUNGE (COPY and MOVE are in transfer.ts). Each first brings the session up to
// date: new mail as EXISTS always, messages deleted elsewhere as EXPUNGE only in the UID forms
// (RFC 3501 section 7.4.1 forbids it during FETCH, STORE and SEARCH, whose sequence numbers it
// would shift). A FETCH answer is streamed in ~64 KB pieces (a FETCH 1:* BODY[] of the whole
// store never sits in memory at once); STORE changes flags through the use cases, so \Seen is the
// read flag the inbox shows, \Flagged and keywords are tags.

import { DomainError } from '../app/index.js';
import type { StoredMessage } from '../mail/types.js';
import { FetchSyntaxError, fetchItems, fetchResponse, needsRaw, setsSeen, type FetchItem } from './fetch.js';
import { flagChange, flagsOf, type Mailbox, type Slot } from './mailbox.js';
import { astring, type Command, type Token } from './parser.js';
import { parseSearch, SearchSyntaxError, type Candidate } from './search.js';
import { transfer } from './transfer.js';
import { answer, type ImapAnswer, type ImapSession } from './session.js';
import { inSet, join, list, sequenceSet, type Part } from './wire.js';

const FETCH_BATCH = 64 * 1024;

/** The slots a set names, with their sequence numbers; a BAD answer for a malformed or out-of-range set. */
export function slotsOf(c: Command, box: Mailbox, uid: boolean): Array<[number, Slot]> | ImapAnswer {
  const text = c.args[0]?.kind === 'atom' ? c.args[0].value : '';
  const set = sequenceSet(text, uid ? box.maxUid : box.size);
  if (!set) return answer(c.tag, 'BAD', `invalid ${uid ? 'UID' : 'sequence'} set ${JSON.stringify(text.slice(0, 40))}`);
  if (!uid && set.some(([, hi]) => hi > box.size)) return answer(c.tag, 'BAD', `no message ${Math.max(...set.map(([, hi]) => hi))}: the mailbox has ${box.size}`);
  // Each range is found directly (slots ascend by UID): a FETCH of one message in 100,000 reads one slot.
  const positions: number[] = [];
  for (const [lo, hi] of set) {
    const from = uid ? box.firstAtOrAbove(lo) : lo - 1;
    for (let i = from; i < box.size && (uid ? box.slots[i]!.uid : i + 1) <= hi; i++) positions.push(i);
  }
  if (set.length > 1) positions.sort((a, b) => a - b);
  return positions.filter((p, k) => k === 0 || p !== positions[k - 1]).map((p) => [p + 1, box.slots[p]!]);
}

const gone = (err: unknown) => err instanceof DomainError && err.kind === 'not-found';

/** The FETCH responses, joined into buffers of about 64 KB: each message's bytes are copied once, and the writer sees few, large chunks. */
async function* fetchStream(session: ImapSession, box: Mailbox, slots: Array<[number, Slot]>, items: FetchItem[], pre: readonly string[]): AsyncGenerator<Buffer> {
  const { useCases, shared } = session.options;
  const wantsRaw = needsRaw(items);
  const marksSeen = setsSeen(items) && !box.readOnly;
  let batch: Part[] = [...pre];
  let size = pre.reduce((n, p) => n + p.length, 0);
  for (const [seq, slot] of slots) {
    let message = await useCases.findMessage(slot.id);
    if (!message) continue; // deleted meanwhile: its EXPUNGE comes with a later command
    let raw: Buffer | null = null;
    try {
      if (wantsRaw) raw = await useCases.readRaw(slot.id);
      let shown = items;
      if (marksSeen && !message.read) {
        message = await useCases.updateMessage(slot.id, { read: true });
        if (!items.some((i) => i.kind === 'FLAGS')) shown = [...items, { kind: 'FLAGS' }];
      }
      for (const part of fetchResponse(seq, slot.uid, message, flagsOf(message, shared), shown, raw)) {
        batch.push(part);
        size += part.length;
      }
    } catch (err) {
      if (!gone(err)) throw err;
    }
    if (size >= FETCH_BATCH) {
      yield join(batch);
      batch = [];
      size = 0;
    }
  }
  if (batch.length) yield join(batch);
}

async function fetch(session: ImapSession, c: Command, box: Mailbox, uid: boolean): Promise<ImapAnswer> {
  const pre = await session.updates(uid);
  const slots = slotsOf(c, box, uid);
  if (!Array.isArray(slots)) return slots;
  let items: FetchItem[];
  try {
    items = fetchItems(c.args[1]);
  } catch (err) {
    if (err instanceof FetchSyntaxError) return answer(c.tag, 'BAD', err.message);
    throw err;
  }
  if (c.args.length > 2) return answer(c.tag, 'BAD', 'FETCH takes a set and attributes');
  if (uid && !items.some((i) => i.kind === 'UID')) items = [{ kind: 'UID' }, ...items];
  return { ...answer(c.tag, 'OK', `${c.name} completed`), stream: fetchStream(session, box, slots, items, pre) };
}

/** The flag names of a STORE argument (a list, or one flag). */
function flagNames(token: Token | undefined): string[] | null {
  if (!token) return null;
  const atoms = token.kind === 'list' ? token.items : [token];
  const out: string[] = [];
  for (const a of atoms) {
    if (a.kind !== 'atom') return null;
    out.push(a.value);
  }
  return out;
}

async function store(session: ImapSession, c: Command, box: Mailbox, uid: boolean): Promise<ImapAnswer> {
  if (box.readOnly) return answer(c.tag, 'NO', '[READ-ONLY] the mailbox was opened with EXAMINE');
  const pre = await session.updates(uid);
  const slots = slotsOf(c, box, uid);
  if (!Array.isArray(slots)) return slots;
  const m = /^([+-]?)FLAGS(\.SILENT)?$/i.exec(c.args[1]?.kind === 'atom' ? c.args[1].value : '');
  const flags = flagNames(c.args[2]);
  if (!m || !flags || c.args.length !== 3) return answer(c.tag, 'BAD', 'STORE takes a set, [+|-]FLAGS[.SILENT] and a list of flags');
  const { useCases, shared } = session.options;
  const out: Array<Buffer | string> = [...pre];
  for (const [seq, slot] of slots) {
    const message = await useCases.findMessage(slot.id);
    if (!message) continue;
    const change = flagChange(message.tags, m[1] as '' | '+' | '-', flags, shared.get(slot.id) ?? new Set());
    let updated: StoredMessage;
    try {
      updated = await useCases.updateMessage(slot.id, { ...(change.read === undefined ? {} : { read: change.read }), addTags: change.addTags, removeTags: change.removeTags });
    } catch (err) {
      if (gone(err)) continue;
      throw err;
    }
    if (change.shared.size) shared.set(slot.id, change.shared);
    else shared.delete(slot.id);
    if (!m[2]) out.push(join([`* ${seq} FETCH (FLAGS `, ...list(flagsOf(updated, shared)), uid ? ` UID ${slot.uid})\r\n` : ')\r\n']));
  }
  return answer(c.tag, 'OK', `${c.name} completed`, out);
}

async function search(session: ImapSession, c: Command, box: Mailbox, uid: boolean): Promise<ImapAnswer> {
  let args = c.args;
  if (args[0]?.kind === 'atom' && args[0].value.toUpperCase() === 'CHARSET') {
    const charset = astring(args[1]) ?? '';
    if (!/^(utf-8|us-ascii)$/i.test(charset)) return answer(c.tag, 'NO', '[BADCHARSET (UTF-8 US-ASCII)] only UTF-8 and US-ASCII searches');
    args = args.slice(2);
  }
  let matches: (candidate: Candidate) => boolean;
  try {
    matches = parseSearch(args, box.size, box.maxUid);
  } catch (err) {
    if (err instanceof SearchSyntaxError) return answer(c.tag, 'BAD', err.message);
    throw err;
  }
  const { shared } = session.options;
  const { lines: arrived, contents } = await session.sync(uid);
  const hits: number[] = [];
  box.each(contents!, (seq, slot, message) => {
    if (matches({ message, seq, uid: slot.uid, flags: () => flagsOf(message, shared) })) hits.push(uid ? slot.uid : seq);
  });
  return answer(c.tag, 'OK', `${c.name} completed`, [...arrived, `* SEARCH${hits.map((n) => ` ${n}`).join('')}\r\n`]);
}

/** FETCH, STORE, SEARCH, COPY, MOVE and their UID forms, and UID EXPUNGE. */
export async function runSelected(session: ImapSession, c: Command, box: Mailbox): Promise<ImapAnswer> {
  const uid = c.name.startsWith('UID ');
  switch (uid ? c.name.slice(4) : c.name) {
    case 'FETCH':
      return fetch(session, c, box, uid);
    case 'STORE':
      return store(session, c, box, uid);
    case 'SEARCH':
      return search(session, c, box, uid);
    case 'COPY':
    case 'MOVE':
      return transfer(session, c, box, uid, c.name.endsWith('MOVE'));
    case 'EXPUNGE': {
      // UID EXPUNGE (RFC 4315): only the \Deleted messages among the UIDs given
      if (box.readOnly) return answer(c.tag, 'NO', '[READ-ONLY] the mailbox was opened with EXAMINE');
      const set = sequenceSet(c.args[0]?.kind === 'atom' ? c.args[0].value : '', box.maxUid);
      if (!set || c.args.length !== 1) return answer(c.tag, 'BAD', 'UID EXPUNGE takes a UID set');
      const updates = await session.updates();
      const expunged = await session.deleteMarked((n) => inSet(set, n));
      return answer(c.tag, 'OK', 'UID EXPUNGE completed', [...updates, ...expunged.map((n) => `* ${n} EXPUNGE\r\n`)]);
    }
  }
  return answer(c.tag, 'BAD', `unknown command ${JSON.stringify(c.name.slice(0, 30))}`);
}
