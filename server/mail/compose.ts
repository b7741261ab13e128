// Builds a MIME message from structured fields (the Mailpit send API's input) with nodemailer's
// MailComposer. Pure CPU work, no transport: outbound/relay.ts remains the only place that talks
// SMTP to anyone.

import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Address } from './types.js';

export interface ComposeAttachment {
  filename: string;
  content: Buffer;
  contentType?: string;
  /** Set for inline parts referenced as cid: from the HTML. */
  cid?: string;
}

/** What a composed message holds. Bcc is not listed: it belongs to the envelope only. */
export interface ComposeInput {
  from: Address;
  to: Address[];
  cc: Address[];
  replyTo: Address[];
  subject: string;
  text: string | null;
  html: string | null;
  attachments: ComposeAttachment[];
  /** Extra headers, already validated (no CR/LF, no protected names). */
  headers: Record<string, string>;
  date: Date;
}

/** The RFC 5322 bytes, CRLF line ends, Message-ID and MIME structure chosen by MailComposer. */
export function composeMime(input: ComposeInput): Promise<Buffer> {
  return new MailComposer({
    from: input.from,
    to: input.to,
    cc: input.cc,
    replyTo: input.replyTo,
    subject: input.subject,
    ...(input.text !== null ? { text: input.text } : {}),
    ...(input.html !== null ? { html: input.html } : {}),
    attachments: input.attachments.map((a) => ({
      filename: a.filename,
      content: a.content,
      ...(a.contentType ? { contentType: a.contentType } : {}),
      ...(a.cid ? { cid: a.cid, contentDisposition: 'inline' as const } : {}),
    })),
    headers: input.headers,
    date: input.date,
  })
    .compile()
    .build();
}
