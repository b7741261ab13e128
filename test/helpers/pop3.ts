// POP3 test tools: a raw socket conversation for protocol edges, and Python's poplib (a real,
// widely used client) driven through a short script.

import { connect, type Socket } from 'node:net';
import { eventually } from './eventually.js';
import { python } from './python.js';

/** A raw POP3 connection that keeps everything the server wrote. */
export class RawPop3 {
  text = '';
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (this.text += chunk));
    socket.on('error', () => {});
    socket.once('close', () => (this.closed = true));
  }

  static open(port: number): Promise<RawPop3> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawPop3(s)));
      s.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The status lines (+OK/-ERR/+) written so far, in order. */
  statusLines(): string[] {
    return this.text.split('\r\n').filter((l) => /^(\+OK|-ERR|\+ )/.test(l) || l === '+');
  }

  /** Waits until `count` status lines have arrived; returns them. */
  async awaitStatus(count: number, what = `${count} status lines`): Promise<string[]> {
    return eventually<string[] | null>(() => (this.statusLines().length >= count ? this.statusLines() : null), { what });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Runs a Python 3 script with poplib imported and the port as POP3_PORT; resolves with its JSON output. */
export function poplib<T>(port: number, body: string, env: Record<string, string> = {}): Promise<T> {
  return python<T>(`import poplib, json, base64, os\nport = int(os.environ['POP3_PORT'])\n${body}`, { ...env, POP3_PORT: String(port) });
}
