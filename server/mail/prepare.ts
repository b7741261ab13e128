// Raw bytes + envelope -> everything the store needs beside them: the parse (mail/parse.ts), the
// compact view, the inbox and the automatic tags.
// One function for every way mail enters (SMTP DATA, the Mailpit send API), so they cannot drift.

import { compactView } from './compact-view.js';
import { inboxFor, type InboxRouting } from './inbox-route.js';
import { parseMessage } from './parse.js';
import { autoTags } from './tags.js';
import type { Envelope, MessageView } from './types.js';
import { viewOf } from './view.js';

/** What store.add takes besides the raw bytes and the envelope. */
export interface PreparedMessage {
  view: MessageView;
  inbox: string;
  tags: string[];
}

/** Parses once and derives the stored view, inbox and tags. Never rejects (parse errors live in the view). */
export async function prepareMessage(raw: Buffer, envelope: Envelope, routing: InboxRouting = { kind: 'auth' }): Promise<PreparedMessage> {
  const parsed = await parseMessage(raw, { html: false });
  const view = compactView(viewOf(parsed, envelope));
  return { view, inbox: inboxFor(routing, envelope), tags: autoTags({ ...parsed, bcc: view.bcc }) };
}
