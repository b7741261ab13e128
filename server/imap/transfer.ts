// COPY and MOVE (RFC 3501 section 6.4.7, RFC 6851) between INBOX, tag mailboxes and Trash. A tag
// mailbox holds the same messages as INBOX, not copies, so:
//   into a tag mailbox    the messages get the tag; MOVE out of another tag mailbox also takes
//                         that tag off. MOVE out of INBOX leaves them in INBOX, which holds every
//                         message of the login.
//   into INBOX            MOVE from a tag mailbox takes the tag off; COPY from INBOX stores each
//                         message again (same bytes, envelope and flags); COPY from a tag mailbox
//                         changes nothing, the messages are in INBOX already.
//   into Trash            MOVE deletes the messages (a client's "delete"); COPY changes nothing.
// COPYUID (UIDPLUS) names the UIDs the messages have in the destination.

import type { StoredMessage } from '../mail/types.js';
import { storeWithFlags } from './append.js';
import { sameMailbox, type MailboxRef } from './directory.js';
import { flagsOf, type Mailbox, type Slot } from './mailbox.js';
import { isRef, resolveArg } from './mailbox-commands.js';
import type { Command } from './parser.js';
import { slotsOf } from './selected.js';
import { answer, type ImapAnswer, type ImapSession } from './session.js';

type Pairs = Array<[Slot, StoredMessage]>;

export async function transfer(session: ImapSession, c: Command, box: Mailbox, uid: boolean, move: boolean): Promise<ImapAnswer> {
  if (move && box.readOnly) return answer(c.tag, 'NO', '[READ-ONLY] the mailbox was opened with EXAMINE');
  const slots = slotsOf(c, box, uid);
  if (!Array.isArray(slots)) return slots;
  if (c.args.length !== 2) return answer(c.tag, 'BAD', `${c.name} takes a set and a mailbox`);
  const dest = await resolveArg(session, c, c.args[1], 'TRYCREATE');
  if (!isRef(dest)) return dest;
  if (move && sameMailbox(dest, box.ref)) return answer(c.tag, 'NO', '[CANNOT] the messages are in that mailbox already');
  const pairs: Pairs = [];
  for (const [, slot] of slots) {
    const message = await session.options.useCases.findMessage(slot.id);
    if (message) pairs.push([slot, message]);
  }
  const to = await place(session, pairs, box.ref, dest, move);
  // UIDPLUS (RFC 4315): which UIDs the messages have there, in the order of the originals
  const code = to?.from.length ? `[COPYUID ${to.validity} ${to.from.join(',')} ${to.to.join(',')}] ` : '';
  if (!move) return answer(c.tag, 'OK', `${code}${c.name} completed`, await session.updates());
  // RFC 6851 section 4.3: COPYUID in an untagged OK, before the EXPUNGEs of what left the mailbox
  return answer(c.tag, 'OK', `${c.name} completed`, [...(code ? [`* OK ${code}moved\r\n`] : []), ...(await session.updates())]);
}

/** Does the copy or move; the destination's UIDVALIDITY and which source UIDs got which UIDs there (none for Trash). */
async function place(session: ImapSession, pairs: Pairs, source: MailboxRef, dest: MailboxRef, move: boolean): Promise<{ validity: number; from: number[]; to: number[] } | null> {
  const { useCases, shared, directory } = session.options;
  const ids = pairs.map(([s]) => s.id);
  if (dest.kind === 'trash') {
    if (move && ids.length) await useCases.deleteMessages({ ids });
    if (move) for (const id of ids) shared.delete(id);
    return null;
  }
  const sourceTag = source.kind === 'tag' ? [source.tag] : [];
  const from = pairs.map(([s]) => s.uid);
  if (dest.kind === 'tag') {
    if (ids.length) await useCases.changeMessages({ ids }, { addTags: [dest.tag], ...(move ? { removeTags: sourceTag } : {}) });
    const contents = await directory.contents(dest, session.scope);
    return { validity: contents.uidValidity, from, to: pairs.map(([, m]) => contents.uid(m)) };
  }
  // Into INBOX, whose UIDs are the store's arrival numbers.
  const validity = await useCases.arrivalEpoch();
  if (source.kind !== 'inbox') {
    if (move && sourceTag.length && ids.length) await useCases.changeMessages({ ids }, { removeTags: sourceTag });
    return { validity, from, to: pairs.map(([, m]) => m.seq) };
  }
  const copied: { from: number[]; to: number[] } = { from: [], to: [] };
  for (const [slot, message] of pairs) {
    const raw = await useCases.readRaw(message.id).catch(() => null); // deleted meanwhile: skipped, in both lists
    if (!raw) continue;
    copied.from.push(slot.uid);
    copied.to.push((await storeWithFlags(useCases, shared, raw, session.envelopeFor(message.envelope), flagsOf(message, shared))).seq);
  }
  return { validity, ...copied };
}
