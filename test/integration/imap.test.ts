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
