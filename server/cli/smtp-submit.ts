// A minimal SMTP submission client for `send` and `ingest`: one connection, many messages,
// dot-stuffing and CRLF line endings, replies checked at every step. (nodemailer is only a
// devDependency; the CLI must run from the package alone.)

import { connect, type Socket } from 'node:net';
import type { HostPort } from '../config-values.js';

/** An SMTP step failed: `code` is the reply code (0 when the connection itself failed). */
export class SmtpSubmitError extends Error {
  override name = 'SmtpSubmitError';
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
  /** 5xx: retrying the same message will not help. */
  get permanent(): boolean {
    return this.code >= 500;
  }
}

interface Reply {
  code: number;
  lines: string[];
}

const REPLY_TIMEOUT_MS = 60_000; // a server that says nothing for a minute is gone

/** Wire form of a message: CRLF line endings, leading dots doubled, ending in CRLF "." CRLF. */
export function encodeData(data: Buffer): Buffer {
  let s = data.toString('latin1').replace(/\r?\n|\r/g, '\r\n'); // latin1 keeps every byte as one char
  s = s.replace(/^\./gm, '..');
  if (!s.endsWith('\r\n')) s += '\r\n';
  return Buffer.from(s + '.\r\n', 'latin1');
}

/** One SMTP connection. */
export class SmtpSession {
  #socket: Socket;
  #buffer = '';
  #partial: string[] = [];
  #replies: Reply[] = [];
  #waiters: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  #failure: Error | null = null;
  #extensions = new Set<string>();

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('latin1');
    socket.setTimeout(REPLY_TIMEOUT_MS, () => socket.destroy(new Error(`no reply within ${REPLY_TIMEOUT_MS / 1000} s`)));
    socket.on('data', (chunk: string) => this.#onData(chunk));
    const fail = (err: Error) => {
      this.#failure ??= err;
      for (const w of this.#waiters.splice(0)) w.reject(this.#failure);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the server')));
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let nl: number;
    while ((nl = this.#buffer.indexOf('\n')) !== -1) {
      const line = this.#buffer.slice(0, nl).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(nl + 1);
      this.#partial.push(line.slice(4));
      if (line[3] === '-') continue;
      const reply = { code: Number(line.slice(0, 3)) || 0, lines: this.#partial };
      this.#partial = [];
      const w = this.#waiters.shift();
      if (w) w.resolve(reply);
      else this.#replies.push(reply);
    }
  }

  #reply(): Promise<Reply> {
    const ready = this.#replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  async #command(line: string, expect: number, step: string): Promise<Reply> {
    this.#socket.write(line + '\r\n', 'utf8'); // addresses travel as UTF-8 (with SMTPUTF8 when offered)
    return this.#expect(expect, step);
  }

  async #expect(expect: number, step: string): Promise<Reply> {
    let r: Reply;
    try {
      r = await this.#reply();
    } catch (err) {
      throw new SmtpSubmitError(`${step}: ${(err as Error).message}`, 0);
    }
    if (Math.floor(r.code / 100) !== Math.floor(expect / 100)) throw new SmtpSubmitError(`${step} refused: ${r.code} ${r.lines.join(' ')}`, r.code);
    return r;
  }

  /** Connects, reads the greeting and says EHLO (HELO if EHLO is refused). */
  static async open(target: HostPort, heloName = 'localhost'): Promise<SmtpSession> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(target.port, target.host, () => {
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', (err: Error & { code?: string }) => reject(new SmtpSubmitError(`cannot connect to SMTP ${target.host}:${target.port}: ${err.code ?? err.message}`, 0)));
    });
    const session = new SmtpSession(socket);
    await session.#expect(220, 'greeting');
    try {
      const ehlo = await session.#command(`EHLO ${heloName}`, 250, 'EHLO');
      for (const l of ehlo.lines.slice(1)) session.#extensions.add(l.split(' ')[0]!.toUpperCase());
    } catch (err) {
      if (!(err instanceof SmtpSubmitError) || err.code === 0) throw err;
      await session.#command(`HELO ${heloName}`, 250, 'HELO');
    }
    return session;
  }

  /** Sends one message; resolves with the server's final reply (e.g. "250 2.0.0 Ok: queued as …"). */
  async send(from: string, recipients: readonly string[], data: Buffer): Promise<string> {
    if (recipients.length === 0) throw new SmtpSubmitError('no recipients', 0);
    const params: string[] = [];
    if (this.#extensions.has('8BITMIME') && data.some((b) => b > 127)) params.push('BODY=8BITMIME');
    // eslint-disable-next-line no-control-regex
    if (this.#extensions.has('SMTPUTF8') && /[^\x00-\x7f]/.test(from + recipients.join(''))) params.push('SMTPUTF8');
    try {
      await this.#command(`MAIL FROM:<${from}>${params.length ? ' ' + params.join(' ') : ''}`, 250, 'MAIL FROM');
      for (const r of recipients) await this.#command(`RCPT TO:<${r}>`, 250, `RCPT TO:<${r}>`);
      await this.#command('DATA', 354, 'DATA');
      this.#socket.write(encodeData(data));
      const final = await this.#expect(250, 'message');
      return `${final.code} ${final.lines.join(' ')}`;
    } catch (err) {
      // Leave the session usable for the next message.
      if (err instanceof SmtpSubmitError && err.code !== 0) await this.#command('RSET', 250, 'RSET').catch(() => {});
      throw err;
    }
  }

  /** Says QUIT and closes. */
  async close(): Promise<void> {
    if (!this.#failure) await this.#command('QUIT', 221, 'QUIT').catch(() => {});
    this.#socket.destroy();
  }
}
