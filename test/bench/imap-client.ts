// A lean IMAP client for the bench: one command at a time, its whole answer collected as chunks
// (a 20 MB FETCH is joined once, at the end), and an IDLE mode that reports each "* n EXISTS" with
// the moment it arrived. Bounded: a server silent for 60 s fails the row instead of hanging it.

import { connect, type Socket } from 'node:net';
import { now } from './stats.js';

export class BenchImap {
  #chunks: Buffer[] = [];
  #want: { tag: string; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  #failure: Error | null = null;
  #next = 1;
  #onExists: ((count: number, at: number) => void) | null = null;
  #partial = '';

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.#data(chunk));
    socket.setTimeout(60_000, () => socket.destroy(new Error('the IMAP server was silent for 60 s')));
    socket.on('error', (err) => this.#fail(err));
    socket.on('close', () => this.#fail(new Error('the IMAP server closed the connection')));
  }

  static async open(port: number): Promise<BenchImap> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    socket.setNoDelay(true);
    const client = new BenchImap(socket);
    await client.#until('*'); // the greeting
    return client;
  }

  #data(chunk: Buffer): void {
    const at = now();
    if (this.#onExists) {
      const text = this.#partial + chunk.toString('latin1');
      const lines = text.split('\r\n');
      this.#partial = lines.pop()!;
      for (const line of lines) {
        const m = /^\* (\d+) EXISTS$/.exec(line);
        if (m) this.#onExists(Number(m[1]), at);
      }
    }
    if (!this.#want) return;
    this.#chunks.push(chunk);
    // The tagged completion is the last line of the answer: look only when what arrived ends a line.
    if (chunk.length < 2 || chunk[chunk.length - 2] !== 13 || chunk[chunk.length - 1] !== 10) return;
    const tag = this.#want.tag;
    let last = '';
    if (tag !== '*') {
      let tail = Buffer.alloc(0);
      for (let i = this.#chunks.length - 1; i >= 0 && tail.length < 16 * 1024; i--) tail = Buffer.concat([this.#chunks[i]!, tail]);
      const start = tail.lastIndexOf('\r\n', tail.length - 3);
      last = tail.toString('latin1', start === -1 ? 0 : start + 2, tail.length - 2);
      if (!last.startsWith(`${tag} `)) return;
    }
    const answer = Buffer.concat(this.#chunks);
    this.#chunks = [];
    const { resolve, reject } = this.#want;
    this.#want = null;
    if (tag !== '*' && !last.startsWith(`${tag} OK`)) reject(new Error(`IMAP ${last.slice(0, 200)}`));
    else resolve(answer);
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    const want = this.#want;
    this.#want = null;
    want?.reject(this.#failure);
  }

  #until(tag: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.#failure) return reject(this.#failure);
      this.#want = { tag, resolve, reject };
    });
  }

  /** Sends one command; resolves with everything up to its tagged OK (rejects on NO or BAD). */
  command(line: string): Promise<Buffer> {
    const tag = `b${this.#next++}`;
    const answer = this.#until(tag);
    this.socket.write(`${tag} ${line}\r\n`);
    return answer;
  }

  /** Starts IDLE; `onExists` hears every EXISTS with its arrival time (performance.now()). */
  async idle(onExists: (count: number, at: number) => void): Promise<void> {
    this.#onExists = onExists;
    const tag = `b${this.#next++}`;
    const started = new Promise<void>((resolve, reject) => {
      const check = (chunk: Buffer) => {
        if (chunk.includes('+ ')) {
          this.socket.off('data', check);
          resolve();
        }
      };
      this.socket.on('data', check);
      this.socket.once('close', () => reject(new Error('closed before IDLE began')));
    });
    this.socket.write(`${tag} IDLE\r\n`);
    await started;
  }

  close(): void {
    this.socket.destroy();
  }
}
