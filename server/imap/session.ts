// One IMAP session as a small state machine (RFC 3501 section 3): not authenticated (LOGIN,
// AUTHENTICATE PLAIN, STARTTLS) -> authenticated (SELECT, EXAMINE, LIST, STATUS, ...) -> selected
// (FETCH, STORE, EXPUNGE, CLOSE, ...) -> logout. No sockets here: handle() takes one parsed
// command and answers with the bytes to write; listener.ts owns the connection. Every read and
// change goes through the use cases, so flags and deletes are the inbox's and the API's.

import type { App } from '../app/index.js';
import type { Envelope } from '../mail/types.js';
import type { Verify } from '../auth/credentials.js';
import type { MailboxContents, MailboxDirectory } from './directory.js';
import type { Mailbox, SharedFlags } from './mailbox.js';
import { runMailboxCommand } from './mailbox-commands.js';
import { astring, type Command } from './parser.js';
import { runSelected } from './selected.js';
import { join } from './wire.js';

export type ImapUseCases = Pick<App, 'selectMessages' | 'readRaw' | 'deleteMessages' | 'listInboxes' | 'updateMessage' | 'findMessage' | 'appendMessage' | 'arrivalEpoch' | 'events' | 'listTags' | 'renameTag' | 'changeMessages' | 'listMessages'>;

export interface ImapSessionOptions {
  useCases: ImapUseCases;
  /** Checks credentials; null accepts any user name and password. */
  verify: Verify | null;
  /** STARTTLS is offered (a certificate is configured and the connection is not yet TLS). */
  canStartTls: () => boolean;
  /** Waits before a failed login is answered (slows guessing). */
  failedLoginPause: () => Promise<void>;
  /** Flags beyond \Seen and tags, shared by the listener's sessions. */
  shared: SharedFlags;
  /** The mailboxes (INBOX, tags, Trash), shared by the listener's sessions. */
  directory: MailboxDirectory;
  /** The largest message APPEND accepts (bytes): advertised as APPENDLIMIT. */
  appendLimit: number;
  /** The client's address and whether the connection is encrypted, for the envelope of an APPEND. */
  client: () => { address: string; secure: boolean };
}

/** What to write (`stream` first, when there is one, then `out`), and whether the connection then closes or switches to TLS. */
export interface ImapAnswer {
  out: Buffer;
  /** Untagged responses produced one at a time (a large FETCH), written with back-pressure. */
  stream?: AsyncIterable<Buffer>;
  then?: 'close' | 'starttls' | 'idle';
}

type State = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

/** Builds an answer: untagged lines (already terminated) and the tagged completion. */
export function answer(tag: string, status: 'OK' | 'NO' | 'BAD', text: string, untagged: ReadonlyArray<string | Buffer> = [], then?: ImapAnswer['then']): ImapAnswer {
  return { out: join([...untagged, `${tag} ${status} ${text}\r\n`]), ...(then ? { then } : {}) };
}

export class ImapSession {
  state: State = 'not-authenticated';
  /** AUTHENTICATE PLAIN sent without an initial response: the next line is the response. */
  pendingAuth: string | null = null;
  /** The tag of the IDLE in progress (RFC 2177), until the client sends DONE. */
  idleTag: string | null = null;
  mailbox: Mailbox | null = null;
  #inbox: string | null = null;
  #user = '';

  constructor(readonly options: ImapSessionOptions) {}

  capabilities(): string {
    // SASL-IR (RFC 4959): AUTHENTICATE PLAIN may carry its response on the command line; APPENDLIMIT
    // (RFC 7889): the largest message APPEND takes, so a client need not find out by a refusal.
    const caps = ['IMAP4rev1', 'LITERAL+', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UNSELECT', 'UIDPLUS', 'MOVE', 'CHILDREN', 'SPECIAL-USE', `APPENDLIMIT=${this.options.appendLimit}`, 'SASL-IR', 'AUTH=PLAIN'];
    if (this.state === 'not-authenticated' && this.options.canStartTls()) caps.push('STARTTLS');
    return caps.join(' ');
  }

  /** Answers a continuation line of AUTHENTICATE (base64, or "*" to cancel). */
  async continueAuth(line: string): Promise<ImapAnswer> {
    const tag = this.pendingAuth!;
    this.pendingAuth = null;
    if (line.trim() === '*') return answer(tag, 'BAD', 'AUTHENTICATE cancelled');
    return this.#plain(tag, line.trim());
  }

  async handle(c: Command): Promise<ImapAnswer> {
    switch (c.name) {
      case 'CAPABILITY':
        return answer(c.tag, 'OK', 'CAPABILITY completed', [`* CAPABILITY ${this.capabilities()}\r\n`]);
      case 'NOOP':
      case 'CHECK':
        if (c.name === 'CHECK' && this.state !== 'selected') return this.#wrongState(c);
        return answer(c.tag, 'OK', `${c.name} completed`, await this.updates());
      case 'LOGOUT':
        this.state = 'logout';
        return answer(c.tag, 'OK', 'LOGOUT completed', ['* BYE Mailroom IMAP signing off\r\n'], 'close');
      case 'ID':
        return answer(c.tag, 'OK', 'ID completed', ['* ID ("name" "Mailroom" "vendor" "Mailroom")\r\n']);
    }
    if (this.state === 'not-authenticated') return this.#notAuthenticated(c);
    switch (c.name) {
      case 'NAMESPACE':
        return answer(c.tag, 'OK', 'NAMESPACE completed', ['* NAMESPACE (("" "/")) NIL NIL\r\n']);
      case 'ENABLE':
        return answer(c.tag, 'OK', 'ENABLE completed', ['* ENABLED\r\n']);
      case 'IDLE':
        this.idleTag = c.tag;
        return { out: Buffer.from('+ idling\r\n'), then: 'idle' };
      case 'LOGIN':
      case 'AUTHENTICATE':
      case 'STARTTLS':
        return this.#wrongState(c);
    }
    const named = await runMailboxCommand(this, c);
    if (named) return named;
    if (this.state !== 'selected' || !this.mailbox) return this.#unknownOrWrongState(c);
    switch (c.name) {
      case 'CLOSE':
      case 'UNSELECT': {
        if (c.name === 'CLOSE' && !this.mailbox.readOnly) await this.deleteMarked(); // silently (RFC 3501 section 6.4.2)
        this.unselect();
        return answer(c.tag, 'OK', `${c.name} completed`);
      }
      case 'EXPUNGE': {
        if (this.mailbox.readOnly) return answer(c.tag, 'NO', '[READ-ONLY] the mailbox was opened with EXAMINE');
        const updates = await this.updates();
        const expunged = await this.deleteMarked();
        return answer(c.tag, 'OK', 'EXPUNGE completed', [...updates, ...expunged.map((n) => `* ${n} EXPUNGE\r\n`)]);
      }
    }
    return runSelected(this, c, this.mailbox);
  }

  async #notAuthenticated(c: Command): Promise<ImapAnswer> {
    switch (c.name) {
      case 'STARTTLS':
        if (!this.options.canStartTls()) return answer(c.tag, 'BAD', 'STARTTLS is not available (no TLS certificate configured, or already TLS)');
        return answer(c.tag, 'OK', 'Begin TLS negotiation now', [], 'starttls');
      case 'LOGIN': {
        const user = astring(c.args[0]);
        const password = astring(c.args[1]);
        if (user === null || password === null || c.args.length !== 2) return answer(c.tag, 'BAD', 'LOGIN takes a user name and a password');
        return this.#login(c.tag, user, password);
      }
      case 'AUTHENTICATE': {
        if ((astring(c.args[0]) ?? '').toUpperCase() !== 'PLAIN') return answer(c.tag, 'NO', '[CANNOT] only AUTHENTICATE PLAIN is supported');
        const initial = astring(c.args[1]);
        if (initial === null) {
          this.pendingAuth = c.tag;
          return { out: Buffer.from('+ \r\n') };
        }
        return this.#plain(c.tag, initial === '=' ? '' : initial);
      }
    }
    return this.#unknownOrWrongState(c);
  }

  async #plain(tag: string, base64: string): Promise<ImapAnswer> {
    const parts = Buffer.from(base64, 'base64').toString('utf8').split('\0');
    if (parts.length !== 3 || !parts[1]) return answer(tag, 'BAD', 'malformed AUTHENTICATE PLAIN response');
    return this.#login(tag, parts[1], parts[2]!);
  }

  async #login(tag: string, user: string, password: string): Promise<ImapAnswer> {
    if (this.options.verify && !(await this.options.verify(user, password))) {
      await this.options.failedLoginPause();
      return answer(tag, 'NO', '[AUTHENTICATIONFAILED] invalid user name or password');
    }
    // As POP3: a user name that names an inbox reads that inbox; any other reads every message.
    const inboxes = await this.options.useCases.listInboxes();
    this.#inbox = inboxes.find((i) => i.name === user.toLowerCase())?.name ?? null;
    this.#user = user;
    this.state = 'authenticated';
    return answer(tag, 'OK', `[CAPABILITY ${this.capabilities()}] logged in${this.#inbox ? ` to inbox ${this.#inbox}` : ''}`);
  }

  /** The inbox the login reads, or null for every message. */
  get scope(): string | null {
    return this.#inbox;
  }

  selectBox(box: Mailbox): void {
    this.mailbox = box;
    this.state = 'selected';
  }

  unselect(): void {
    this.mailbox = null;
    if (this.state === 'selected') this.state = 'authenticated';
  }

  /** Untagged updates since the last command: EXPUNGE for messages gone (unless `expunge` is false), EXISTS for new ones. */
  async updates(expunge = true): Promise<string[]> {
    const box = this.mailbox;
    // INBOX, the common case: when its size says nothing left, only the newest end needs reading.
    if (box?.ref.kind === 'inbox') {
      const delta = await this.options.directory.inboxArrivals(this.#inbox, box.maxUid);
      if (delta && (!expunge || delta.total - delta.fresh.length === box.size)) {
        const exists = box.arrive(delta.fresh.map((m) => ({ id: m.id, uid: m.seq })));
        return exists === null ? [] : [`* ${exists} EXISTS\r\n`];
      }
    }
    return (await this.sync(expunge)).lines;
  }

  /** updates() from the whole mailbox, and its messages as they are now (for a command that reads them all: SEARCH). */
  async sync(expunge = true): Promise<{ lines: string[]; contents: MailboxContents | null }> {
    if (!this.mailbox) return { lines: [], contents: null };
    const contents = await this.options.directory.contents(this.mailbox.ref, this.#inbox);
    const { expunged, exists } = this.mailbox.refresh(contents, expunge);
    return { lines: [...expunged.map((n) => `* ${n} EXPUNGE\r\n`), ...(exists === null ? [] : [`* ${exists} EXISTS\r\n`])], contents };
  }

  /** Deletes the messages marked \Deleted (only those whose UID `only` accepts, for UID EXPUNGE); their sequence numbers, highest first. */
  async deleteMarked(only: (uid: number) => boolean = () => true): Promise<number[]> {
    const box = this.mailbox!;
    const marked: number[] = [];
    for (let i = box.slots.length - 1; i >= 0; i--) if (only(box.slots[i]!.uid) && this.options.shared.get(box.slots[i]!.id)?.has('\\Deleted')) marked.push(i + 1);
    if (!marked.length) return [];
    const ids = marked.map((n) => box.slots[n - 1]!.id);
    await this.options.useCases.deleteMessages({ ids });
    for (const id of ids) this.options.shared.delete(id);
    for (const n of marked) box.slots.splice(n - 1, 1);
    return marked;
  }

  /** The envelope of a message stored through this session (APPEND, COPY): it lands in the login's inbox. */
  envelopeFor(base?: Envelope): Envelope {
    const client = this.options.client();
    return { mailFrom: base?.mailFrom ?? '', rcptTo: base?.rcptTo ?? [], remoteAddress: client.address, heloName: `IMAP ${this.#user}`.trim(), authUser: this.#inbox, secure: client.secure };
  }

  #wrongState(c: Command): ImapAnswer {
    return answer(c.tag, 'BAD', `${c.name} is not allowed in the ${this.state} state`);
  }

  #unknownOrWrongState(c: Command): ImapAnswer {
    const known = ['IDLE', 'SELECT', 'EXAMINE', 'LIST', 'LSUB', 'STATUS', 'SUBSCRIBE', 'UNSUBSCRIBE', 'NAMESPACE', 'ENABLE', 'CREATE', 'DELETE', 'RENAME', 'APPEND', 'CHECK', 'CLOSE', 'UNSELECT', 'EXPUNGE', 'SEARCH', 'FETCH', 'STORE', 'COPY', 'MOVE', 'UID FETCH', 'UID STORE', 'UID SEARCH', 'UID COPY', 'UID MOVE', 'UID EXPUNGE'];
    if (known.includes(c.name)) return this.#wrongState(c);
    return answer(c.tag, 'BAD', `unknown command ${JSON.stringify(c.name.slice(0, 30))}`);
  }
}

