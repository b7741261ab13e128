// IDLE (RFC 2177): what an idling client is told of one mailbox event from the bus that feeds the
// WebSocket: new mail as EXISTS, messages gone as EXPUNGE, and the new FLAGS of messages it has
// when the read flag or tags change, whichever door changed them (in a tag mailbox a tag change
// may also be an arrival or a departure). No polling anywhere.

import type { MailEvent } from '../events/bus.js';
import { flagsOf } from './mailbox.js';
import type { ImapSession } from './session.js';

export async function idleChanges(session: ImapSession, event: MailEvent): Promise<string[]> {
  const box = session.mailbox;
  if (!box || session.idleTag === null) return [];
  if (event.type !== 'message:read' && event.type !== 'message:tags') return session.updates();
  const ids = new Set(event.type === 'message:read' ? event.ids : event.messages.map((m) => m.id));
  // In a tag mailbox a tag change is also a message arriving (told by EXISTS alone) or leaving.
  const known = new Set(box.slots.map((s) => s.id));
  const out: string[] = event.type === 'message:tags' && box.ref.kind === 'tag' ? await session.updates() : [];
  for (let i = 0; i < box.slots.length; i++) {
    if (!ids.has(box.slots[i]!.id) || !known.has(box.slots[i]!.id)) continue;
    const message = await session.options.useCases.findMessage(box.slots[i]!.id);
    if (message) out.push(`* ${i + 1} FETCH (FLAGS (${flagsOf(message, session.options.shared).join(' ')}))\r\n`);
  }
  return out;
}
