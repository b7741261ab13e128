// IMAP through Python's imaplib: capabilities, SELECT counts every message, UID FETCH BODY.PEEK[]
// is byte-identical to the REST raw for every message, header fields and ENVELOPE parse, STORE
// +FLAGS (\Seen) shows as read in the REST API, \Deleted + EXPUNGE deletes, and a delete in the
// API reaches an open session as EXPUNGE.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Mailroom } from '../../server/start.js';
import { imaplib } from '../helpers/imap.js';
import { queuedId, sendRawMail } from '../helpers/mail.js';
import { raw } from '../helpers/api.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();

async function imapServer(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<Mailroom> {
  return teardown.add(await startTestServer({ imap: { host: '127.0.0.1', port: 0 }, ...overrides }), 'server');
}

function rawMessage(n: number): Buffer {
  return Buffer.from(
    [`From: "App Sender" <app@example.test>`, `To: user${n}@example.test`, `Subject: message ${n}`, `Message-ID: <m${n}@example.test>`, 'Date: Mon, 07 Dec 2026 10:00:00 +0000', '', `body of ${n}`, '.leading dot', ''].join('\r\n'),
  );
}

async function send(server: Mailroom, n: number): Promise<string> {
  return queuedId(await sendRawMail(server.smtpPort, rawMessage(n), { from: 'app@example.test', to: [`user${n}@example.test`] }));
}


test('imaplib: capabilities, SELECT counts, UID FETCH BODY.PEEK[] byte-identical, header fields and ENVELOPE', async () => {
  const server = await imapServer();
  const ids: string[] = [];
  for (let n = 1; n <= 30; n++) ids.push(await send(server, n));
  const result = await imaplib<{ caps: string[]; exists: string; fetched: Array<[string, string]>; header: string; envelope: string; seenBefore: string }>(
    server.imapPort!,
    `
M = imaplib.IMAP4('127.0.0.1', port)
caps = list(M.capabilities)
M.login('anyone', 'secret')
typ, data = M.select('INBOX')
exists = data[0].decode()
typ, data = M.uid('FETCH', '1:*', '(UID BODY.PEEK[])')
fetched = []
for item in data:
    if isinstance(item, tuple):
        uid = re.search(rb'UID (\\d+)', item[0]).group(1).decode()
        fetched.append([uid, base64.b64encode(item[1]).decode()])
typ, data = M.fetch('3', '(BODY.PEEK[HEADER.FIELDS (SUBJECT MESSAGE-ID)])')
header = data[0][1].decode()
typ, data = M.fetch('1', '(ENVELOPE FLAGS)')
envelope = data[0].decode()
seenBefore = envelope
M.logout()
print(json.dumps(dict(caps=caps, exists=exists, fetched=fetched, header=header, envelope=envelope, seenBefore=seenBefore)))
`,
  );
  assert.ok(result.caps.includes('IMAP4REV1'), result.caps.join(' '));
  assert.ok(result.caps.includes('LITERAL+'));
  assert.equal(result.exists, '30');
  assert.equal(result.fetched.length, 30);
  const uids = result.fetched.map(([uid]) => Number(uid));
  assert.deepEqual(uids, [...uids].sort((a, b) => a - b), 'UIDs ascend with the sequence');
  for (let i = 0; i < ids.length; i++) assert.deepEqual(Buffer.from(result.fetched[i]![1], 'base64'), await raw(server.url, ids[i]!), `message ${i + 1} byte-identical`);
  assert.equal(result.header, 'Subject: message 3\r\nMessage-ID: <m3@example.test>\r\n\r\n');
  assert.match(result.envelope, /ENVELOPE \("Mon, 07 Dec 2026 10:00:00 \+0000" "message 1" \(\("App Sender" NIL "app" "example\.test"\)\)/);
  assert.match(result.envelope, /\(\(NIL NIL "user1" "example\.test"\)\) NIL NIL NIL "<m1@example\.test>"\)/);
  assert.match(result.envelope, /FLAGS \(\)/, 'PEEK left the messages unread');
});

test('imaplib: STORE +FLAGS (\\Seen) is the read flag in the REST API; \\Flagged a tag; \\Deleted + EXPUNGE deletes', async () => {
  const server = await imapServer();
  const ids: string[] = [];
  for (let n = 1; n <= 3; n++) ids.push(await send(server, n));
  const out = await imaplib<{ store: string; expunge: string[]; exists: string }>(
    server.imapPort!,
    `
M = imaplib.IMAP4('127.0.0.1', port)
M.login('anyone', 'secret')
M.select('INBOX')
typ, data = M.store('1', '+FLAGS', '(\\\\Seen \\\\Flagged)')
store = data[0].decode()
M.store('2', '+FLAGS', '(\\\\Deleted)')
typ, data = M.expunge()
expunge = [d.decode() for d in data if d]
typ, data = M.select('INBOX')
exists = data[0].decode()
M.logout()
print(json.dumps(dict(store=store, expunge=expunge, exists=exists)))
`,
  );
  assert.match(out.store, /FLAGS \((?=.*\\Seen)(?=.*\\Flagged)[^)]*\)/);
  assert.deepEqual(out.expunge, ['2']);
  assert.equal(out.exists, '2');
  const first = (await (await fetch(`${server.url}/api/messages/${ids[0]}`)).json()) as { read: boolean; tags: string[] };
  assert.equal(first.read, true);
  assert.ok(first.tags.includes('flagged'), first.tags.join());
  assert.equal((await fetch(`${server.url}/api/messages/${ids[1]}`)).status, 404, 'expunged is deleted');
  assert.equal((await fetch(`${server.url}/api/messages/${ids[2]}`)).status, 200);
});

test('imaplib: SEARCH by subject, recipient, body, header, flags, size, dates, UID sets, NOT and OR', async () => {
  const server = await imapServer();
  const ids: string[] = [];
  for (let n = 1; n <= 6; n++) ids.push(await send(server, n));
  await fetch(`${server.url}/api/messages/${ids[1]}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ read: true }) });
  const out = await imaplib<Record<string, string>>(
    server.imapPort!,
    `
M = imaplib.IMAP4('127.0.0.1', port)
M.login('anyone', 'secret')
M.select('INBOX')
out = {}
def s(name, *criteria):
    typ, data = M.search(None, *criteria)
    out[name] = data[0].decode()
s('subject', 'SUBJECT', '"message 3"')
s('to', 'TO', 'user5@example.test')
s('from', 'FROM', '"app sender"')
s('body', 'BODY', '"BODY OF 4"')
s('text', 'TEXT', 'm6@example')
s('header', 'HEADER', 'Message-ID', '<m2@')
s('unseen', 'UNSEEN')
s('seen', 'SEEN')
s('notor', 'NOT', 'OR', 'SUBJECT', '"message 1"', 'SUBJECT', '"message 2"')
s('larger', 'LARGER', '1')
s('smaller', 'SMALLER', '10')
s('since', 'SINCE', '1-Jan-2000')
s('before', 'BEFORE', '1-Jan-2000')
s('senton', 'SENTON', '7-Dec-2026')
s('seqset', '2:3,6')
s('charset', 'CHARSET', 'UTF-8', 'SUBJECT', 'message')
typ, data = M.uid('SEARCH', None, 'SUBJECT', '"message 6"')
out['uid'] = data[0].decode()
typ, data = M.uid('FETCH', out['uid'], '(UID)')
out['uidcheck'] = data[0].decode()
M.logout()
print(json.dumps(out))
`,
  );
  assert.equal(out.subject, '3');
  assert.equal(out.to, '5');
  assert.equal(out.from, '1 2 3 4 5 6');
  assert.equal(out.body, '4');
  assert.equal(out.text, '6');
  assert.equal(out.header, '2');
  assert.equal(out.unseen, '1 3 4 5 6');
  assert.equal(out.seen, '2');
  assert.equal(out.notor, '3 4 5 6');
  assert.equal(out.larger, '1 2 3 4 5 6');
  assert.equal(out.smaller, '');
  assert.equal(out.since, '1 2 3 4 5 6');
  assert.equal(out.before, '');
  assert.equal(out.senton, '1 2 3 4 5 6');
  assert.equal(out.seqset, '2 3 6');
  assert.equal(out.charset, '1 2 3 4 5 6');
  assert.match(out.uidcheck!, new RegExp(`UID ${out.uid}\\)`));
});

test('imaplib: APPEND stores a message the API and the open session see; COPY duplicates; UID EXPUNGE removes only the UIDs given', async () => {
  const server = await imapServer();
  await send(server, 1);
  const out = await imaplib<{ append: string; exists: string[]; copied: string; uidExpunge: string[]; after: string }>(
    server.imapPort!,
    `
M = imaplib.IMAP4('127.0.0.1', port)
M.login('anyone', 'secret')
M.select('INBOX')
msg = b'From: saver@example.test\\r\\nTo: desk@example.test\\r\\nSubject: appended by imap\\r\\n\\r\\nsaved body\\r\\n'
typ, data = M.append('INBOX', '(\\\\Seen)', None, msg)
append = typ
typ, data = M.noop()
exists = [d.decode() for d in M.untagged_responses.get('EXISTS', [])]
M.copy('1', 'INBOX')
typ, data = M.search(None, 'SUBJECT', '"message 1"')
copied = data[0].decode()
typ, data = M.fetch('1:*', '(UID)')
uids = [re.search(rb'UID (\\d+)', d).group(1).decode() for d in data]
M.store('1,3', '+FLAGS', '(\\\\Deleted)')
M.uid('EXPUNGE', uids[2])
typ, data = M.response('EXPUNGE')  # imaplib's uid() hands back FETCH responses only
uidExpunge = [d.decode() for d in data if d]
typ, data = M.search(None, 'DELETED')
after = data[0].decode()
M.logout()
print(json.dumps(dict(append=append, exists=exists, copied=copied, uidExpunge=uidExpunge, after=after)))
`,
  );
  assert.equal(out.append, 'OK');
  assert.equal(out.exists.at(-1), '2', 'the open session was told of the appended message');
  const list = (await (await fetch(`${server.url}/api/messages?query=${encodeURIComponent('subject:"appended by imap"')}`)).json()) as { messages: Array<{ id: string; read: boolean }> };
  assert.equal(list.messages.length, 1, 'the appended message is in the REST API');
  assert.equal(list.messages[0]!.read, true, 'with its \\Seen flag');
  assert.equal(out.copied, '1 3', 'COPY made a second message 1');
  assert.deepEqual(out.uidExpunge, ['3']);
  assert.equal(out.after, '1', 'message 1 keeps its \\Deleted mark: its UID was not given');
});
