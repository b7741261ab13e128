// The commands of the authenticated state that name mailboxes (RFC 3501 section 6.3): SELECT and
// EXAMINE, LIST and LSUB, STATUS, SUBSCRIBE, CREATE, DELETE, RENAME and APPEND. Which mailboxes
// exist, and what CREATE, RENAME and DELETE do to tags, is the directory's (directory.ts).

import { DomainError } from '../app/index.js';
import type { StoredMessage } from '../mail/types.js';
import { appendRequest, storeWithFlags } from './append.js';
import { MailboxRefusal, mailboxName, type MailboxRef } from './directory.js';
import { Mailbox, SYSTEM_FLAGS } from './mailbox.js';
import { decodeMailboxName, encodeMailboxName, shownName } from './mutf7.js';
import { astring, type Command, type Token } from './parser.js';
import { answer, type ImapAnswer, type ImapSession } from './session.js';
import { join, str } from './wire.js';

/** A mailbox name argument, decoded from modified UTF-7; null when there is none. */
export function mailboxArg(token: Token | undefined): string | null {
  const wire = astring(token);
  return wire === null ? null : decodeMailboxName(wire);
}

/** The mailbox an argument names, or a NO answer saying there is none (with `missing` as its code). */
export async function resolveArg(session: ImapSession, c: Command, token: Token | undefined, missing = 'NONEXISTENT'): Promise<MailboxRef | ImapAnswer> {
  const name = mailboxArg(token);
  if (name === null) return answer(c.tag, 'BAD', `${c.name} needs a mailbox name (modified UTF-7)`);
  return (await session.options.directory.resolve(name, session.scope)) ?? answer(c.tag, 'NO', `[${missing}] no mailbox named ${shownName(name)}`);
}

export const isRef = (r: MailboxRef | ImapAnswer): r is MailboxRef => 'kind' in r;
const wireName = (ref: MailboxRef) => str(encodeMailboxName(mailboxName(ref)));

export async function runMailboxCommand(session: ImapSession, c: Command): Promise<ImapAnswer | null> {
  switch (c.name) {
    case 'SELECT':
    case 'EXAMINE':
      return select(session, c);
    case 'LIST':
    case 'LSUB':
      return list(session, c);
    case 'STATUS':
      return status(session, c);
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE': {
      // Every mailbox counts as subscribed: LSUB lists them all.
      const ref = await resolveArg(session, c, c.args[0]);
      return isRef(ref) ? answer(c.tag, 'OK', `${c.name} completed`) : ref;
    }
    case 'CREATE':
    case 'DELETE':
    case 'RENAME':
      return changeMailboxes(session, c);
    case 'APPEND':
      return append(session, c);
  }
  return null;
}

async function select(session: ImapSession, c: Command): Promise<ImapAnswer> {
  session.unselect();
  const ref = await resolveArg(session, c, c.args[0]);
  if (!isRef(ref)) return ref;
  const contents = await session.options.directory.contents(ref, session.scope);
  const box = new Mailbox(ref, contents, c.name === 'EXAMINE');
  session.selectBox(box);
  const byId = new Map(contents.messages.map((m) => [m.id, m]));
  const firstUnseen = box.slots.findIndex((s) => !byId.get(s.id)!.read);
  const lines = [
    `* FLAGS (${SYSTEM_FLAGS.join(' ')})\r\n`,
    `* OK [PERMANENTFLAGS (${box.readOnly ? '' : `${SYSTEM_FLAGS.join(' ')} \\*`})] flags that can be changed\r\n`,
    `* ${box.size} EXISTS\r\n`,
    '* 0 RECENT\r\n',
    ...(firstUnseen === -1 ? [] : [`* OK [UNSEEN ${firstUnseen + 1}] first unseen message\r\n`]),
    `* OK [UIDVALIDITY ${contents.uidValidity}] UIDs valid\r\n`,
    `* OK [UIDNEXT ${contents.uidNext}] predicted next UID\r\n`,
  ];
  return answer(c.tag, 'OK', `[${box.readOnly ? 'READ-ONLY' : 'READ-WRITE'}] ${c.name} completed`, lines);
}

/** LIST and LSUB; LIST-EXTENDED selection and return options are accepted and ignored (SPECIAL-USE attributes always come). */
async function list(session: ImapSession, c: Command): Promise<ImapAnswer> {
  let args = c.args;
  if (args[0]?.kind === 'list') args = args.slice(1);
  if (args[2]?.kind === 'atom' && args[2].value.toUpperCase() === 'RETURN') args = args.slice(0, 2);
  const reference = astring(args[0]);
  const pattern = astring(args[1]);
  if (pattern === null || reference === null || args.length !== 2) return answer(c.tag, 'BAD', `${c.name} takes a reference and a mailbox pattern`);
  if (pattern === '') return answer(c.tag, 'OK', `${c.name} completed`, [`* ${c.name} (\\Noselect) "/" ""\r\n`]);
  const lines = [];
  for (const box of await session.options.directory.list(session.scope)) {
    const name = encodeMailboxName(box.name);
    if (wildcardMatch((reference + pattern).toLowerCase(), name.toLowerCase())) lines.push(join([`* ${c.name} (${box.attributes.join(' ')}) "/" `, str(name), '\r\n']));
  }
  return answer(c.tag, 'OK', `${c.name} completed`, lines);
}

/**
 * LIST's wildcards (`*` and `%`, the same here: there is no hierarchy) without a regular
 * expression: a pattern of thousands of `*` from an 8 KB command line would make one backtrack
 * for ever. Greedy, going back only to the last wildcard: O(pattern × name).
 */
export function wildcardMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  const wild = (i: number) => pattern[i] === '*' || pattern[i] === '%';
  while (n < name.length) {
    if (p < pattern.length && !wild(p) && pattern[p] === name[n]) {
      p++;
      n++;
    } else if (p < pattern.length && wild(p)) {
      star = p++;
      mark = n;
    } else if (star !== -1) {
      p = star + 1;
      n = ++mark;
    } else return false;
  }
  while (p < pattern.length && wild(p)) p++;
  return p === pattern.length;
}

async function status(session: ImapSession, c: Command): Promise<ImapAnswer> {
  const wanted = c.args[1];
  if (wanted?.kind !== 'list' || wanted.items.some((i) => i.kind !== 'atom') || c.args.length !== 2) return answer(c.tag, 'BAD', 'STATUS takes a mailbox and a list of items');
  const ref = await resolveArg(session, c, c.args[0]);
  if (!isRef(ref)) return ref;
  const values = await statusOf(session, ref);
  const out: string[] = [];
  for (const item of wanted.items) {
    const name = (item as { value: string }).value.toUpperCase();
    if (!(name in values)) return answer(c.tag, 'BAD', `unknown STATUS item ${name}`);
    out.push(`${name} ${values[name]}`);
  }
  return answer(c.tag, 'OK', 'STATUS completed', [join(['* STATUS ', wireName(ref), ` (${out.join(' ')})\r\n`])]);
}

/** STATUS figures; INBOX's from the store's counters and newest message (a mail client asks often). */
async function statusOf(session: ImapSession, ref: MailboxRef): Promise<Record<string, number>> {
  const { directory, useCases } = session.options;
  if (ref.kind === 'inbox') {
    const page = await useCases.listMessages({ limit: 1, inbox: session.scope });
    return { MESSAGES: page.total, RECENT: 0, UIDNEXT: (page.messages[0]?.seq ?? 0) + 1, UIDVALIDITY: await useCases.arrivalEpoch(), UNSEEN: page.unread };
  }
  const contents = await directory.contents(ref, session.scope);
  return { MESSAGES: contents.messages.length, RECENT: 0, UIDNEXT: contents.uidNext, UIDVALIDITY: contents.uidValidity, UNSEEN: contents.messages.filter((m) => !m.read).length };
}

async function changeMailboxes(session: ImapSession, c: Command): Promise<ImapAnswer> {
  const { directory } = session.options;
  const names = c.args.map((a) => mailboxArg(a));
  const wanted = c.name === 'RENAME' ? 2 : 1;
  if (names.length !== wanted || names.some((n) => n === null)) return answer(c.tag, 'BAD', `${c.name} takes ${wanted === 2 ? 'two mailbox names' : 'a mailbox name'}`);
  const [first, second] = names as string[];
  try {
    if (c.name === 'CREATE') await directory.create(first!, session.scope);
    else if (c.name === 'DELETE') await directory.delete(first!, session.scope);
    else await directory.rename(first!, second!, session.scope);
  } catch (err) {
    if (err instanceof MailboxRefusal) return answer(c.tag, 'NO', `[${err.code}] ${err.message}`);
    throw err;
  }
  return answer(c.tag, 'OK', `${c.name} completed`, await session.updates());
}

/** APPEND: a message stored like a delivered one, in the login's inbox, arrived at the date given; into a tag mailbox it also gets the tag. */
async function append(session: ImapSession, c: Command): Promise<ImapAnswer> {
  const ref = await resolveArg(session, c, c.args[0], 'TRYCREATE');
  if (!isRef(ref)) return ref;
  if (ref.kind === 'trash') return answer(c.tag, 'NO', '[CANNOT] Trash holds nothing: what is moved there is deleted');
  const request = appendRequest(c.args.slice(1));
  if (typeof request === 'string') return answer(c.tag, 'BAD', request);
  let stored: StoredMessage;
  try {
    const { useCases, shared, directory } = session.options;
    stored = await storeWithFlags(useCases, shared, request.raw, session.envelopeFor(), [...request.flags, ...(ref.kind === 'tag' ? [ref.tag] : [])], request.date ?? undefined);
    const contents = await directory.contents(ref, session.scope);
    // UIDPLUS (RFC 4315): the UID the message got
    return answer(c.tag, 'OK', `[APPENDUID ${contents.uidValidity} ${contents.uid(stored)}] APPEND completed`, await session.updates());
  } catch (err) {
    if (err instanceof DomainError && err.kind === 'too-large') return answer(c.tag, 'NO', `[TOOBIG] ${err.message}`);
    throw err;
  }
}
