// mbsync (isync), the tool people use to mirror an IMAP account into a Maildir, against Mailroom's
// IMAP: the first sync brings the whole store (INBOX, and each tag as a folder) with every
// message's bytes exactly as SMTP received them; a second sync after new mail and a delete
// fetches only the new message's body and removes only the deleted one.
//
// mbsync changes two things by design when it writes a Maildir, both undone before comparing: it
// stores lines with LF endings, and it adds an X-TUID header to the header of each new message.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Mailroom } from '../../server/start.js';
import { queuedId, sendRawMail } from '../helpers/mail.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const run = promisify(execFile);
const teardown = fileTeardown();

const ATTACHMENT = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131 + 7) % 256));
const MESSAGES = [
  'From: app@example.test\r\nTo: a@example.test\r\nSubject: dots\r\n\r\n.a line that SMTP dot-stuffs\r\n..two dots\r\ntrailing spaces   \r\n',
  'From: app@example.test\r\nTo: b@example.test\r\nSubject: Grüße aus Köln\r\nX-Tags: receipts\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nMit freundlichen Grüßen — 日本語\r\n',
  `From: app@example.test\r\nTo: c@example.test\r\nSubject: attachment\r\nX-Tags: receipts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b1\r\nContent-Type: application/octet-stream; name="data.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${ATTACHMENT.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--b1--\r\n`,
];

const deliver = (server: Mailroom, raw: string) => sendRawMail(server.smtpPort, Buffer.from(raw), { from: 'app@example.test', to: ['x@example.test'] }).then(queuedId);

/** What mbsync writes for a message: LF line endings, its X-TUID header line removed. */
const asMbsyncStores = (raw: Buffer) => raw.toString('latin1').replace(/\r\n/g, '\n');
const withoutTuid = (file: Buffer) => file.toString('latin1').replace(/^X-TUID: [^\n]*\n/m, '');

/** The messages of a Maildir folder by file name (cur and new). */
function maildir(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const sub of ['cur', 'new']) for (const f of readdirSync(join(dir, sub))) out.set(f, readFileSync(join(dir, sub, f)));
  return out;
}

function config(dir: string, port: number): string {
  return [
    'IMAPAccount mailroom', 'Host 127.0.0.1', `Port ${port}`, 'User anyone', 'Pass secret', 'SSLType None', 'AuthMechs LOGIN', '',
    'IMAPStore far', 'Account mailroom', '',
    'MaildirStore near', `Path ${dir}/mail/`, `Inbox ${dir}/mail/INBOX`, 'SubFolders Verbatim', '',
    'Channel everything', 'Far :far:', 'Near :near:', 'Patterns *', 'Create Near', 'Sync Pull', 'Expunge Near', 'SyncState *', '',
  ].join('\n');
}

test('mbsync mirrors the store into a Maildir byte for byte, then fetches exactly the difference', async () => {
  const server = teardown.add(await startTestServer({ imap: { host: '127.0.0.1', port: 0 } }), 'server');
  const ids = [];
  for (const raw of MESSAGES) ids.push(await deliver(server, raw));
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-mbsync-'));
  teardown.defer('maildir', () => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'mail'));
  writeFileSync(join(dir, 'mbsyncrc'), config(dir, server.imapPort!));
  // -Dn logs the IMAP conversation, so the test sees which bodies were fetched.
  const sync = async () => (await run('mbsync', ['-c', join(dir, 'mbsyncrc'), '-Dn', 'everything'], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  const rawOf = async (id: string) => Buffer.from(await (await fetch(`${server.url}/api/messages/${id}/raw`)).arrayBuffer());

  await sync();
  assert.deepEqual(readdirSync(join(dir, 'mail')).sort(), ['INBOX', 'Trash', 'receipts']);
  const inbox = maildir(join(dir, 'mail', 'INBOX'));
  const stored = [...inbox.values()].map(withoutTuid).sort();
  const expected = await Promise.all(ids.map(async (id) => asMbsyncStores(await rawOf(id))));
  assert.deepEqual(stored, [...expected].sort(), 'INBOX holds every message, byte for byte');
  assert.ok(stored.some((s) => s.includes('\n.a line that SMTP dot-stuffs\n..two dots\n')), 'dot-stuffing undone exactly once');
  assert.deepEqual([...maildir(join(dir, 'mail', 'receipts')).values()].map(withoutTuid).sort(), [expected[1], expected[2]].sort(), 'the tag folder holds the tagged messages');
  assert.equal(maildir(join(dir, 'mail', 'Trash')).size, 0);

  // New mail (tagged) and a delete in the API; the second sync transfers only that.
  const added = await deliver(server, 'From: app@example.test\r\nTo: d@example.test\r\nSubject: later\r\nX-Tags: receipts\r\n\r\nnew since the first sync\r\n');
  assert.equal((await fetch(`${server.url}/api/messages/${ids[0]}`, { method: 'DELETE' })).status, 200);
  const log = await sync();
  const bodies = [...log.matchAll(/^>>> \d+ UID FETCH (\S+) \(BODY\.PEEK\[\]\)/gm)].map((m) => m[1]);
  assert.deepEqual(bodies, ['4', '3'], 'one body fetched in INBOX (UID 4) and one in receipts (its UID 3), nothing else');
  const after = maildir(join(dir, 'mail', 'INBOX'));
  const kept = [...inbox.keys()].filter((f) => after.has(f));
  assert.equal(kept.length, 2, 'the two messages still there are the same files, not fetched again');
  assert.deepEqual([...after.values()].map(withoutTuid).sort(), [expected[1]!, expected[2]!, asMbsyncStores(await rawOf(added))].sort());
  assert.equal(maildir(join(dir, 'mail', 'receipts')).size, 3);
});
