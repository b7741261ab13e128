// Mailboxes from tags (Step 12): LIST shows INBOX, Trash (\Trash) and one mailbox per tag (flagged
// as \Flagged, names in modified UTF-7); a tag mailbox holds the same messages as INBOX with UIDs of
// its own that ascend as messages join it; COPY and MOVE into a tag mailbox tag, MOVE into Trash
// deletes; CREATE, RENAME and DELETE make, rename and remove tags; an idling client of a tag
// mailbox hears a tag set in the API as EXISTS and a tag removed as EXPUNGE; a login that names an
// inbox sees and changes only that inbox's tags.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import type { Mailroom } from '../../server/start.js';
import { RawImap } from '../helpers/imap.js';
import { queuedId, sendRawMail } from '../helpers/mail.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();

async function setUp(): Promise<Mailroom> {
  return teardown.add(await startTestServer({ imap: { host: '127.0.0.1', port: 0 } }), 'server');
}

function deliver(server: Mailroom, subject: string, tags = ''): Promise<string> {
  const raw = Buffer.from(`From: app@example.test\r\nTo: box@example.test\r\nSubject: ${subject}\r\n${tags ? `X-Tags: ${tags}\r\n` : ''}\r\nbody of ${subject}\r\n`);
  return sendRawMail(server.smtpPort, raw, { from: 'app@example.test', to: ['box@example.test'] }).then(queuedId);
}

async function tagsOf(server: Mailroom, id: string): Promise<string[] | null> {
  const res = await fetch(`${server.url}/api/messages/${id}`);
  return res.status === 404 ? null : ((await res.json()) as { tags: string[] }).tags;
}

function patch(server: Mailroom, body: object): Promise<Response> {
  return fetch(`${server.url}/api/messages`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function open(server: Mailroom): Promise<RawImap> {
  const c = await RawImap.open(server.imapPort!);
  teardown.defer('client', () => c.close());
  assert.match(await c.until(/\r\n/), /CAPABILITY [^\]]*\bMOVE\b[^\]]*\bSPECIAL-USE\b/);
  await c.command('a0', 'LOGIN u p');
  return c;
}

const uidsOf = (text: string) => [...text.matchAll(/UID (\d+)/g)].map((m) => Number(m[1]));

test('LIST shows INBOX, Trash and each tag; a tag mailbox holds the same messages, with UIDs that ascend as messages join it', async () => {
  const server = await setUp();
  const first = await deliver(server, 'one', 'receipts, Entwürfe');
  const second = await deliver(server, 'two');
  await deliver(server, 'three', 'receipts');
  const c = await open(server);
  const listed = await c.command('a1', 'LIST "" "*"');
  assert.match(listed, /^\* LIST \(\\HasNoChildren\) "\/" "INBOX"\r\n\* LIST \(\\HasNoChildren \\Trash\) "\/" "Trash"\r\n/);
  assert.match(listed, /\* LIST \(\\HasNoChildren\) "\/" "Entw&APw-rfe"\r\n/, 'a non-ASCII tag in modified UTF-7');
  assert.match(listed, /\* LIST \(\\HasNoChildren\) "\/" "receipts"\r\n/);
  assert.match(await c.command('a2', 'LIST "" "rec%"'), /^\* LIST [^\r\n]*"receipts"\r\na2 OK/);
  // A pattern that a regular expression would backtrack on for ever (and freeze every door with it).
  await patch(server, { ids: [first], addTags: ['a'.repeat(60)] });
  assert.match(await c.command('a2b', `LIST "" "${'*a'.repeat(500)}b"`), /^a2b OK LIST completed\r\n$/);

  const inbox = /UIDVALIDITY (\d+)/.exec(await c.command('a2c', 'EXAMINE INBOX'))![1];
  assert.match(await c.command('a2d', 'STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT)'), new RegExp(`\\* STATUS "INBOX" \\(MESSAGES 3 UIDNEXT 4 UIDVALIDITY ${inbox} UNSEEN 3 RECENT 0\\)`));
  const selected = await c.command('a3', 'SELECT receipts');
  assert.match(selected, /\* 2 EXISTS\r\n/);
  assert.match(selected, /UIDNEXT 3\]/, 'the tag mailbox numbers its two members 1 and 2');
  const validity = /UIDVALIDITY (\d+)/.exec(selected)![1];
  const fetched = await c.command('a4', 'UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
  assert.deepEqual([...fetched.matchAll(/Subject: (\w+)/g)].map((m) => m[1]), ['one', 'three']);
  assert.deepEqual(uidsOf(fetched), [1, 2]);
  assert.match(await c.command('a5', 'STATUS "Entw&APw-rfe" (MESSAGES UIDNEXT UNSEEN)'), /\* STATUS "Entw&APw-rfe" \(MESSAGES 1 UIDNEXT 2 UNSEEN 1\)/);

  // A message that joins the tag later gets a UID above every earlier one, though it arrived before them.
  assert.equal((await patch(server, { ids: [second], addTags: ['Receipts'] })).status, 200);
  const arrived = await c.command('a6', 'UID FETCH 1:* (FLAGS)');
  assert.match(arrived, /\* 3 EXISTS\r\n/);
  assert.deepEqual(uidsOf(arrived), [1, 2, 3]);
  assert.match(await c.command('a7', 'UID SEARCH SUBJECT two'), /\* SEARCH 3\r\n/);
  assert.match(await c.command('a8', 'STATUS receipts (UIDVALIDITY UIDNEXT)'), new RegExp(`UIDVALIDITY ${validity} UIDNEXT 4`));

  // The same message: \Seen set in the tag mailbox is the read flag in the API.
  await c.command('a9', 'STORE 1 +FLAGS (\\Seen)');
  assert.equal(((await (await fetch(`${server.url}/api/messages/${first}`)).json()) as { read: boolean }).read, true);
  assert.match(await c.command('a10', 'SELECT nothing-here'), /a10 NO \[NONEXISTENT\]/);
});

test('COPY and MOVE: into a tag mailbox tags, between tag mailboxes trades tags, into INBOX untags, into Trash deletes', async () => {
  const server = await setUp();
  const a = await deliver(server, 'alpha', 'inbox-zero');
  const b = await deliver(server, 'beta', 'inbox-zero');
  const c = await open(server);
  await c.command('a1', 'SELECT INBOX');
  assert.match(await c.command('a2', 'COPY 1 later'), /a2 NO \[TRYCREATE\]/, 'no such mailbox yet');
  assert.match(await c.command('a3', 'CREATE later'), /a3 OK/);
  assert.match(await c.command('a4', 'UID COPY 1:* later'), /a4 OK \[COPYUID \d+ 1,2 1,2\] /);
  assert.deepEqual(await tagsOf(server, a), ['inbox-zero', 'later']);

  // MOVE out of INBOX tags and leaves the message in INBOX, which holds every message.
  const stays = await c.command('a5', 'MOVE 2 archive-2026');
  assert.match(stays, /a5 NO \[TRYCREATE\]/);
  await c.command('a6', 'CREATE archive-2026');
  const moved = await c.command('a7', 'MOVE 2 archive-2026');
  assert.match(moved, /^\* OK \[COPYUID \d+ 2 1\] moved\r\na7 OK MOVE completed\r\n$/);
  assert.deepEqual(await tagsOf(server, b), ['archive-2026', 'inbox-zero', 'later']);

  // Between tag mailboxes: the source tag comes off, the EXPUNGE comes after the COPYUID.
  await c.command('a8', 'SELECT later');
  const traded = await c.command('a9', 'UID MOVE 1 archive-2026');
  assert.match(traded, /^\* OK \[COPYUID \d+ 1 2\] moved\r\n\* 1 EXPUNGE\r\na9 OK/);
  assert.deepEqual(await tagsOf(server, a), ['archive-2026', 'inbox-zero']);
  // Into INBOX: the tag comes off.
  assert.match(await c.command('a10', 'MOVE 1 INBOX'), /^\* OK \[COPYUID \d+ 2 2\] moved\r\n\* 1 EXPUNGE\r\n/, 'later-UID 2 is INBOX UID 2');
  assert.deepEqual(await tagsOf(server, b), ['archive-2026', 'inbox-zero']);
  assert.match(await c.command('a11', 'MOVE 1 later'), /a11 BAD no message 1/, 'the mailbox is empty now');

  // Into Trash: deleted everywhere; Trash stays empty.
  await c.command('a12', 'SELECT inbox-zero');
  assert.match(await c.command('a13', 'MOVE 1 Trash'), /^\* 1 EXPUNGE\r\na13 OK MOVE completed/);
  assert.equal(await tagsOf(server, a), null, 'moved to Trash is deleted');
  assert.match(await c.command('a14', 'STATUS Trash (MESSAGES)'), /MESSAGES 0/);
  assert.match(await c.command('a15', 'COPY 1 Trash'), /a15 OK COPY completed/);
  assert.deepEqual(await tagsOf(server, b), ['archive-2026', 'inbox-zero'], 'COPY to Trash changes nothing');
  assert.match(await c.command('a16', 'MOVE 1 inbox-zero'), /a16 NO \[CANNOT\]/);
  await c.command('a17', 'EXAMINE inbox-zero');
  assert.match(await c.command('a18', 'MOVE 1 Trash'), /a18 NO \[READ-ONLY\]/);
});

test('CREATE, RENAME and DELETE make, rename and remove tags; INBOX and Trash stay', async () => {
  const server = await setUp();
  const id = await deliver(server, 'gamma', 'old-name');
  const c = await open(server);
  assert.match(await c.command('a1', 'CREATE "Projekt Ü"'), /a1 OK/);
  assert.match(await c.command('a2', 'LIST "" "Projekt*"'), /\* LIST \(\\HasNoChildren\) "\/" "Projekt &ANw-"\r\n/);
  assert.match(await c.command('a3', 'SELECT "Projekt &ANw-"'), /\* 0 EXISTS/);
  assert.match(await c.command('a4', 'CREATE "projekt ü"'), /a4 NO \[ALREADYEXISTS\]/, 'names are case-insensitive, as tags are');
  assert.match(await c.command('a5', 'CREATE INBOX'), /a5 NO \[ALREADYEXISTS\]/);
  assert.match(await c.command('a6', 'CREATE a/b'), /a6 NO \[CANNOT\]/);
  assert.match(await c.command('a7', 'CREATE "bad!name"'), /a7 NO \[CANNOT\]/);
  const injected = await c.command('a7b', 'CREATE {9+}\r\nx\r\n* 1 EX');
  assert.equal(injected, 'a7b NO [CANNOT] "x&AA0ACg-* 1 EX" is not a usable tag name (letters, digits, - _ . @ and single spaces)\r\n', 'a name with a line break is echoed encoded, on one line');
  assert.match(await c.command('a8', 'DELETE INBOX'), /a8 NO \[CANNOT\]/);
  assert.match(await c.command('a9', 'RENAME Trash bin'), /a9 NO \[CANNOT\]/);
  assert.match(await c.command('a10', 'RENAME old-name "Projekt &ANw-"'), /a10 NO \[ALREADYEXISTS\]/);

  assert.match(await c.command('a11', 'RENAME old-name new-name'), /a11 OK/);
  assert.deepEqual(await tagsOf(server, id), ['new-name']);
  assert.match(await c.command('a12', 'RENAME "Projekt &ANw-" empty'), /a12 OK/);
  assert.doesNotMatch(await c.command('a13', 'LIST "" "*"'), /Projekt/);
  assert.match(await c.command('a14', 'DELETE new-name'), /a14 OK/);
  assert.deepEqual(await tagsOf(server, id), [], 'the message stays, without the tag');
  assert.match(await c.command('a15', 'DELETE new-name'), /a15 NO \[NONEXISTENT\]/);
  const listed = await c.command('a16', 'LIST "" "*"');
  assert.deepEqual([...listed.matchAll(/"\/" "([^"]+)"/g)].map((m) => m[1]), ['INBOX', 'Trash', 'empty']);
});

test('an idling client of a tag mailbox hears a tag set in the API as EXISTS and a tag removed as EXPUNGE', async () => {
  const server = await setUp();
  await deliver(server, 'first', 'watch');
  const later = await deliver(server, 'second');
  const c = await open(server);
  await c.command('a1', 'SELECT watch');
  c.send('a2 IDLE\r\n');
  await c.until(/^\+ [^\r\n]*\r\n$/);
  await patch(server, { ids: [later], addTags: ['watch'] });
  assert.equal(await c.until(/\* 2 EXISTS\r\n/), '* 2 EXISTS\r\n');
  await patch(server, { ids: [later], removeTags: ['watch'] });
  assert.equal(await c.until(/\* 2 EXPUNGE\r\n/), '* 2 EXPUNGE\r\n');
  c.send('DONE\r\n');
  await c.until(/a2 OK/);
});

test('imapflow: special-use Trash, a flagged mailbox, and delete by moving to Trash', async () => {
  const server = await setUp();
  const keep = await deliver(server, 'keep', 'flagged');
  const drop = await deliver(server, 'drop');
  const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort!, secure: false, auth: { user: 'a', pass: 'b' }, logger: false });
  teardown.defer('imapflow', () => client.close());
  await client.connect();
  const boxes = await client.list();
  assert.deepEqual(boxes.map((b) => `${b.path} ${b.specialUse ?? ''}`).sort(), ['INBOX \\Inbox', 'Trash \\Trash', 'flagged \\Flagged']);
  const lock = await client.getMailboxLock('INBOX');
  try {
    await client.messageMove('2', 'Trash');
  } finally {
    lock.release();
  }
  assert.equal(await tagsOf(server, drop), null);
  assert.deepEqual(await tagsOf(server, keep), ['flagged']);
  const created = await client.mailboxCreate('later');
  assert.equal(created.path, 'later');
  await client.mailboxRename('later', 'someday');
  assert.ok((await client.list()).some((b) => b.path === 'someday'));
  await client.mailboxDelete('someday');
  assert.ok(!(await client.list()).some((b) => b.path === 'someday'));
  await client.logout();
});

test('a login that names an inbox sees only that inbox\'s tags, and DELETE and RENAME change only its messages', async () => {
  const server = teardown.add(await startTestServer({ imap: { host: '127.0.0.1', port: 0 }, inboxFrom: { kind: 'recipient-local' } }), 'server');
  const to = (local: string, subject: string, tags: string) =>
    sendRawMail(server.smtpPort, Buffer.from(`From: app@example.test\r\nTo: ${local}@example.test\r\nSubject: ${subject}\r\nX-Tags: ${tags}\r\n\r\nx\r\n`), { from: 'app@example.test', to: [`${local}@example.test`] }).then(queuedId);
  const alicesShared = await to('alice', 'a1', 'shared, alice-only');
  const bobsShared = await to('bob', 'b1', 'shared, bob-only');
  const c = await RawImap.open(server.imapPort!);
  teardown.defer('client', () => c.close());
  await c.until(/\r\n/);
  await c.command('a0', 'LOGIN alice x');
  const names = [...(await c.command('a1', 'LIST "" "*"')).matchAll(/"\/" "([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(names, ['INBOX', 'Trash', 'alice-only', 'shared']);
  assert.match(await c.command('a2', 'SELECT bob-only'), /a2 NO \[NONEXISTENT\]/);
  assert.match(await c.command('a3', 'STATUS shared (MESSAGES)'), /MESSAGES 1\)/);
  assert.match(await c.command('a4', 'RENAME shared common'), /a4 OK/);
  assert.deepEqual(await tagsOf(server, alicesShared), ['alice-only', 'common']);
  assert.deepEqual(await tagsOf(server, bobsShared), ['bob-only', 'shared'], "bob's messages keep their tag");
  assert.match(await c.command('a5', 'DELETE alice-only'), /a5 OK/);
  assert.deepEqual(await tagsOf(server, alicesShared), ['common']);
});
