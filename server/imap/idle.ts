// IDLE (RFC 2177): what an idling client is told of one mailbox event from the bus that feeds the
// WebSocket: new mail as EXISTS, messages gone as EXPUNGE, and the new FLAGS of messages it has
// when the read flag or tags change, whichever door changed them (in a tag mailbox a tag change
// may also be an arrival or a departure). No polling anywhere. The event itself says what
// changed, so an arrival or a delete costs the same with 100 or 100,000 messages.

import type { MailEvent } from '../events/bus.js';
import { fold } from '../mail/fold.js';
import type { MessageSummary } from '../mail/types.js';
import { flagsOf, type Mailbox } from './mailbox.js';
import type { ImapSession } from './session.js';

export async function idleChanges(session: ImapSession, event: MailEvent): Promise<string[]> {
  const box = session.mailbox;
  if (!box || session.idleTag === null) return [];
  switch (event.type) {
    case 'message:new':
      return arrived(session, box, event.summary);
    case 'message:deleted':
    case 'message:evicted': {
      const ids = new Set(event.ids);
      return box.remove((slot) => ids.has(slot.id)).map((n) => `* ${n} EXPUNGE\r\n`);
    }
    case 'message:read':
    case 'message:tags':
      return flagChanges(session, box, event);
    case 'store:cleared':
      return session.updates();
  }
}

async function arrived(session: ImapSession, box: Mailbox, summary: MessageSummary): Promise<string[]> {
  const ref = box.ref;
  if (ref.kind === 'trash') return [];
  // A tag mailbox numbers its members itself: let the directory do it.
  if (ref.kind === 'tag') return summary.tags.some((t) => fold(t) === fold(ref.tag)) ? session.updates() : [];
  if (session.scope !== null && summary.inbox !== session.scope) return [];
  const message = await session.options.useCases.findMessage(summary.id);
  const exists = message ? box.arrive([{ id: message.id, uid: message.seq }]) : null; // null: gone already, or seen by a sync meanwhile
  return exists === null ? [] : [`* ${exists} EXISTS\r\n`];
}

async function flagChanges(session: ImapSession, box: Mailbox, event: Extract<MailEvent, { type: 'message:read' | 'message:tags' }>): Promise<string[]> {
  const ids = new Set(event.type === 'message:read' ? event.ids : event.messages.map((m) => m.id));
  // In a tag mailbox a tag change is also a message arriving (told by EXISTS alone) or leaving.
  const membership = event.type === 'message:tags' && box.ref.kind === 'tag';
  const known = membership ? new Set(box.slots.map((s) => s.id)) : null;
  const out: string[] = membership ? await session.updates() : [];
  for (let i = 0; i < box.slots.length; i++) {
    if (!ids.has(box.slots[i]!.id) || (known && !known.has(box.slots[i]!.id))) continue;
    const message = await session.options.useCases.findMessage(box.slots[i]!.id);
    if (message) out.push(`* ${i + 1} FETCH (FLAGS (${flagsOf(message, session.options.shared).join(' ')}))\r\n`);
  }
  return out;
}
