// One POP3 session as a small state machine (RFC 1939): AUTHORIZATION (USER/PASS or AUTH PLAIN)
// -> TRANSACTION (a snapshot of the login's maildrop: STAT, LIST, UIDL, RETR, TOP, DELE, RSET,
// NOOP) -> UPDATE (QUIT deletes what DELE marked). No sockets here: handle() takes one command
// line and answers with the bytes to write; listener.ts owns the connection. Mail is read and
// deleted only through the use cases.

import type { App } from '../app/index.js';
import { DomainError } from '../app/index.js';
import type { Verify } from '../auth/credentials.js';
import { multiline, textLines, top } from './wire.js';

export type Pop3UseCases = Pick<App, 'selectMessages' | 'readRaw' | 'deleteMessages' | 'listInboxes'>;

export interface Pop3SessionOptions {
  useCases: Pop3UseCases;
  /** Checks credentials; null accepts any user name and password. */
  verify: Verify | null;
  /** STLS is offered (a certificate is configured and the connection is not yet TLS). */
  canStartTls: () => boolean;
  /** Waits before a failed login is answered (slows guessing); resolves at once in tests that want it. */
  failedLoginPause: () => Promise<void>;
}

/** What to write, and whether the connection then closes or switches to TLS. */
export interface Pop3Answer {
  out: string | Buffer;
  then?: 'close' | 'starttls';
}

type State = 'authorization' | 'transaction' | 'update';
interface Drop {
  id: string;
  size: number;
}

const ok = (text: string): Pop3Answer => ({ out: `+OK ${text}\r\n` });
const err = (text: string, then?: 'close'): Pop3Answer => ({ out: `-ERR ${text}\r\n`, ...(then ? { then } : {}) });
const WRONG_STATE = 'command not valid in this state';
const MAX_TOP_LINES = 1_000_000;

export class Pop3Session {
  state: State = 'authorization';
  #user: string | null = null;
  /** AUTH PLAIN sent without an initial response: the next line is the base64 response. */
  #saslPending = false;
  #drop: Drop[] = [];
  readonly #deleted = new Set<number>();

  constructor(private readonly options: Pop3SessionOptions) {}

  capabilities(): string[] {
    return ['TOP', 'UIDL', 'USER', ...(this.options.canStartTls() && this.state === 'authorization' ? ['STLS'] : []), 'SASL PLAIN', 'RESP-CODES', 'PIPELINING', 'IMPLEMENTATION Mailroom'];
  }

  /** Answers one command line (without its line break). */
  async handle(line: string): Promise<Pop3Answer> {
    if (this.#saslPending) return this.#saslResponse(line);
    const space = line.indexOf(' ');
    const command = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const args = space === -1 ? [] : line.slice(space + 1).split(' ').filter(Boolean);
    switch (command) {
      case 'CAPA':
        return { out: textLines('+OK capability list follows', this.capabilities()) };
      case 'QUIT':
        return this.#quit();
      case 'USER':
      case 'PASS':
      case 'AUTH':
      case 'STLS':
        if (this.state !== 'authorization') return err(WRONG_STATE);
        return this.#authorization(command, args, line.slice(space + 1));
      case 'STAT':
      case 'LIST':
      case 'UIDL':
      case 'RETR':
      case 'TOP':
      case 'DELE':
      case 'RSET':
      case 'NOOP':
        if (this.state !== 'transaction') return err(WRONG_STATE);
        return this.#transaction(command, args);
      case '':
        return err('empty command');
      default:
        return err(`unknown command ${JSON.stringify(command.slice(0, 20))}`);
    }
  }

  async #authorization(command: string, args: string[], rest: string): Promise<Pop3Answer> {
    switch (command) {
      case 'USER':
        if (args.length !== 1) return err('USER takes one user name');
        this.#user = args[0]!;
        return ok('send PASS');
      case 'PASS':
        if (this.#user === null) return err('send USER first');
        return this.#login(this.#user, rest);
      case 'STLS':
        if (!this.options.canStartTls()) return err('STLS is not available (no TLS certificate configured, or already TLS)');
        return { out: '+OK begin TLS negotiation\r\n', then: 'starttls' };
      default: {
        // AUTH PLAIN [initial-response] (RFC 5034)
        if ((args[0] ?? '').toUpperCase() !== 'PLAIN') return err('only AUTH PLAIN is supported');
        if (args.length === 1) {
          this.#saslPending = true;
          return { out: '+ \r\n' };
        }
        return this.#plain(args[1]!);
      }
    }
  }

  async #saslResponse(line: string): Promise<Pop3Answer> {
    this.#saslPending = false;
    if (line.trim() === '*') return err('authentication cancelled');
    return this.#plain(line.trim());
  }

  /** A SASL PLAIN response: base64 of authzid NUL authcid NUL password. */
  async #plain(base64: string): Promise<Pop3Answer> {
    const parts = Buffer.from(base64, 'base64').toString('utf8').split('\0');
    if (parts.length !== 3 || !parts[1]) return err('malformed AUTH PLAIN response');
    return this.#login(parts[1], parts[2]!);
  }

  async #login(user: string, password: string): Promise<Pop3Answer> {
    this.#user = null;
    if (this.options.verify && !(await this.options.verify(user, password))) {
      await this.options.failedLoginPause();
      return err('[AUTH] invalid user name or password');
    }
    // A user name that names an inbox reads that inbox; any other reads every message.
    const inboxes = await this.options.useCases.listInboxes();
    const inbox = inboxes.find((i) => i.name === user.toLowerCase())?.name ?? null;
    const messages = await this.options.useCases.selectMessages({ inbox });
    this.#drop = messages.reverse().map((m) => ({ id: m.id, size: m.size })); // oldest is message 1
    this.state = 'transaction';
    return ok(`maildrop${inbox ? ` ${inbox}` : ''} has ${this.#drop.length} messages (${this.#octets()} octets)`);
  }

  async #transaction(command: string, args: string[]): Promise<Pop3Answer> {
    switch (command) {
      case 'STAT':
        return ok(`${this.#live().length} ${this.#octets()}`);
      case 'NOOP':
        return ok('');
      case 'RSET':
        this.#deleted.clear();
        return ok(`maildrop has ${this.#drop.length} messages (${this.#octets()} octets)`);
      case 'LIST':
      case 'UIDL': {
        const show = (n: number, m: Drop) => `${n} ${command === 'LIST' ? m.size : m.id}`;
        if (args.length === 0) {
          const live = this.#live();
          return { out: textLines(`+OK ${live.length} messages`, live.map(([n, m]) => show(n, m))) };
        }
        const found = this.#message(args[0]);
        return 'error' in found ? found.error : ok(show(found.n, found.m));
      }
      case 'DELE': {
        const found = this.#message(args[0]);
        if ('error' in found) return found.error;
        this.#deleted.add(found.n);
        return ok(`message ${found.n} deleted`);
      }
      default: {
        // RETR n, TOP n lines
        const found = this.#message(args[0]);
        if ('error' in found) return found.error;
        let lines: number | null = null;
        if (command === 'TOP') {
          if (!/^\d{1,7}$/.test(args[1] ?? '')) return err('TOP takes a message number and a number of lines');
          lines = Math.min(Number(args[1]), MAX_TOP_LINES);
        }
        let raw: Buffer;
        try {
          raw = await this.options.useCases.readRaw(found.m.id);
        } catch (e) {
          if (e instanceof DomainError && e.kind === 'not-found') return err(`message ${found.n} was deleted by another client`);
          throw e;
        }
        const body = lines === null ? raw : top(raw, lines);
        return { out: Buffer.concat([Buffer.from(`+OK ${lines === null ? `${raw.length} octets` : 'top of message follows'}\r\n`), multiline(body)]) };
      }
    }
  }

  async #quit(): Promise<Pop3Answer> {
    if (this.state !== 'transaction') return { out: '+OK Mailroom POP3 server signing off\r\n', then: 'close' };
    this.state = 'update';
    const ids = [...this.#deleted].map((n) => this.#drop[n - 1]!.id);
    if (ids.length) {
      try {
        await this.options.useCases.deleteMessages({ ids });
      } catch {
        return err('[SYS/TEMP] some deleted messages were not removed', 'close');
      }
    }
    return { out: `+OK Mailroom POP3 server signing off (${ids.length} messages deleted)\r\n`, then: 'close' };
  }

  /** Message numbers not marked deleted, with their messages. */
  #live(): Array<[number, Drop]> {
    return this.#drop.flatMap((m, i) => (this.#deleted.has(i + 1) ? [] : [[i + 1, m] as [number, Drop]]));
  }

  #octets(): number {
    return this.#live().reduce((sum, [, m]) => sum + m.size, 0);
  }

  #message(arg: string | undefined): { n: number; m: Drop } | { error: Pop3Answer } {
    if (!/^\d{1,9}$/.test(arg ?? '')) return { error: err('a message number is needed') };
    const n = Number(arg);
    const m = this.#drop[n - 1];
    if (!m || n < 1) return { error: err(`no message ${n}`) };
    if (this.#deleted.has(n)) return { error: err(`message ${n} is deleted`) };
    return { n, m };
  }
}
