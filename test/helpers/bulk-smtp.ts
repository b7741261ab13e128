// A lean pipelined SMTP client for volume tests (concurrency, corpus, soak): one connection, many
// transactions written back to back (RFC 2920), replies matched by count. Happy paths only: a
// reply it did not expect aborts the connection with an error naming the message and the reply.

import { connect, type Socket } from 'node:net';

export interface BulkMessage {
  from: string;
  to: string[];
  /** The message exactly as it should be stored; must end with CRLF. Dot-stuffed here. */
  data: Buffer;
}

export interface BulkReply {
  code: number;
  text: string;
}

/** RFC 5321 4.5.2 transparency: a line starting with "." gets one more. */
export function dotStuff(data: Buffer): Buffer {
  let out: Buffer[] | null = null;
  let last = 0;
  if (data[0] === 0x2e) {
    out = [Buffer.from('.')];
  }
  for (let i = data.indexOf('\n.'); i !== -1; i = data.indexOf('\n.', i + 2)) {
    out ??= [];
    out.push(data.subarray(last, i + 1), Buffer.from('.'));
    last = i + 1;
  }
  if (!out) return data;
  out.push(data.subarray(last));
  return Buffer.concat(out);
}

/** A pipelined session. Use send() for each message, then quit(). */
export class BulkSmtp {
  readonly #socket: Socket;
  #buffer = '';
  #pending: Array<{ expect: number; resolve: (r: BulkReply) => void; reject: (e: Error) => void }> = [];
  #error: Error | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', (err) => this.#fail(err));
    socket.on('close', () => this.#fail(new Error('connection closed')));
  }

  #onData(chunk: string) {
    this.#buffer += chunk;
    let nl: number;
    while ((nl = this.#buffer.indexOf('\n')) !== -1) {
      const line = this.#buffer.slice(0, nl).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(nl + 1);
      if (line[3] === '-') continue; // continuation of a multi-line reply
      const reply = { code: Number(line.slice(0, 3)), text: line.slice(4) };
      const waiter = this.#pending.shift();
      if (!waiter) return this.#fail(new Error(`unexpected reply ${line}`));
      if (waiter.expect !== 0 && reply.code !== waiter.expect) {
        waiter.reject(new Error(`expected ${waiter.expect}, got ${line}`));
        this.#fail(new Error(`expected ${waiter.expect}, got ${line}`));
        return;
      }
      waiter.resolve(reply);
    }
  }

  #fail(err: Error) {
    if (!this.#error) this.#error = err;
    for (const w of this.#pending.splice(0)) w.reject(err);
    this.#socket.destroy();
  }

  #expect(code: number): Promise<BulkReply> {
    if (this.#error) return Promise.reject(this.#error);
    return new Promise((resolve, reject) => this.#pending.push({ expect: code, resolve, reject }));
  }

  async #write(data: string | Buffer): Promise<void> {
    if (!this.#socket.write(data)) await new Promise<void>((r) => this.#socket.once('drain', r));
  }

  static async open(port: number, host = '127.0.0.1'): Promise<BulkSmtp> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(port, host, () => resolve(s));
      s.once('error', reject);
    });
    const c = new BulkSmtp(socket);
    const greeting = c.#expect(220);
    const ehlo = c.#expect(250);
    await greeting;
    await c.#write('EHLO bulk.test\r\n');
    await ehlo;
    return c;
  }

  /**
   * Writes one whole transaction without waiting; resolves with the final reply (any code).
   * Await the returned promise later to keep many messages in flight.
   */
  async send(message: BulkMessage): Promise<BulkReply> {
    const head = [`MAIL FROM:<${message.from}>`, ...message.to.map((t) => `RCPT TO:<${t}>`), 'DATA'].join('\r\n') + '\r\n';
    const steps = [this.#expect(250), ...message.to.map(() => this.#expect(250)), this.#expect(354)];
    const final = this.#expect(0);
    for (const p of steps) p.catch(() => {}); // awaited below; an early failure must not be unhandled meanwhile
    await this.#write(Buffer.concat([Buffer.from(head, 'latin1'), dotStuff(message.data), Buffer.from('.\r\n')]));
    await Promise.all(steps);
    return final;
  }

  async quit(): Promise<void> {
    const bye = this.#expect(221).catch(() => null);
    await this.#write('QUIT\r\n').catch(() => {});
    await bye;
    this.#socket.destroy();
  }

  destroy(): void {
    this.#socket.destroy();
  }
}

/**
 * Sends every message over `connections` pipelined sessions with at most `window` messages in
 * flight per session; returns the final replies in input order.
 */
export async function sendBulk(port: number, messages: Iterable<BulkMessage> | BulkMessage[], connections = 4, window = 16): Promise<BulkReply[]> {
  const list = Array.isArray(messages) ? messages : [...messages];
  const replies: BulkReply[] = new Array(list.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(connections, list.length) }, async () => {
      const c = await BulkSmtp.open(port);
      const inflight = new Set<Promise<void>>();
      while (next < list.length) {
        const i = next++;
        const p: Promise<void> = c.send(list[i]!).then((r) => {
          replies[i] = r;
          inflight.delete(p);
        });
        inflight.add(p);
        if (inflight.size >= window) await Promise.race(inflight);
      }
      await Promise.all(inflight);
      await c.quit();
    }),
  );
  return replies;
}
