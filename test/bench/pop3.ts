// POP3 retrieval: one session RETRs every one of N stored 2 KB messages in turn (as a mail
// client downloading an inbox does), messages per second. The same messages are served by
// Dovecot's POP3 (dovecot-pop3d: a throwaway configuration over a Maildir on a free port) when
// it is installed, for a figure beside a real mail server; otherwise that row reads n/a.

import { connect, type Socket } from 'node:net';
import { startDovecot } from './dovecot.js';
import { makeMessage, recipientOf } from './message.js';
import { runLoad } from './smtp-load.js';
import { startServerProcess, type ServerProcessOptions } from './server-process.js';

export interface Pop3Row {
  server: 'Mailroom' | 'Dovecot';
  messages: number;
  /** null when the server is not installed. */
  perSecond: number | null;
  note: string;
}

/** A minimal POP3 client: one command at a time, each answer read in full. */
class Pop3Client {
  #buffer = Buffer.alloc(0);
  #want: { multi: boolean; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  #failure: Error | null = null;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#check();
    });
    // A bench must end by itself: a server that goes silent fails the row instead of hanging it.
    socket.setTimeout(30_000, () => socket.destroy(new Error('the POP3 server was silent for 30 s')));
    socket.on('error', (err) => this.#fail(err));
    socket.on('close', () => this.#fail(new Error('the POP3 server closed the connection')));
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    const want = this.#want;
    this.#want = null;
    want?.reject(this.#failure);
  }

  static async open(port: number): Promise<Pop3Client> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    const client = new Pop3Client(socket);
    await client.#answer(false); // greeting
    return client;
  }

  #check(): void {
    if (!this.#want) return;
    // A multi-line answer ends at CRLF "." CRLF, but only when it is +OK (an -ERR is one line).
    const terminator = this.#want.multi && this.#buffer.subarray(0, 4).toString() === '+OK ' ? '\r\n.\r\n' : '\r\n';
    const end = this.#buffer.indexOf(terminator);
    if (end === -1) return;
    const stop = end + terminator.length;
    const answer = this.#buffer.subarray(0, stop);
    this.#buffer = this.#buffer.subarray(stop);
    const { resolve } = this.#want;
    this.#want = null;
    resolve(answer);
  }

  #answer(multi: boolean): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.#failure) return reject(this.#failure);
      this.#want = { multi, resolve, reject };
      this.#check();
    });
  }

  async command(line: string, multi = false): Promise<Buffer> {
    this.socket.write(line + '\r\n');
    const answer = await this.#answer(multi);
    if (!answer.subarray(0, 3).equals(Buffer.from('+OK'))) throw new Error(`${line}: ${answer.toString().slice(0, 200)}`);
    return answer;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Logs in, RETRs messages 1..count one after another; messages per second. */
async function retrieveAll(port: number, count: number): Promise<number> {
  const client = await Pop3Client.open(port);
  try {
    await client.command('USER bench');
    await client.command('PASS bench');
    const started = performance.now();
    for (let n = 1; n <= count; n++) await client.command(`RETR ${n}`, true);
    const elapsed = performance.now() - started;
    await client.command('QUIT');
    return (count * 1000) / elapsed;
  } finally {
    client.close();
  }
}

/** Mailroom: N messages in over SMTP, then one POP3 session reads them all. */
export async function mailroomPop3Row(count: number, options: ServerProcessOptions = {}): Promise<Pop3Row> {
  const server = await startServerProcess({ ...options, config: { ...options.config, pop3: { host: '127.0.0.1', port: 0 }, maxMessages: count * 2 } });
  try {
    const load = await runLoad({ port: server.smtpPort, sessions: 10, messages: count, message: (n) => makeMessage(n, 2048), recipient: recipientOf });
    if (load.accepted !== count) throw new Error(`only ${load.accepted} of ${count} messages stored for the POP3 row`);
    const perSecond = await retrieveAll(server.pop3Port!, count);
    return { server: 'Mailroom', messages: count, perSecond, note: 'one session, RETR 1..N in turn' };
  } finally {
    await server.close();
  }
}

/** Dovecot's POP3 over a Maildir holding the same messages; n/a when dovecot is not installed. */
export async function dovecotPop3Row(count: number): Promise<Pop3Row> {
  const dovecot = await startDovecot('pop3', count, (n) => makeMessage(n, 2048));
  if (typeof dovecot === 'string') return { server: 'Dovecot', messages: count, perSecond: null, note: dovecot };
  try {
    return { server: 'Dovecot', messages: count, perSecond: await retrieveAll(dovecot.port, count), note: dovecot.note };
  } finally {
    dovecot.stop();
  }
}
