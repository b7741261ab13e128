// BODYSTRUCTURE and part sections: imapflow parses the structure of a message with text, HTML,
// an attachment and an attached message, and downloads each part decoded; imaplib reads part
// sections (BODY[n], BODY[n.MIME], BODY[n.HEADER] of the attached message) as raw bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow, type MessageStructureObject } from 'imapflow';
import type { Mailroom } from '../../server/start.js';
import { imaplib } from '../helpers/imap.js';
import { compose, queuedId, sendRawMail } from '../helpers/mail.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();
const attachment = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
const inner = Buffer.from('From: Inner Sender <inner@example.test>\r\nTo: someone@example.test\r\nSubject: the attached one\r\n\r\ninner body\r\n');

let server: Mailroom | undefined;
let raw: Buffer;

async function setUp(): Promise<Mailroom> {
  if (server) return server;
  server = teardown.add(await startTestServer({ imap: { host: '127.0.0.1', port: 0 } }), 'server');
  raw = await compose({
    from: 'App <app@example.test>',
    to: 'user@example.test',
    subject: 'structured',
    text: 'plain text part',
    html: '<p>html part</p>',
    attachments: [
      { filename: 'data.bin', content: attachment, contentType: 'application/octet-stream' },
      { filename: 'forwarded.eml', content: inner, contentType: 'message/rfc822' },
    ],
  });
  queuedId(await sendRawMail(server.smtpPort, raw, { from: 'app@example.test', to: ['user@example.test'] }));
  return server;
}

const shape = (n: MessageStructureObject): unknown => ({ type: n.type, part: n.part, ...(n.childNodes ? { children: n.childNodes.map(shape) } : {}) });

test('imapflow reads the BODYSTRUCTURE and downloads every part decoded', async () => {
  const s = await setUp();
  const client = new ImapFlow({ host: '127.0.0.1', port: s.imapPort!, secure: false, auth: { user: 'a', pass: 'b' }, logger: false });
  teardown.defer('imapflow', () => client.close());
  await client.connect();
  await client.mailboxOpen('INBOX');
  const message = await client.fetchOne('1', { bodyStructure: true, envelope: true });
  assert.ok(message);
  assert.deepEqual(shape(message.bodyStructure!), {
    type: 'multipart/mixed',
    part: undefined,
    children: [
      { type: 'multipart/alternative', part: '1', children: [{ type: 'text/plain', part: '1.1' }, { type: 'text/html', part: '1.2' }] },
      { type: 'application/octet-stream', part: '2' },
      // the attached message's own structure, nested (imapflow numbers its one part like the container)
      { type: 'message/rfc822', part: '3', children: [{ type: 'text/plain', part: '3' }] },
    ],
  });
  const att = message.bodyStructure!.childNodes![1]!;
  assert.equal(att.disposition, 'attachment');
  assert.equal(att.dispositionParameters?.filename, 'data.bin');
  const forwarded = message.bodyStructure!.childNodes![2]!;
  const env = forwarded.envelope;
  assert.ok(env, 'the attached message has its own envelope');
  assert.equal(env.subject, 'the attached one');
  assert.deepEqual((env.from ?? []).map((a) => a.address), ['inner@example.test']);
  const read = async (part: string) => {
    const { content } = await client.download('1', part);
    const chunks: Buffer[] = [];
    for await (const c of content!) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  assert.equal((await read('1.1')).toString(), 'plain text part');
  assert.equal((await read('1.2')).toString(), '<p>html part</p>');
  assert.deepEqual(await read('2'), attachment);
  await client.logout();
});

test('imaplib: part sections are the stored bytes of each part', async () => {
  const s = await setUp();
  const got = await imaplib<Record<string, string>>(
    s.imapPort!,
    `
M = imaplib.IMAP4('127.0.0.1', port)
M.login('a', 'b'); M.select('INBOX')
out = {}
for sec in ['1.1', '1.1.MIME', '2', '3.HEADER', '3.TEXT', '3.1', '9']:
    typ, data = M.fetch('1', '(BODY.PEEK[%s])' % sec)
    out[sec] = base64.b64encode(data[0][1] if isinstance(data[0], tuple) else b'').decode()
typ, data = M.fetch('1', '(BODYSTRUCTURE)')
out['structure'] = data[0].decode()
M.logout()
print(json.dumps(out))
`,
  );
  const text = raw.toString('latin1');
  const bytes = (k: string) => Buffer.from(got[k]!, 'base64').toString('latin1');
  assert.ok(text.includes(`\r\n\r\n${bytes('1.1')}\r\n--`), 'BODY[1.1] is the text part body as stored');
  assert.match(bytes('1.1.MIME'), /^Content-Type: text\/plain[^]*\r\n\r\n$/);
  assert.equal(Buffer.from(bytes('2').replace(/\r\n/g, ''), 'base64').compare(attachment), 0, 'BODY[2] is the base64 of the attachment');
  assert.equal(bytes('3.HEADER'), 'From: Inner Sender <inner@example.test>\r\nTo: someone@example.test\r\nSubject: the attached one\r\n\r\n');
  assert.equal(bytes('3.TEXT'), 'inner body\r\n');
  assert.equal(bytes('3.1'), 'inner body\r\n');
  assert.equal(bytes('9'), '');
  assert.match(got.structure!, /BODYSTRUCTURE \(\(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\) NIL NIL "7BIT" \d+ \d+ NIL NIL NIL NIL\)\("TEXT" "HTML"/);
  assert.match(got.structure!, /"MIXED" \("BOUNDARY" "[^"]+"\) NIL NIL NIL\)/);
});
