// Builds StoredMessage values without SMTP or mailparser, for pure search/store unit tests: the view
// comes from the real viewOf(), so the search view is exactly what ingest would build.

import type { ParsedMessage, ParsedPart } from '../../server/mail/parse.js';
import type { Address, Envelope, Header, StoredMessage } from '../../server/mail/types.js';
import { viewOf } from '../../server/mail/view.js';
import type { NewMessage } from '../../server/store/store.js';

export interface FakeSpec {
  id?: string;
  from?: Address | null;
  to?: Address[];
  cc?: Address[];
  bcc?: Address[];
  replyTo?: Address[];
  rcptTo?: string[];
  subject?: string;
  text?: string | null;
  html?: string | null;
  headers?: Header[];
  messageId?: string | null;
  parts?: Array<{ filename: string | null; related?: boolean }>;
  size?: number;
  receivedAt?: string;
  read?: boolean;
  tags?: string[];
  inbox?: string;
  authUser?: string | null;
}

const addr = (address: string, name = ''): Address => ({ name, address });
export { addr };

/** The parts of a NewMessage (what store.add takes) for a spec. */
export function fakeNew(spec: FakeSpec): NewMessage {
  const parsed: ParsedMessage = {
    headers: spec.headers ?? [],
    from: spec.from ?? null,
    to: spec.to ?? [],
    cc: spec.cc ?? [],
    bcc: spec.bcc ?? [],
    replyTo: spec.replyTo ?? [],
    subject: spec.subject ?? '',
    date: null,
    messageId: spec.messageId ?? null,
    text: spec.text ?? null,
    html: spec.html ?? null,
    parts: (spec.parts ?? []).map(
      (p, i): ParsedPart => ({ id: String(i + 2), filename: p.filename, contentType: 'application/octet-stream', size: 1, checksum: '', contentId: null, disposition: p.related ? 'inline' : 'attachment', related: Boolean(p.related), content: Buffer.alloc(1) }),
    ),
    parseError: null,
  };
  const envelope: Envelope = { mailFrom: spec.from?.address ?? '', rcptTo: spec.rcptTo ?? [], remoteAddress: '127.0.0.1', heloName: 'test', authUser: spec.authUser ?? null, secure: false };
  return {
    raw: Buffer.alloc(spec.size ?? 1000, 'x'),
    envelope,
    view: viewOf(parsed, envelope),
    inbox: spec.inbox,
    tags: spec.tags,
    receivedAt: spec.receivedAt ? Date.parse(spec.receivedAt) : undefined,
  };
}

/** A complete StoredMessage for matcher tests. */
export function fakeMessage(spec: FakeSpec, seq = 1): StoredMessage {
  const n = fakeNew(spec);
  return {
    id: spec.id ?? `m${seq}`,
    seq,
    receivedAt: n.receivedAt ?? Date.parse('2024-01-01T00:00:00Z'),
    inbox: n.inbox ?? 'default',
    size: n.raw.length,
    envelope: n.envelope,
    view: n.view,
    read: spec.read ?? false,
    tags: spec.tags ?? [],
  };
}
