// One IMAP session as a small state machine (RFC 3501 section 3): not authenticated (LOGIN,
// AUTHENTICATE PLAIN, STARTTLS) -> authenticated (SELECT, EXAMINE, LIST, STATUS, ...) -> selected
// (FETCH, STORE, EXPUNGE, CLOSE, ...) -> logout. No sockets here: handle() takes one parsed
// command and answers with the bytes to write; listener.ts owns the connection. Every read and
// change goes through the use cases, so flags and deletes are the inbox's and the API's.

import type { App } from '../app/index.js';
import { DomainError } from '../app/index.js';
import type { Envelope, StoredMessage } from '../mail/types.js';
import { appendRequest, storeWithFlags } from './append.js';
import type { Verify } from '../auth/credentials.js';
import { isInbox, Mailbox, SYSTEM_FLAGS, type SharedFlags } from './mailbox.js';
import { astring, type Command } from './parser.js';
import { runSelected } from './selected.js';
import { join } from './wire.js';

export type ImapUseCases = Pick<App, 'selectMessages' | 'readRaw' | 'deleteMessages' | 'listInboxes' | 'updateMessage' | 'findMessage' | 'appendMessage' | 'arrivalEpoch' | 'events'>;

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

const MAILBOX = 'INBOX';

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
    const caps = ['IMAP4rev1', 'LITERAL+', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UNSELECT', 'UIDPLUS', 'CHILDREN', 'AUTH=PLAIN'];
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
      case 'SELECT':
      case 'EXAMINE':
        return this.#select(c);
      case 'LIST':
      case 'LSUB': {
        const pattern = astring(c.args[1]);
        if (pattern === null || astring(c.args[0]) === null) return answer(c.tag, 'BAD', `${c.name} takes a reference and a mailbox pattern`);
        if (pattern === '') return answer(c.tag, 'OK', `${c.name} completed`, [`* ${c.name} (\\Noselect) "/" ""\r\n`]);
        const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/[*%]/g, '.*')}$`, 'i');
        return answer(c.tag, 'OK', `${c.name} completed`, re.test(MAILBOX) ? [`* ${c.name} (\\HasNoChildren) "/" ${MAILBOX}\r\n`] : []);
      }
      case 'STATUS':
        return this.#status(c);
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE':
        return isInbox(c.args[0]) ? answer(c.tag, 'OK', `${c.name} completed`) : answer(c.tag, 'NO', '[NONEXISTENT] only INBOX exists');
      case 'NAMESPACE':
        return answer(c.tag, 'OK', 'NAMESPACE completed', ['* NAMESPACE (("" "/")) NIL NIL\r\n']);
      case 'ENABLE':
        return answer(c.tag, 'OK', 'ENABLE completed', ['* ENABLED\r\n']);
      case 'APPEND':
        return this.#append(c);
      case 'IDLE':
        this.idleTag = c.tag;
        return { out: Buffer.from('+ idling\r\n'), then: 'idle' };
      case 'CREATE':
      case 'DELETE':
      case 'RENAME':
        return answer(c.tag, 'NO', '[CANNOT] Mailroom has one mailbox, INBOX');
      case 'LOGIN':
      case 'AUTHENTICATE':
      case 'STARTTLS':
        return this.#wrongState(c);
    }
    if (this.state !== 'selected' || !this.mailbox) return this.#unknownOrWrongState(c);
    switch (c.name) {
      case 'CLOSE':
      case 'UNSELECT': {
        if (c.name === 'CLOSE' && !this.mailbox.readOnly) await this.deleteMarked(); // silently (RFC 3501 section 6.4.2)
        this.mailbox = null;
        this.state = 'authenticated';
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

  async #select(c: Command): Promise<ImapAnswer> {
    this.mailbox = null;
    this.state = 'authenticated';
    if (!isInbox(c.args[0])) return answer(c.tag, 'NO', '[NONEXISTENT] only INBOX exists');
    const messages = await this.options.useCases.selectMessages({ inbox: this.#inbox });
    const box = new Mailbox(messages, this.#inbox, c.name === 'EXAMINE');
    this.mailbox = box;
    this.state = 'selected';
    const bySeq = new Map(messages.map((m) => [m.id, m]));
    const firstUnseen = box.slots.findIndex((s) => !bySeq.get(s.id)!.read);
    const lines = [
      `* FLAGS (${SYSTEM_FLAGS.join(' ')})\r\n`,
      `* OK [PERMANENTFLAGS (${box.readOnly ? '' : `${SYSTEM_FLAGS.join(' ')} \\*`})] flags that can be changed\r\n`,
      `* ${box.size} EXISTS\r\n`,
      '* 0 RECENT\r\n',
      ...(firstUnseen === -1 ? [] : [`* OK [UNSEEN ${firstUnseen + 1}] first unseen message\r\n`]),
      `* OK [UIDVALIDITY ${await this.options.useCases.arrivalEpoch()}] UIDs valid\r\n`,
      `* OK [UIDNEXT ${box.maxUid + 1}] predicted next UID\r\n`,
    ];
    return answer(c.tag, 'OK', `[${box.readOnly ? 'READ-ONLY' : 'READ-WRITE'}] ${c.name} completed`, lines);
  }

  async #status(c: Command): Promise<ImapAnswer> {
    const wanted = c.args[1];
    if (!isInbox(c.args[0])) return answer(c.tag, 'NO', '[NONEXISTENT] only INBOX exists');
    if (wanted?.kind !== 'list' || wanted.items.some((i) => i.kind !== 'atom')) return answer(c.tag, 'BAD', 'STATUS takes a mailbox and a list of items');
    const messages = await this.options.useCases.selectMessages({ inbox: this.#inbox });
    const values: Record<string, number> = {
      MESSAGES: messages.length,
      RECENT: 0,
      UIDNEXT: messages.reduce((max, m) => Math.max(max, m.seq), 0) + 1,
      UIDVALIDITY: await this.options.useCases.arrivalEpoch(),
      UNSEEN: messages.filter((m) => !m.read).length,
    };
    const out: string[] = [];
    for (const item of wanted.items) {
      const name = (item as { value: string }).value.toUpperCase();
      if (!(name in values)) return answer(c.tag, 'BAD', `unknown STATUS item ${name}`);
      out.push(`${name} ${values[name]}`);
    }
    return answer(c.tag, 'OK', 'STATUS completed', [join(['* STATUS INBOX (', out.join(' '), ')\r\n'])]);
  }

  /** Untagged updates since the last command: EXPUNGE for messages gone (unless `expunge` is false), EXISTS for new ones. */
  async updates(expunge = true): Promise<string[]> {
    return (await this.sync(expunge)).lines;
  }

  /** updates(), and the login's messages as they are now (for a command that reads them all: SEARCH). */
  async sync(expunge = true): Promise<{ lines: string[]; messages: StoredMessage[] }> {
    const messages = await this.options.useCases.selectMessages({ inbox: this.#inbox });
    if (!this.mailbox) return { lines: [], messages };
    const { expunged, exists } = this.mailbox.refresh(messages, expunge);
    return { lines: [...expunged.map((n) => `* ${n} EXPUNGE\r\n`), ...(exists === null ? [] : [`* ${exists} EXISTS\r\n`])], messages };
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

  async #append(c: Command): Promise<ImapAnswer> {
    if (!isInbox(c.args[0])) return answer(c.tag, 'NO', '[TRYCREATE] only INBOX exists');
    const request = appendRequest(c.args.slice(1));
    if (typeof request === 'string') return answer(c.tag, 'BAD', request);
    let stored: StoredMessage;
    try {
      stored = await storeWithFlags(this.options.useCases, this.options.shared, request.raw, this.envelopeFor(), request.flags);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'too-large') return answer(c.tag, 'NO', `[TOOBIG] ${err.message}`);
      throw err;
    }
    // UIDPLUS (RFC 4315): the UID the message got
    return answer(c.tag, 'OK', `[APPENDUID ${await this.options.useCases.arrivalEpoch()} ${stored.seq}] APPEND completed`, await this.updates());
  }

  #wrongState(c: Command): ImapAnswer {
    return answer(c.tag, 'BAD', `${c.name} is not allowed in the ${this.state} state`);
  }

  #unknownOrWrongState(c: Command): ImapAnswer {
    const known = ['IDLE', 'SELECT', 'EXAMINE', 'LIST', 'LSUB', 'STATUS', 'SUBSCRIBE', 'UNSUBSCRIBE', 'NAMESPACE', 'ENABLE', 'CREATE', 'DELETE', 'RENAME', 'APPEND', 'CHECK', 'CLOSE', 'UNSELECT', 'EXPUNGE', 'SEARCH', 'FETCH', 'STORE', 'COPY', 'UID FETCH', 'UID STORE', 'UID SEARCH', 'UID COPY', 'UID EXPUNGE'];
    if (known.includes(c.name)) return this.#wrongState(c);
    return answer(c.tag, 'BAD', `unknown command ${JSON.stringify(c.name.slice(0, 30))}`);
  }
}

