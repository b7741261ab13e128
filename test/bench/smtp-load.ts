// A lean SMTP load generator: raw sockets, one write per round trip, RFC 2920 pipelining
// (MAIL+RCPT+DATA in one write; the message content, its final dot and the next MAIL+RCPT+DATA
// in the next), so the client costs little CPU and the server is what gets measured.
// Bounded: a fixed number of messages, and every session gives up after a deadline.

import { connect, type Socket } from 'node:net';
import { now } from './stats.js';

export interface LoadOptions {
  port: number;
  host?: string;
  /** Concurrent sessions. */
  sessions: number;
  /** Messages in total, spread over the sessions. */
  messages: number;
  /** Open a new connection (greeting, EHLO, QUIT) for every message instead of reusing one. */
  newConnection?: boolean;
  /** Message number -> bytes (CRLF, dot-stuffed, ending in CRLF). Called once per message. */
  message: (n: number) => Buffer;
  /** First message number (so successive runs send distinct messages). */
  firstNumber?: number;
  /** Recipient of message n. */
  recipient: (n: number) => string;
  /** Total messages per second to pace at; unpaced when absent. */
  rate?: number;
  /** Called when message n is accepted, with the time (now()) its 250 arrived and the reply text. */
  onAccepted?: (n: number, at: number, reply: string) => void;
  /** Give up after this many ms (default 120 s). */
  deadlineMs?: number;
}

export interface LoadResult {
  accepted: number;
  rejected: number;
  errors: string[];
  elapsedMs: number;
  /** Per message: end of data sent -> 250 received, ms. */
  latencies: number[];
}

/** A socket that hands out complete SMTP replies in order. */
class Conversation {
  #buffer = '';
  #waiters: Array<{ resolve: (line: string) => void; reject: (err: Error) => void }> = [];
  #lines: string[] = [];
  #closed: Error | null = null;
  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let nl: number;
      while ((nl = this.#buffer.indexOf('\n')) !== -1) {
        const line = this.#buffer.slice(0, nl + 1);
        this.#buffer = this.#buffer.slice(nl + 1);
        if (line[3] === '-') continue; // continuation of a multi-line reply
        const w = this.#waiters.shift();
        if (w) w.resolve(line.trimEnd());
        else this.#lines.push(line.trimEnd());
      }
    });
    const fail = (err: Error) => {
      this.#closed = err;
      for (const w of this.#waiters.splice(0)) w.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }
  /** Resolves with the final line of the next reply. */
  reply(): Promise<string> {
    if (this.#lines.length) return Promise.resolve(this.#lines.shift()!);
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }
  write(data: string | Buffer): void {
    this.socket.write(data);
  }
  end(): void {
    this.socket.destroy();
  }
}

function open(port: number, host: string): Promise<Conversation> {
  return new Promise((resolve, reject) => {
    const s = connect(port, host, () => {
      s.off('error', reject);
      resolve(new Conversation(s));
    });
    s.once('error', reject);
  });
}

function expect(line: string, code: string, what: string): void {
  if (!line.startsWith(code)) throw new Error(`${what}: expected ${code}, got ${JSON.stringify(line)}`);
}

/** Runs the load and resolves when every message has been answered or the deadline passes. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const host = o.host ?? '127.0.0.1';
  const first = o.firstNumber ?? 0;
  const deadline = now() + (o.deadlineMs ?? 120_000);
  const result: LoadResult = { accepted: 0, rejected: 0, errors: [], elapsedMs: 0, latencies: [] };
  let next = 0;
  const started = now();
  const envelope = (n: number) => `MAIL FROM:<sender@example.test>\r\nRCPT TO:<${o.recipient(n)}>\r\nDATA\r\n`;
  const take = (): number | null => (next < o.messages && now() < deadline ? first + next++ : null);
  const pace = async (n: number) => {
    if (!o.rate) return;
    const due = started + ((n - first) * 1000) / o.rate;
    const wait = due - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait)); // pacing: the offered load's schedule
  };
  const settle = (n: number, line: string, sentAt: number) => {
    const at = now();
    if (line.startsWith('250')) {
      result.accepted++;
      result.latencies.push(at - sentAt);
      o.onAccepted?.(n, at, line);
    } else {
      result.rejected++;
      if (result.errors.length < 5) result.errors.push(line);
    }
  };

  async function greet(): Promise<Conversation> {
    const c = await open(o.port, host);
    expect(await c.reply(), '220', 'greeting');
    c.write('EHLO bench.example.test\r\n');
    expect(await c.reply(), '250', 'EHLO');
    return c;
  }

  async function reusedSession(): Promise<void> {
    let n = take();
    if (n === null) return;
    const c = await greet();
    try {
      await pace(n);
      c.write(envelope(n));
      while (n !== null) {
        expect(await c.reply(), '250', 'MAIL');
        expect(await c.reply(), '250', 'RCPT');
        expect(await c.reply(), '354', 'DATA');
        const following = take();
        if (following !== null && o.rate) await pace(following);
        const sentAt = now();
        // Content, final dot, and (pipelined) the next envelope in one write.
        c.write(following === null ? Buffer.concat([o.message(n), Buffer.from('.\r\nQUIT\r\n')]) : Buffer.concat([o.message(n), Buffer.from('.\r\n' + envelope(following))]));
        settle(n, await c.reply(), sentAt);
        n = following;
      }
      await c.reply().catch(() => ''); // 221
    } finally {
      c.end();
    }
  }

  async function newConnectionSession(): Promise<void> {
    for (let n = take(); n !== null; n = take()) {
      await pace(n);
      const c = await greet();
      try {
        c.write(envelope(n));
        expect(await c.reply(), '250', 'MAIL');
        expect(await c.reply(), '250', 'RCPT');
        expect(await c.reply(), '354', 'DATA');
        const sentAt = now();
        c.write(Buffer.concat([o.message(n), Buffer.from('.\r\nQUIT\r\n')]));
        settle(n, await c.reply(), sentAt);
        await c.reply().catch(() => '');
      } finally {
        c.end();
      }
    }
  }

  const session = o.newConnection ? newConnectionSession : reusedSession;
  const runs = Array.from({ length: o.sessions }, () =>
    session().catch((err: Error) => {
      if (result.errors.length < 5) result.errors.push(err.message);
    }),
  );
  await Promise.all(runs);
  result.elapsedMs = now() - started;
  return result;
}
