// The message model shared by every part (and, as types only, by the web UI).

import type { SearchView } from './search-view.js';

/** A mailbox: display name (may be empty) and address. */
export interface Address {
  name: string;
  address: string;
}

/** What the SMTP session said about the message, beside its content. */
export interface Envelope {
  /** MAIL FROM address ('' for the null sender <>). */
  mailFrom: string;
  /** RCPT TO addresses in the order accepted. */
  rcptTo: string[];
  remoteAddress: string;
  /** The name given in HELO/EHLO. */
  heloName: string;
  /** SMTP AUTH username, when the client authenticated. */
  authUser: string | null;
  /** True when the session was encrypted (STARTTLS or implicit TLS). */
  secure: boolean;
}

/** One header line, decoded, in message order. */
export interface Header {
  name: string;
  value: string;
}

/** A MIME part that is not the main text/html body: attachments and inline images. */
export interface PartInfo {
  /** Stable id within the message (IMAP-style part number), usable in URLs. */
  id: string;
  filename: string | null;
  contentType: string;
  /** Decoded size in bytes. */
  size: number;
  /** SHA-256 of the decoded bytes, hex. */
  checksum: string;
  contentId: string | null;
  disposition: string | null;
  /** True for parts referenced from the HTML (inline images in multipart/related). */
  related: boolean;
}

/** The small parsed view kept in memory for every message (lists, events, search). */
export interface MessageView {
  from: Address | null;
  to: Address[];
  cc: Address[];
  /** Bcc header recipients plus envelope recipients that appear in no To/Cc header. */
  bcc: Address[];
  replyTo: Address[];
  subject: string;
  /** The Date header as ISO 8601, or null when absent or invalid. */
  date: string | null;
  messageId: string | null;
  /** Start of the text body, whitespace collapsed. */
  snippet: string;
  parts: PartInfo[];
  /** Why the message could not be parsed; the raw bytes are kept regardless. */
  parseError: string | null;
  /** Folded searchable text and header index, built once at ingest (server/mail/search-view.ts). */
  search: SearchView;
}

/** A message in lists and events: never the body. */
export interface MessageSummary {
  id: string;
  inbox: string;
  /** When the SMTP server stored it, ISO 8601. */
  receivedAt: string;
  /** Raw size in bytes. */
  size: number;
  read: boolean;
  tags: string[];
  from: Address | null;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  snippet: string;
  date: string | null;
  messageId: string | null;
  /** Count of parts that are attachments (not inline images). */
  attachments: number;
  /** Count of inline (related) parts. */
  inline: number;
  parseError: string | null;
}

/** The whole message as the API returns it. */
export interface MessageDetail extends MessageSummary {
  replyTo: Address[];
  headers: Header[];
  text: string | null;
  html: string | null;
  envelope: Envelope;
  parts: PartInfo[];
}

/**
 * A message as the store keeps it. Raw bytes are the truth; the view is derived once at ingest.
 * The bytes themselves are not a field: they may be held deflated, so they are read explicitly
 * (MessageStore.readRaw, app readRaw) and a list never inflates anything.
 */
export interface StoredMessage {
  id: string;
  /** Monotonic arrival number; orders the mailbox and backs list cursors. */
  seq: number;
  receivedAt: number;
  inbox: string;
  /** Length of the raw bytes, without touching them. */
  size: number;
  envelope: Envelope;
  view: MessageView;
  read: boolean;
  tags: string[];
}
