// Mail sent over real SMTP comes back through the API exactly as sent.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startTestServer } from '../helpers/server.js';
import { compose, queuedId, sendRawMail, smtpTransport } from '../helpers/mail.js';
import { detail, getJson, list, raw } from '../helpers/api.js';
import { sendRaw } from '../helpers/smtp-client.js';
import type { Mailroom } from '../../server/start.js';
import { fileTeardown } from '../helpers/teardown.js';

let server: Mailroom;
const teardown = fileTeardown();
before(async () => {
  server = teardown.add(await startTestServer({ smtpStarttls: 'on' }), 'server');
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

test('text, html, attachment, inline image, Bcc and UTF-8 everywhere round-trip exactly', async () => {
  const rawSent = await compose({
    from: '"Zoë Ünïcode" <zoe@exämple.test>',
    to: '"山田 太郎" <taro@example.test>',
    cc: 'cc@example.test',
    subject: 'Grüße 🎉 — 件名',
    text: 'Plain body: naïve café 日本語',
    html: '<p>HTML body <img src="cid:logo@mailroom"> ✓</p>',
    attachments: [
      { filename: '报告 final.pdf', content: Buffer.from('%PDF-1.4 fake pdf bytes \x00\x01\x02') },
      { filename: 'logo.png', content: PNG, cid: 'logo@mailroom' },
    ],
  });
  const reply = await sendRawMail(server.smtpPort, rawSent, { from: 'zoe@exämple.test', to: ['taro@example.test', 'cc@example.test', 'hidden@example.test'] });
  assert.match(reply, /^250 2\.0\.0 Ok: queued as [A-Za-z0-9_-]{16}$/);
  const id = queuedId(reply);

  assert.equal(sha(await raw(server.url, id)), sha(rawSent), 'raw bytes are identical');
  const d = await detail(server.url, id);
  assert.equal(d.id, id);
  assert.equal(d.subject, 'Grüße 🎉 — 件名');
  assert.deepEqual(d.from, { name: 'Zoë Ünïcode', address: 'zoe@exämple.test' });
  assert.deepEqual(d.to, [{ name: '山田 太郎', address: 'taro@example.test' }]);
  assert.deepEqual(d.cc.map((a) => a.address), ['cc@example.test']);
  assert.deepEqual(d.bcc, [{ name: '', address: 'hidden@example.test' }]);
  assert.equal(d.text?.trim(), 'Plain body: naïve café 日本語');
  assert.match(d.html!, /HTML body/);
  assert.deepEqual(d.envelope.rcptTo, ['taro@example.test', 'cc@example.test', 'hidden@example.test']);
  assert.equal(d.envelope.mailFrom, 'zoe@exämple.test');
  assert.equal(d.envelope.remoteAddress, '127.0.0.1');
  assert.equal(d.envelope.secure, true, 'nodemailer upgrades with STARTTLS');
  assert.equal(d.attachments, 1);
  assert.equal(d.inline, 1);

  const pdf = d.parts.find((p) => p.filename === '报告 final.pdf')!;
  const pdfRes = await fetch(`${server.url}/api/messages/${id}/parts/${pdf.id}`);
  const pdfBytes = Buffer.from(await pdfRes.arrayBuffer());
  assert.equal(pdfRes.headers.get('content-type'), 'application/octet-stream');
  assert.equal(pdfRes.headers.get('content-disposition'), `attachment; filename="__ final.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20final.pdf`);
  assert.equal(pdfRes.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(sha(pdfBytes), pdf.checksum);
  assert.equal(pdfBytes.toString('latin1'), '%PDF-1.4 fake pdf bytes \x00\x01\x02');

  const logo = d.parts.find((p) => p.contentId === 'logo@mailroom')!;
  assert.equal(logo.related, true);
  const logoRes = await fetch(`${server.url}/api/messages/${id}/parts/${logo.id}`);
  assert.equal(logoRes.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await logoRes.arrayBuffer()), PNG);

  const preview = await fetch(`${server.url}/api/messages/${id}/html`);
  const html = await preview.text();
  assert.match(html, /src="data:image\/png;base64,/, 'cid: images are inlined as data: URLs for the sandboxed preview');
});

test('AUTH PLAIN with any credentials is accepted and the username recorded', async () => {
  const t = smtpTransport(server.smtpPort, { auth: { user: 'suite-a', pass: 'anything' } });
  const info = await t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'auth', text: 'x' });
  const d = await detail(server.url, queuedId(info.response));
  assert.equal(d.envelope.authUser, 'suite-a');
});

test('AUTH LOGIN over plain text works too', async () => {
  const t = smtpTransport(server.smtpPort, { ignoreTLS: true, auth: { user: 'login-user', pass: 'pw' }, authMethod: 'LOGIN' });
  const info = await t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'login', text: 'x' });
  const d = await detail(server.url, queuedId(info.response));
  assert.equal(d.envelope.authUser, 'login-user');
  assert.equal(d.envelope.secure, false);
});

test('dot-stuffed lines, 8-bit bytes and a null sender are stored exactly', async () => {
  const body = Buffer.concat([
    Buffer.from('From: x@example.test\r\nSubject: dots\r\n\r\n'),
    Buffer.from('.leading dot\r\n..two dots\r\n'),
    Buffer.from([0xe9, 0xff, 0x80, 0x0d, 0x0a]),
  ]);
  // On the wire, lines starting with "." are doubled (RFC 5321 4.5.2); the store keeps them unstuffed.
  const onWire = Buffer.from(body.toString('latin1').replace(/^\./gm, '..'), 'latin1');
  const reply = await sendRaw(server.smtpPort, '', ['dots@example.test'], onWire);
  assert.equal(reply?.code, 250);
  const id = /queued as (\S+)/.exec(reply.text)![1]!;
  const stored = await raw(server.url, id);
  assert.equal(stored.toString('latin1'), body.toString('latin1'));
  assert.equal((await detail(server.url, id)).envelope.mailFrom, '');
});

test('an unparsable message is kept raw with its parse error', async () => {
  let body = 'From: wide@example.test\r\nSubject: too many parts\r\nContent-Type: multipart/mixed; boundary=w\r\n\r\n';
  for (let i = 0; i < 1500; i++) body += `--w\r\n\r\np${i}\r\n`;
  body += '--w--\r\n';
  const reply = await sendRaw(server.smtpPort, 'wide@example.test', ['r@example.test'], body);
  assert.equal(reply?.code, 250);
  const id = /queued as (\S+)/.exec(reply.text)![1]!;
  const { messages } = await list(server.url, '?limit=1');
  assert.equal(messages[0]!.id, id);
  assert.match(messages[0]!.parseError ?? '', /child nodes/i);
  assert.equal(messages[0]!.subject, 'too many parts');
  assert.equal((await raw(server.url, id)).toString(), body);
  const d = await getJson<{ parseError: string; headers: unknown[] }>(`${server.url}/api/messages/${id}`);
  assert.equal(d.status, 200);
  assert.match(d.body.parseError, /child nodes/i);
});
