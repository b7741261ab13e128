// Runs before `npm test`: makes sure the Debian tools the tests drive are here. A missing tool is
// installed with apt-get when this runs as root on a machine that has it (one line says so);
// otherwise the run stops at once with one line naming the command to run. A test that needs a
// tool is never skipped for want of it.
//
// A tool the developer named explicitly ($CHROMIUM) is never replaced: when it does not exist,
// this warns and lets the suites that need it fail, each with one line.

import { spawnSync } from 'node:child_process';
import { findChromium, which } from './helpers/find-chromium.js';

interface Need {
  /** What the tests call it. */
  what: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  /** Where it is, or why it is not usable; `explicit` when an environment variable named it. */
  find(): { path: string | null; detail: string; explicit: boolean };
  /** Another way to satisfy it, said beside the apt-get command. */
  alternative?: string;
}

/** A command the tests run, found on PATH. */
function command(name: string, debianPackage: string, what: string): Need {
  return {
    what,
    debianPackage,
    find: () => {
      const path = which(name);
      return { path, detail: path ?? `${name} is not on PATH`, explicit: false };
    },
  };
}

const NEEDS: Need[] = [
  {
    what: 'Chromium (browser tests)',
    debianPackage: 'chromium',
    find: () => {
      const c = findChromium();
      return { path: c.path, detail: c.detail, explicit: c.fromEnv !== null };
    },
    alternative: 'or set CHROMIUM=/path/to/chromium',
  },
  // The SMTP clients people point at a mail catcher (test/integration/smtp-clients.test.ts).
  command('swaks', 'swaks', 'swaks'),
  command('msmtp', 'msmtp', 'msmtp'),
  command('s-nail', 's-nail', 's-nail'),
  command('python3', 'python3', 'python3 (smtplib, poplib)'),
  // The POP3 clients (test/integration/pop3*.test.ts).
  command('curl', 'curl', 'curl (POP3 over STLS)'),
  command('fetchmail', 'fetchmail', 'fetchmail'),
  // The IMAP syncing client (test/integration/imap-mbsync.test.ts).
  command('mbsync', 'isync', 'mbsync (isync)'),
];

function fail(line: string): never {
  process.stderr.write(`npm test: ${line}\n`);
  process.exit(1);
}

function canInstall(): boolean {
  return process.getuid?.() === 0 && which('apt-get') !== null;
}

function aptGet(args: string[]): void {
  const r = spawnSync('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stderr is null when the command could not be started
    const tail = `${r.stderr ?? ''}${r.error?.message ?? ''}`.trim().split('\n').slice(-3).join(' | ');
    fail(`apt-get ${args.join(' ')} failed (${r.status ?? r.signal}): ${tail}`);
  }
}

const missing = NEEDS.map((need) => ({ need, found: need.find() })).filter(({ found }) => !found.path);

for (const { need, found } of missing.filter(({ found }) => found.explicit)) {
  process.stderr.write(`npm test: ${need.what}: ${found.detail}; the suites that need it will fail\n`);
}

const toInstall = missing.filter(({ found }) => !found.explicit);
if (toInstall.length) {
  const names = toInstall.map(({ need }) => need.what).join(', ');
  const packages = toInstall.map(({ need }) => need.debianPackage);
  if (!canInstall()) {
    const alternatives = toInstall.flatMap(({ need }) => (need.alternative ? [need.alternative] : []));
    fail(`${names} missing (${toInstall.map(({ found }) => found.detail).join('; ')}); run: sudo apt-get install ${packages.join(' ')}${alternatives.length ? ` (${alternatives.join('; ')})` : ''}`);
  }
  process.stdout.write(`npm test: ${names} missing; installing Debian's ${packages.join(' ')} with apt-get (once)\n`);
  aptGet(['update', '-qq']);
  aptGet(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  for (const { need } of toInstall) {
    const again = need.find();
    if (!again.path) fail(`${need.what} still missing after installing ${need.debianPackage}: ${again.detail}`);
  }
}
