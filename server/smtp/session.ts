// Our own view of one SMTP connection, and the calls the adapter makes on the pipeline. Every file
// in smtp/ but adapter.ts is written against these types, never against smtp-server's objects,
// so a change in the library touches one file.

import type { Readable } from 'node:stream';
import type { SmtpError } from './smtp-error.js';

/** TLS details of a session, once encrypted. */
export interface TlsInfo {
  protocol: string | null;
  cipher: string | null;
}

/** The envelope of the transaction in progress, as the server has accepted it so far. */
export interface Transaction {
  /** The accepted MAIL FROM ('' for the null sender), or null before MAIL. */
  readonly mailFrom: string | null;
  /** A fresh array on every read: the caller may keep or extend it. */
  readonly rcptTo: string[];
}

/** One SMTP connection, read-only but for the two actions a step may take on it. */
export interface Session {
  readonly id: string;
  readonly client: { readonly address: string; readonly port: number };
  readonly localPort: number;
  readonly secure: boolean;
  readonly tls: TlsInfo | null;
  /** The EHLO/HELO name ('' before one). */
  readonly heloName: string;
  /** The user named by a successful AUTH, else null. */
  readonly authUser: string | null;
  readonly transaction: Transaction;
  /** Answers the command being handled with a refusal (used where the library has no callback: EHLO). */
  reply(error: SmtpError): void;
  /** Closes the connection without a reply. */
  close(): void;
}

/** A command line as received; AUTH secrets are still in `line`, and `continuation` marks an AUTH exchange line. */
export interface CommandLine {
  /** Upper-case verb ("MAIL"), or "AUTH" for a continuation line. */
  readonly name: string;
  readonly line: string;
  readonly continuation: boolean;
}

/** A reply as it goes out: the code and, on demand, the text exactly as written (read it during the call: the object is reused). */
export interface ReplyOut {
  readonly code: number;
  text(): string;
  /** Set for every 4xx/5xx: the pipeline's own refusal, or the library's wrapped as one. */
  readonly error: SmtpError | null;
}

/** The message stream of one DATA: ends at the final dot; `byteLength` counts what arrived. */
export interface DataStream extends Readable {
  readonly byteLength: number;
  readonly sizeExceeded: boolean;
}

/**
 * A step's answer: nothing (go on, the fast path), or a promise that settles to go on; a thrown
 * or rejected SmtpError refuses.
 */
export type StepResult = void | Promise<void>;

/** What a command step decides before the library handles the line: go on, refused, or the connection was closed. */
export type CommandVerdict = null | Promise<'proceed' | 'answered' | 'closed'>;

/** What one listener is, in our terms. */
export interface SmtpServerSpec {
  /** Implicit TLS (SMTPS) rather than plain with optional STARTTLS. */
  secure: boolean;
  tls: { key: string; cert: string } | null;
  starttls: boolean;
  hostname: string;
  maxMessageSize: number;
  maxRecipients: number;
  maxConnections: number;
  maxCommandLength: number;
  idleTimeout: number;
  /** Absolute limit on one connection's life, in ms. */
  sessionTimeout: number;
  /** MAIL before a successful AUTH gets 530. */
  authRequired: boolean;
  /** PLAIN/LOGIN allowed before STARTTLS. */
  allowInsecureAuth: boolean;
}

/** The calls the adapter makes, one per point of an SMTP session. */
export interface SmtpHandlers {
  /** A connection was accepted, before anything is sent on it. */
  open(session: Session): void;
  connect(session: Session): StepResult;
  /** Every command line before the library handles it; a promise holds the line back. */
  command(session: Session, command: CommandLine): CommandVerdict;
  /** Every reply as it is sent. */
  reply(session: Session, reply: ReplyOut): void;
  auth(session: Session, username: string, password: string): StepResult;
  mail(session: Session, address: string, declaredSize: number): StepResult;
  rcpt(session: Session, address: string): StepResult;
  /** Resolves with the text after "250 " ("Ok: queued as …"), or null when the connection was closed instead. */
  data(session: Session, stream: DataStream): Promise<string | null>;
  /** The connection is gone (after every other call for it). */
  close(session: Session): void;
}
