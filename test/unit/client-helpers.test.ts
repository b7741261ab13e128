// The pure helpers of mailroom-server/client (links, firstLink, code) and of the CLI (addresses, mbox,
// Bcc removal, export names, SMTP data encoding), table-driven.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { code, firstLink, links } from '../../server/client/links.js';
import { addressesIn, envelopeFromHeaders, splitMbox, withoutBcc } from '../../server/cli/mail-files.js';
import { exportFileName } from '../../server/cli/export.js';
import { encodeData } from '../../server/cli/smtp-submit.js';

test('links: HTML hrefs (entities decoded, resolved against <base>) and text URLs, de-duplicated, in order', () => {
  const html = `<html><head><base href="https://app.example.test/base/"></head><body>
    <a href="https://app.example.test/confirm?token=abc&amp;u=1">Confirm</a>
    <a href='relative/page'>rel</a> <a href=mailto:help@example.test>mail</a> <a href="javascript:alert(1)">x</a>
    <area href="https://maps.example.test/">
    <a href="https://app.example.test/confirm?token=abc&u=1">again</a></body></html>`;
  const text = 'Confirm: https://app.example.test/confirm?token=abc&u=1.\nOr see (https://docs.example.test/help).\nhttp://plain.example.test/x,';
  assert.deepEqual(links({ html, text }), [
    'https://app.example.test/confirm?token=abc&u=1',
    'https://app.example.test/base/relative/page',
    'https://maps.example.test/',
    'https://docs.example.test/help',
    'http://plain.example.test/x',
  ]);
  assert.deepEqual(links({ html: null, text: null }), []);
});

test('firstLink: by RegExp or substring; undefined when none matches', () => {
  const m = { html: '<a href="https://a.example.test/unsubscribe">u</a><a href="https://a.example.test/reset/XYZ">r</a>', text: null };
  assert.equal(firstLink(m, /reset\/(\w+)/g), 'https://a.example.test/reset/XYZ');
  assert.equal(firstLink(m, 'unsub'), 'https://a.example.test/unsubscribe');
  assert.equal(firstLink(m), 'https://a.example.test/unsubscribe');
  assert.equal(firstLink(m, /nothing/), undefined);
});

const codes: Array<[string, { subject?: string; text: string | null; html: string | null }, string | undefined]> = [
  ['plain code after a keyword', { text: 'Your verification code is 482913.', html: null }, '482913'],
  ['keyword wins over an earlier number', { text: 'Order 55512 on 12/03/2026.\nYour PIN: 0042', html: null }, '0042'],
  ['year is skipped', { text: '© 2026 Example Inc. Use 7731 to sign in', html: null }, '7731'],
  ['4-digit code that looks like a year still wins after a keyword', { text: 'Your code: 2024', html: null }, '2024'],
  ['dates, times, amounts and long numbers are not codes', { text: 'On 2026-01-05 at 10:30 you paid $1234.00; ref 123456789012', html: null }, undefined],
  ['subject counts', { subject: '915263 is your login code', text: 'hi', html: null }, '915263'],
  ['html text, not attributes', { text: null, html: '<img src="https://x.example.test/1234567.png"><p>Code: <b>665544</b></p>' }, '665544'],
  ['nothing', { text: 'no digits here', html: null }, undefined],
];
for (const [name, message, expected] of codes) test(`code: ${name}`, () => assert.equal(code(message), expected));

test('code: custom pattern, capture group preferred', () => {
  assert.equal(code({ text: 'token: AB-12-CD', html: null }, { pattern: /token: ([A-Z0-9-]+)/ }), 'AB-12-CD');
  assert.equal(code({ text: 'xyz Q7Q7', html: null }, { pattern: /Q\dQ\d/ }), 'Q7Q7');
});

test('addressesIn: names, quotes, comments, groups', () => {
  assert.deepEqual(addressesIn('"Smith, Al" <al@example.test>, bo@example.test (Bo), team: cy@example.test, <dee@example.test>;'), [
    'al@example.test',
    'bo@example.test',
    'cy@example.test',
    'dee@example.test',
  ]);
  assert.deepEqual(addressesIn('undisclosed-recipients:;'), []);
});

test('envelopeFromHeaders: Return-Path, then From; To/Cc/Bcc unfolded, unique', () => {
  const data = Buffer.from('Return-Path: <bounce@example.test>\r\nFrom: A <a@example.test>\r\nTo: b@example.test,\r\n c@example.test\r\nCc: B@example.test\r\nBcc: d@example.test\r\n\r\nTo: not@header.test\r\n');
  const env = envelopeFromHeaders(data);
  assert.equal(env.from, 'bounce@example.test');
  assert.deepEqual(env.to.map((a) => a.toLowerCase()), ['b@example.test', 'c@example.test', 'd@example.test']);
});

test('withoutBcc drops folded Bcc fields only from the header', () => {
  const out = withoutBcc(Buffer.from('To: a@example.test\nBcc: x@example.test,\n  y@example.test\nSubject: s\n\nBcc: stays in body\n')).toString();
  assert.equal(out, 'To: a@example.test\nSubject: s\n\nBcc: stays in body\n');
});

test('splitMbox: separators only at the start or after an empty line; >From unescaped', () => {
  const mbox = 'From a@example.test Mon Jan 1 00:00:00 2026\nSubject: one\n\nline\nFrom inside a paragraph\n>From quoted\n\nFrom MAILER-DAEMON Mon Jan 1 00:00:01 2026\nSubject: two\n\nbody\n';
  const parts = splitMbox(Buffer.from(mbox), 'x.mbox');
  assert.equal(parts.length, 2);
  assert.equal(parts[0]!.data.toString(), 'Subject: one\n\nline\nFrom inside a paragraph\nFrom quoted\n');
  assert.equal(parts[0]!.mboxSender, 'a@example.test');
  assert.equal(parts[1]!.mboxSender, undefined);
  assert.equal(parts[1]!.source, 'x.mbox#2');
});

test('exportFileName: safe characters only, no path parts, bounded', () => {
  const names = [
    exportFileName({ id: 'abcDEF0123456789', receivedAt: '2026-01-02T03:04:05.678Z', subject: '../../etc/passwd' }),
    exportFileName({ id: 'abcDEF0123456789', receivedAt: '2026-01-02T03:04:05.678Z', subject: 'Café / Straße \\ C:\\x' + 'y'.repeat(500) }),
    exportFileName({ id: '..', receivedAt: '2026-01-02T03:04:05.678Z', subject: '' }),
  ];
  assert.equal(names[0], '20260102-030405Z-abcDEF0123456789-etc-passwd.eml');
  for (const n of names) {
    assert.match(n, /^[A-Za-z0-9._-]+$/);
    assert.ok(!n.startsWith('.') && n.length < 120, n);
  }
});

test('encodeData: CRLF line endings, dot-stuffing, terminator', () => {
  assert.equal(encodeData(Buffer.from('a\n.b\r\n..c\n.')).toString(), 'a\r\n..b\r\n...c\r\n..\r\n.\r\n');
});
