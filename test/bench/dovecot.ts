// Dovecot, the mail server people trust, as the bench's yardstick for POP3 and IMAP: a throwaway
// configuration on a free loopback port over a Maildir holding the same messages Mailroom gets
// (dovecot-pop3d / dovecot-imapd). Absent packages make the Dovecot rows read n/a.

import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../helpers/find-chromium.js';

export interface Dovecot {
  port: number;
  /** e.g. "dovecot 2.3.19.1, Maildir, same messages". */
  note: string;
  /** Delivers one more message the way a local delivery agent does (tmp/, then renamed into new/). */
  deliver(name: string, message: Buffer): void;
  stop(): void;
}

const NOBODY = { uid: 65534, gid: 65534 }; // dovecot will not serve mail as root

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** Starts Dovecot serving `protocol` over a Maildir of `count` messages; a reason string when it cannot. */
export async function startDovecot(protocol: 'pop3' | 'imap', count: number, message: (n: number) => Buffer): Promise<Dovecot | string> {
  const dovecot = which('dovecot');
  if (!dovecot) return `n/a: apt-get install dovecot-${protocol}d`;
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-bench-dovecot-'));
  chmodSync(dir, 0o755); // dovecot's login and mail processes run as unprivileged users
  const conf = join(dir, 'dovecot.conf');
  const maildir = join(dir, 'Maildir');
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
  for (let n = 1; n <= count; n++) writeFileSync(join(maildir, 'cur', `${String(n).padStart(8, '0')}.bench:2,`), message(n));
  for (const sub of ['', 'cur', 'new', 'tmp']) chownSync(join(maildir, sub), NOBODY.uid, NOBODY.gid);
  const port = await freePort();
  const other = protocol === 'pop3' ? 'imap' : 'pop3';
  writeFileSync(
    conf,
    [
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `log_path = ${dir}/log`,
      `protocols = ${protocol}`,
      'listen = 127.0.0.1',
      'ssl = no',
      'disable_plaintext_auth = no',
      `mail_location = maildir:${maildir}`,
      'first_valid_uid = 1',
      'passdb {\n  driver = static\n  args = nopassword=y\n}',
      `userdb {\n  driver = static\n  args = uid=${NOBODY.uid} gid=${NOBODY.gid} home=${dir}\n}`,
      `service ${protocol}-login {\n  inet_listener ${protocol} {\n    port = ${port}\n  }\n}`,
      `service ${other}-login {\n  inet_listener ${other} {\n    port = 0\n  }\n}`,
      // 100,000 messages need more than the default 256 MB address space of a mail process.
      `service ${protocol} {\n  vsz_limit = 2G\n}`,
    ].join('\n') + '\n',
  );
  mkdirSync(join(dir, 'state'));
  // dovecot daemonizes; its daemon would hold on to pipes, so its output goes to the log file only.
  const started = spawnSync(dovecot, ['-c', conf], { stdio: 'ignore' });
  if (started.status !== 0) {
    cleanUp();
    return `n/a: dovecot did not start (exit ${started.status})`;
  }
  const version = spawnSync(dovecot, ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ')[0];
  return {
    port,
    note: `dovecot ${version}, Maildir, same messages`,
    deliver(name, bytes) {
      const tmp = join(maildir, 'tmp', name);
      writeFileSync(tmp, bytes);
      chownSync(tmp, NOBODY.uid, NOBODY.gid);
      renameSync(tmp, join(maildir, 'new', name));
    },
    stop() {
      spawnSync(dovecot, ['-c', conf, 'stop'], { stdio: 'ignore' });
      cleanUp();
    },
  };
}
