// POP3 retrieval: one session RETRs every one of N stored 2 KB messages in turn (as a mail
// client downloading an inbox does), messages per second. The same messages are served by
// Dovecot's POP3 (dovecot-pop3d: a throwaway configuration over a Maildir on a free port) when
// it is installed, for a figure beside a real mail server; otherwise that row reads n/a.

import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeMessage, recipientOf } from './message.js';
import { runLoad } from './smtp-load.js';
import { startServerProcess, type ServerProcessOptions } from './server-process.js';
import { which } from '../helpers/find-chromium.js';

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

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

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
  const dovecot = which('dovecot');
  if (!dovecot) return { server: 'Dovecot', messages: count, perSecond: null, note: 'n/a: apt-get install dovecot-pop3d' };
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-bench-dovecot-'));
  chmodSync(dir, 0o755); // dovecot's login and mail processes run as unprivileged users
  const conf = join(dir, 'dovecot.conf');
  try {
    const maildir = join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
    for (let n = 1; n <= count; n++) writeFileSync(join(maildir, 'cur', `${String(n).padStart(8, '0')}.bench:2,`), makeMessage(n, 2048));
    const nobody = { uid: 65534, gid: 65534 }; // dovecot will not serve mail as root
    for (const sub of ['', 'cur', 'new', 'tmp']) chownSync(join(maildir, sub), nobody.uid, nobody.gid);
    const port = await freePort();
    writeFileSync(
      conf,
      [
        `base_dir = ${dir}/run`,
        `state_dir = ${dir}/state`,
        `log_path = ${dir}/log`,
        'protocols = pop3',
        'listen = 127.0.0.1',
        'ssl = no',
        'disable_plaintext_auth = no',
        `mail_location = maildir:${maildir}`,
        'first_valid_uid = 1',
        'passdb {\n  driver = static\n  args = nopassword=y\n}',
        `userdb {\n  driver = static\n  args = uid=${nobody.uid} gid=${nobody.gid} home=${dir}\n}`,
        `service pop3-login {\n  inet_listener pop3 {\n    port = ${port}\n  }\n}`,
        'service imap-login {\n  inet_listener imap {\n    port = 0\n  }\n}',
      ].join('\n') + '\n',
    );
    mkdirSync(join(dir, 'state'));
    // dovecot daemonizes; its daemon would hold on to pipes, so its output goes to the log file only.
    const started = spawnSync(dovecot, ['-c', conf], { stdio: 'ignore' });
    if (started.status !== 0) return { server: 'Dovecot', messages: count, perSecond: null, note: `n/a: dovecot did not start (exit ${started.status}; see ${dir}/log)` };
    try {
      const perSecond = await retrieveAll(port, count);
      return { server: 'Dovecot', messages: count, perSecond, note: `dovecot ${spawnSync(dovecot, ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ')[0]}, Maildir, same messages` };
    } finally {
      spawnSync(dovecot, ['-c', conf, 'stop'], { stdio: 'ignore' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
