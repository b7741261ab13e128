// IMAP test tools: Python's imaplib (a real, independent client; python3 ships with Debian) and a
// raw socket conversation for protocol edges.

import { connect, type Socket } from 'node:net';
import { python } from './python.js';

/** Runs a Python 3 script with imaplib imported and the port as IMAP_PORT; resolves with its JSON output. */
export function imaplib<T>(port: number, body: string, env: Record<string, string> = {}): Promise<T> {
  return python<T>(`import imaplib, json, base64, os, re\nport = int(os.environ['IMAP_PORT'])\n${body}`, { ...env, IMAP_PORT: String(port) });
}

/** A raw IMAP conversation: send bytes, read until a tagged completion (or a predicate) arrives. */
export class RawImap {
  #buffer = Buffer.alloc(0);
  #waiters: Array<() => void> = [];
  closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      for (const w of this.#waiters.splice(0)) w();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => {
      for (const w of this.#waiters.splice(0)) w();
      resolve();
    }));
  }

  static open(port: number): Promise<RawImap> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawImap(s)));
      s.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Everything read so far, as latin1 text. */
  get text(): string {
    return this.#buffer.toString('latin1');
  }

  /** Waits until what was read matches `re` (or the connection closes); returns all text read and clears it. */
  async until(re: RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!re.test(this.text)) {
      if (this.socket.destroyed) break;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${re} within ${timeoutMs} ms; read: ${JSON.stringify(this.text.slice(-500))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left); // a deadline, not a wait
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    const text = this.text;
    this.#buffer = Buffer.alloc(0);
    return text;
  }

  /** Sends a command with `tag` and returns everything up to its tagged completion. */
  command(tag: string, line: string): Promise<string> {
    this.send(`${tag} ${line}\r\n`);
    return this.until(new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n`));
  }

  close(): void {
    this.socket.destroy();
  }
}
