// A raw SMTP client over a socket, for protocol edges nodemailer will not produce.

import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

export interface Reply {
  code: number;
  text: string;
}

/** A line-oriented SMTP conversation: send() writes bytes, reply() awaits the next full reply. */
export class RawSmtp {
  readonly socket: Socket;
  #buffer = '';
  #waiters: Array<(r: Reply | null) => void> = [];
  #replies: Array<Reply | null> = [];
  closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let m: RegExpExecArray | null;
      // A complete reply is one or more "NNN-" lines ending with an "NNN " line.
      while ((m = /^((?:\d{3}-[^\r\n]*\r?\n)*)(\d{3})(?: ([^\r\n]*))?\r?\n/.exec(this.#buffer))) {
        this.#buffer = this.#buffer.slice(m[0].length);
        this.#push({ code: Number(m[2]), text: (m[1] ?? '') + (m[3] ?? '') });
      }
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.#push(null);
      resolve();
    }));
  }

  #push(r: Reply | null) {
    const w = this.#waiters.shift();
    if (w) w(r);
    else this.#replies.push(r);
  }

  /** Connects; the greeting is left for reply(). */
  static open(port: number, host = '127.0.0.1'): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host, () => resolve(new RawSmtp(s)));
      s.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next reply, or null if the connection closed first. Rejects after timeoutMs. */
  reply(timeoutMs = 5000): Promise<Reply | null> {
    if (this.#replies.length) return Promise.resolve(this.#replies.shift()!);
    return new Promise((resolve, reject) => {
      const waiter = (r: Reply | null) => {
        clearTimeout(t);
        resolve(r);
      };
      // A timed-out waiter leaves the queue, so the reply it missed goes to the next reply() call.
      const t = setTimeout(() => { // a deadline, not a wait
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no SMTP reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Sends a command line and returns its reply. */
  async command(line: string, timeoutMs?: number): Promise<Reply | null> {
    this.send(line + '\r\n');
    return this.reply(timeoutMs);
  }

  /**
   * After a 220 to STARTTLS: runs the TLS handshake over this socket and returns a client for
   * the TLS session. Replies still unread from the plaintext session are dropped with it.
   */
  startTls(options: ConnectionOptions = {}): Promise<RawSmtp> {
    this.socket.removeAllListeners('data');
    return new Promise((resolve, reject) => {
      const secure = tlsConnect({ socket: this.socket, rejectUnauthorized: false, ...options }, () => resolve(new RawSmtp(secure)));
      secure.once('error', reject);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Greeting + EHLO + MAIL + RCPT(s) + DATA + body + '.'; returns the final reply. The stored message is body (plus CRLF if body lacks a final one). */
export async function sendRaw(port: number, from: string, to: string[], body: string | Buffer): Promise<Reply | null> {
  const c = await RawSmtp.open(port);
  try {
    await c.reply();
    await c.command('EHLO test.local');
    await c.command(`MAIL FROM:<${from}>`);
    for (const r of to) await c.command(`RCPT TO:<${r}>`);
    await c.command('DATA');
    c.send(body);
    // The CRLF before "." ends the message's last line; add one only if the body lacks it.
    c.send(body.slice(-2).toString() === '\r\n' ? '.\r\n' : '\r\n.\r\n');
    const final = await c.reply();
    await c.command('QUIT').catch(() => null);
    return final;
  } finally {
    c.close();
  }
}
