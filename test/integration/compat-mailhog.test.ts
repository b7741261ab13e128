// The real `mailhog` npm client against a live Mailroom: every method (client-packages.md
// section 7.3). Messages are sent as hand-built MIME over SMTP so encodings are exact.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import mailhog from 'mailhog';
import type { Mailroom } from '../../server/start.js';
import { startTestServer } from '../helpers/server.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { token } from '../helpers/compat-mail.js';
import { fileTeardown } from '../helpers/teardown.js';

let server: Mailroom;
let upstream: Mailroom; // the relay's upstream, for release
const tok = token();
const crlf = (lines: string[]) => lines.join('\r\n');
const wrap76 = (s: string) => s.replace(/(.{76})/g, '$1\r\n');

const teardown = fileTeardown();
before(async () => {
  upstream = teardown.add(await startTestServer(), 'upstream');
  server = teardown.add(await startTestServer({ outboundAllowPrivate: true, relayHost: '127.0.0.1', relayPort: upstream.smtpPort, relaySecurity: 'none', relayAllowedRecipients: /@x\.test$/i }), 'server');
});

test('mailhog package: every method', async () => {
  const mh = mailhog({ host: '127.0.0.1', port: server.httpPort });
  const deleted = (await mh.deleteAll()) as unknown as { statusCode: number };
  assert.equal(deleted.statusCode, 200); // an IncomingMessage: the body was empty

  const send = async (rcpt: string[], lines: string[]) => assert.equal((await sendRaw(server.smtpPort, 's@x.test', rcpt, crlf(lines)))?.code, 250);
  await send([`a-${tok}@x.test`], ['From: s@x.test', `To: a-${tok}@x.test`, 'Subject: Mail without charset', 'Date: Mon, 01 Jan 2024 10:00:00 +0000', '', 'plain body']);
  await send([`b-${tok}@x.test`], [
    'From: s@x.test', `To: b-${tok}@x.test`, 'Subject: ISO-8859-1', 'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=ISO-8859-1', 'Content-Transfer-Encoding: quoted-printable', '', mh.encode('Grüße aus Köln', 'quoted-printable', 'ISO-8859-1'),
  ]);
  await send([`c-${tok}@x.test`], [
    'From: =?UTF-8?B?' + Buffer.from('Sénder').toString('base64') + '?= <s@x.test>',
    `To: =?UTF-8?Q?J=C3=BCrgen?= <c-${tok}@x.test>`,
    'Cc: =?UTF-8?Q?Z=C3=B6e?= <cc@x.test>',
    'Bcc: =?UTF-8?Q?B=C3=A9a?= <bcc@x.test>',
    'Reply-To: =?UTF-8?Q?R=C3=A9ply?= <reply@x.test>',
    'Subject: =?UTF-8?B?' + Buffer.from('Ünïcödé subject').toString('base64') + '?=',
    'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: base64', '',
    wrap76(Buffer.from('base64 body üäö').toString('base64')),
  ]);
  const attachmentA = Buffer.from([0, 1, 2, 3, 254, 255]);
  const attachmentB = Buffer.from('second attachment text');
  await send([`d-${tok}@x.test`], [
    'From: s@x.test', `To: d-${tok}@x.test`, 'Subject: D subject', 'Date: Tue, 02 Jan 2024 10:00:00 +0000',
    'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="BOUNDARY"', '',
    '--BOUNDARY', 'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: quoted-printable', '', mh.encode('text part üäö', 'quoted-printable'),
    '--BOUNDARY', 'Content-Type: text/html; charset=UTF-8', 'Content-Transfer-Encoding: quoted-printable', '', mh.encode('<p>html part üäö</p>', 'quoted-printable'),
    '--BOUNDARY', 'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', `Content-Disposition: attachment; filename="d-${tok}-a.bin"`, '', wrap76(attachmentA.toString('base64')),
    '--BOUNDARY', 'Content-Type: text/plain', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="b.txt"', '', wrap76(attachmentB.toString('base64')),
    '--BOUNDARY--',
  ]);

  const res = (await mh.messages())!;
  assert.equal(res.count, 4);
  assert.equal(res.total, 4);
  assert.deepEqual(res.items.map((m) => m.subject), ['D subject', 'Ünïcödé subject', 'ISO-8859-1', 'Mail without charset']);
  const last = (await mh.messages(3, 1))!;
  assert.equal(last.count, 1);
  assert.equal(last.items[0]!.subject, 'Mail without charset');
  for (const item of res.items) {
    const raw = item as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(Object.keys(raw).filter((k) => /^[A-Z]/.test(k)), ['ID', 'From', 'To', 'Content', 'Created', 'MIME', 'Raw']);
    assert.deepEqual(Object.keys(raw.From), ['Relays', 'Mailbox', 'Domain', 'Params']);
    assert.deepEqual(Object.keys(raw.Content), ['Headers', 'Body', 'Size', 'MIME']);
    assert.deepEqual(Object.keys(raw.Raw), ['From', 'To', 'Data', 'Helo']);
    assert.equal(raw.Raw.From, 's@x.test');
    assert.ok(item.deliveryDate instanceof Date && !Number.isNaN(item.deliveryDate.getTime()));
  }
  assert.equal(res.items[3]!.date.toISOString(), '2024-01-01T10:00:00.000Z');
  assert.equal((res.items[3] as unknown as { Content: { Body: string } }).Content.Body, 'plain body'); // no Content-Type: no .text, as on MailHog
  assert.equal(res.items[2]!.text, 'Grüße aus Köln');

  const d = (await mh.latestTo(`d-${tok}@x.test`))!;
  assert.equal(d.text, 'text part üäö');
  assert.equal(d.html, '<p>html part üäö</p>');
  assert.equal(d.attachments.length, 2);
  assert.equal(d.attachments[0]!.name, `d-${tok}-a.bin`);
  assert.equal(d.attachments[0]!.type, 'application/octet-stream');
  assert.equal(d.attachments[0]!.encoding, 'base64');
  assert.deepEqual(Buffer.from(d.attachments[0]!.Body, 'base64'), attachmentA);
  assert.deepEqual(Buffer.from(d.attachments[1]!.Body, 'base64'), attachmentB);

  const c = (await mh.latestTo(`c-${tok}@x.test`))!;
  assert.equal(c.to, `Jürgen <c-${tok}@x.test>`);
  assert.equal(c.cc, 'Zöe <cc@x.test>');
  assert.equal(c.bcc, 'Béa <bcc@x.test>');
  assert.equal(c.replyTo, 'Réply <reply@x.test>');
  assert.equal(c.from, 'Sénder <s@x.test>');
  assert.equal(c.text, 'base64 body üäö');

  // `containing` searches the still-encoded body and every header, as MailHog does.
  assert.equal((await mh.search(mh.encode('üäö', 'quoted-printable')))!.count, 1);
  assert.equal((await mh.search('s@x.test', 'from'))!.count, 4);
  assert.equal((await mh.search(`c-${tok}@x.test`, 'to'))!.count, 1);
  const paged = (await mh.search('x.test', undefined, 3, 1))!;
  assert.equal(paged.count, 1);
  assert.equal(paged.total, 4);
  assert.equal((await mh.latestContaining(`d-${tok}-a.bin`))!.attachments[0]!.name, `d-${tok}-a.bin`);
  assert.equal((await mh.latestContaining('ISO-8859-1'))!.subject, 'ISO-8859-1');
  assert.equal(await mh.latestFrom('s@x.test').then((m) => m && m.subject), 'D subject');
  assert.equal(await mh.latestTo(`nobody-${tok}@x.test`), 0); // the package's "no match" value

  // An envelope-only recipient (a Bcc) is found by kind=to, as MailHog matches envelope recipients.
  await send([`e-${tok}@x.test`, `hidden-${tok}@x.test`], ['From: s@x.test', `To: e-${tok}@x.test`, 'Subject: E', '', 'e']);
  assert.equal((await mh.search(`hidden-${tok}`, 'to'))!.count, 1);

  // Release to the configured relay (host and port as the relay has them) is delivered upstream.
  const rel = (await mh.releaseMessage(c.ID, { host: '127.0.0.1', port: String(upstream.smtpPort), email: `rel-${tok}@x.test` })) as unknown as { statusCode: number };
  assert.equal(rel.statusCode, 200);
  const released = upstream.store.list({ limit: 10 }).messages;
  assert.equal(released.length, 1);
  assert.deepEqual(released[0]!.envelope.rcptTo, [`rel-${tok}@x.test`]);
  assert.equal(released[0]!.view.subject, 'Ünïcödé subject');
  // Any other server is not one Mailroom may send to: MailHog's reply to a failed release.
  const elsewhere = (await mh.releaseMessage(c.ID, { host: '127.0.0.1', port: String(server.smtpPort), email: `rel-${tok}@x.test` })) as unknown as { statusCode: number };
  assert.equal(elsewhere.statusCode, 500);
  const refused = (await mh.releaseMessage(c.ID, { host: '127.0.0.1', port: String(upstream.smtpPort), email: 'someone@elsewhere.test' })) as unknown as { statusCode: number };
  assert.equal(refused.statusCode, 500); // not allowed by --relay-allowed-recipients
  assert.equal(upstream.store.stats().count, 1);
  assert.equal((await mh.messages())!.count, 5);

  const del = (await mh.deleteMessage(c.ID)) as unknown as { statusCode: number };
  assert.equal(del.statusCode, 200);
  assert.equal(await mh.latestTo(`c-${tok}@x.test`), 0);
  const again = (await mh.deleteMessage(c.ID)) as unknown as { statusCode: number };
  assert.equal(again.statusCode, 500); // MailHog: unknown id

  const bad = (await mh.search('x', 'bogus')) as unknown as { statusCode: number };
  assert.equal(bad.statusCode, 400);
  assert.equal(((await mh.deleteAll()) as unknown as { statusCode: number }).statusCode, 200);
  assert.equal((await mh.messages())!.count, 0);
});
