// The fast path must give exactly what the full parser gives, for every message it accepts: the
// view at ingest, and the whole parse (html and part contents included) for the message detail;
// and it must accept the common shapes, or it is no fast path at all.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { createParsedCache } from '../../server/app/parsed-cache.js';
import { quickParse } from '../../server/mail/quick-view.js';
import { autoTags } from '../../server/mail/tags.js';
import { parseMessage } from '../../server/mail/parse.js';
import { viewOf } from '../../server/mail/view.js';
import type { Envelope, StoredMessage } from '../../server/mail/types.js';
import { makeMessage } from '../bench/message.js';

const envelope: Envelope = { mailFrom: 'app@example.test', rcptTo: ['alice@example.test', 'hidden@example.test'], remoteAddress: '127.0.0.1', heloName: 'test', authUser: null, secure: false };
const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

async function compose(mail: SendMailOptions): Promise<Buffer> {
  const info = await composer.sendMail({ from: 'App <app@example.test>', to: 'alice@example.test', ...mail });
  return info.message as Buffer;
}

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'utf8');

/** Shapes the fast path must take. */
async function common(): Promise<Array<[string, Buffer]>> {
  const big = Buffer.alloc(70_000, 7);
  return [
    ['bench 2 KB', makeMessage(3, 2048)],
    ['bench 100 KB with attachment', makeMessage(4, 100 * 1024)],
    ['nodemailer text', await compose({ subject: 'Hello', text: 'Hi there,\nyour code is 123456.' })],
    ['nodemailer text+html', await compose({ subject: 'Welcome', text: 'Welcome aboard', html: '<p>Welcome <b>aboard</b></p>' })],
    ['nodemailer unicode', await compose({ from: 'Jürgen Ünïcode <j@example.test>', subject: 'Grüße — ✓ done', text: 'Größe: 10 €, naïve café' })],
    ['nodemailer cc/bcc/reply-to', await compose({ cc: 'Carol <carol@example.test>, dave@example.test', bcc: 'eve@example.test', replyTo: 'support@example.test', subject: 'cc', text: 'x' })],
    ['nodemailer attachment', await compose({ subject: 'Report', text: 'See attached', html: '<p>See attached</p>', attachments: [{ filename: 'report.pdf', content: big }, { filename: 'data.csv', content: 'a,b\n1,2\n' , contentType: 'application/octet-stream' }] })],
    ['nodemailer long text (quoted-printable)', await compose({ subject: 'QP', text: ('A line that is long enough to need soft line breaks in quoted printable = sign. ').repeat(20) })],
  ];
}

/** Shapes it may take or leave; when it takes them, the result must match. */
async function edges(): Promise<Array<[string, Buffer]>> {
  return [
    ['html only', await compose({ subject: 'h', html: '<p>only html</p>' })],
    ['inline image', await compose({ subject: 'i', html: '<img src="cid:logo@x">', text: 't', attachments: [{ filename: 'logo.png', content: Buffer.alloc(100, 1), cid: 'logo@x' }] })],
    ['unicode filename', await compose({ subject: 'f', text: 't', attachments: [{ filename: 'Bericht-Größe.pdf', content: 'x' }] })],
    ['text attachment', await compose({ subject: 't', text: 't', attachments: [{ filename: 'notes.txt', content: 'hello' }] })],
    ['folded subject', crlf('From: a@example.test\nTo: b@example.test\nSubject: one\n two\n\tthree\nDate: Tue, 1 Apr 2025 10:00:00 +0200\n\nbody\n')],
    ['encoded-word subject and name', crlf('From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.test>\nTo: "Bob Smith" <b@example.test>\nSubject: =?UTF-8?B?R3LDvMOfZQ==?= and more\n\nbody\n')],
    ['invalid date', crlf('From: a@example.test\nDate: not a date\nSubject: s\n\nbody\n')],
    ['no date, no subject', crlf('From: a@example.test\n\nbody only\n')],
    ['two To headers', crlf('From: a@example.test\nTo: b@example.test\nTo: c@example.test\n\nx\n')],
    ['group', crlf('From: a@example.test\nTo: friends: b@example.test, c@example.test;\n\nx\n')],
    ['comment in address', crlf('From: a@example.test (Alice)\n\nx\n')],
    ['quoted name with comma', crlf('From: "Smith, Bob" <b@example.test>\n\nx\n')],
    ['base64 text body', crlf('From: a@example.test\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nSGVsbG8gd29ybGQsIGdyw7zDn2Uh\n')],
    ['us-ascii with 8-bit bytes', Buffer.concat([crlf('From: a@example.test\nContent-Type: text/plain\n\ncaf'), Buffer.from([0xe9, 0x0d, 0x0a])])],
    ['latin-1 body', Buffer.concat([crlf('From: a@example.test\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\ncaf'), Buffer.from([0xe9, 0x0d, 0x0a])])],
    ['format=flowed', crlf('From: a@example.test\nContent-Type: text/plain; charset=utf-8; format=flowed\n\nsoft \nwrapped\n')],
    ['headers only', crlf('From: a@example.test\nSubject: nothing\n')],
    ['LF line ends', Buffer.from('From: a@example.test\nSubject: lf\n\nbody\n')],
    ['broken multipart', crlf('From: a@example.test\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nhi\n')],
    ['multipart with preamble and epilogue', crlf('From: a@example.test\nContent-Type: multipart/alternative; boundary="b"\n\npreamble\n--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: text/html\n\n<p>hi</p>\n--b--\nepilogue\n')],
    ['message-id without brackets', crlf('From: a@example.test\nMessage-ID: abc@example.test\n\nx\n')],
    ['8-bit header', Buffer.concat([crlf('From: a@example.test\nSubject: caf'), Buffer.from([0xc3, 0xa9]), crlf('\n\nx\n')])],
    ...fixtures(),
  ];
}

/** Every .eml fixture of the suite, as found on disk. */
function fixtures(): Array<[string, Buffer]> {
  const dir = new URL('../fixtures/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f): [string, Buffer] => [`fixture ${f}`, readFileSync(new URL(f, dir))]);
}

/** What ingest derives from a parse: the stored view, the headers and the automatic tags. */
function derived(parsed: NonNullable<ReturnType<typeof quickParse>>) {
  const view = viewOf(parsed, envelope);
  return { view, headers: parsed.headers, tags: autoTags({ ...parsed, bcc: view.bcc }) };
}

async function full(raw: Buffer) {
  return derived(await parseMessage(raw, { fastPath: false }));
}

function quickView(raw: Buffer) {
  const parsed = quickParse(raw);
  return parsed ? derived(parsed) : null;
}

test('the fast path takes the common shapes of application mail', async () => {
  for (const [name, raw] of await common()) {
    const quick = quickView(raw);
    assert.ok(quick, `${name}: the fast path should take it`);
    assert.deepEqual(quick, await full(raw), name);
  }
});

test('whatever the fast path takes, it views exactly as the full parser does', async () => {
  let taken = 0;
  for (const [name, raw] of await edges()) {
    const quick = quickView(raw);
    if (quick === null) continue;
    taken++;
    assert.deepEqual(quick, await full(raw), name);
  }
  assert.ok(taken > 0, 'some edge shapes are simple enough to take');
});

test('the fast path leaves unparseable and unusual mail to the full parser', async () => {
  for (const [name, raw] of await edges()) {
    if (!/group|comment|invalid date|two To|format=flowed|latin-1|html only|inline image|8-bit/.test(name)) continue;
    assert.equal(quickView(raw), null, name);
  }
});

/** A multipart/alternative of the given text and html leaves (header lines, body), CRLF line ends. */
function alternative(text: [string, string | Buffer], html: [string, string | Buffer], boundary = 'alt'): Buffer {
  return Buffer.concat([
    crlf(`From: App <app@example.test>\nTo: alice@example.test\nSubject: alt\nContent-Type: multipart/alternative; boundary="${boundary}"\n\n--${boundary}\n${text[0]}\n\n`),
    typeof text[1] === 'string' ? crlf(text[1]) : text[1],
    crlf(`\n--${boundary}\n${html[0]}\n\n`),
    typeof html[1] === 'string' ? crlf(html[1]) : html[1],
    crlf(`\n--${boundary}--\n`),
  ]);
}

const utf8Text: [string, string] = ['Content-Type: text/plain; charset=utf-8', 'Größe: 10 €\nline two'];
const mixedWithCid = crlf(`From: a@example.test\nContent-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: multipart/alternative; boundary="a"\n\n--a\nContent-Type: text/plain; charset=utf-8\n\nlogo\n--a\nContent-Type: text/html; charset=utf-8\n\n<p><img src="cid:logo@x"> <img src='cid:other@x'></p>\n--a--\n--m\nContent-Type: image/png; name=logo.png\nContent-Disposition: attachment; filename=logo.png\nContent-ID: <logo@x>\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--m--\n`);

/** Html shapes the detail fast path must take. */
async function htmlCommon(): Promise<Array<[string, Buffer]>> {
  const html = '<!doctype html>\n<html><head><meta charset="utf-8"></head>\n<body><p>Größe: 10 €</p>\n<a href="https://example.test/?a=1&amp;b=2">link</a></body></html>\n';
  return [
    ['alternative with cid links', alternative(utf8Text, ['Content-Type: text/html; charset=utf-8', '<p><img src="cid:logo@x"> and <img src=cid:other></p>'])],
    ['quoted-printable html', alternative(utf8Text, ['Content-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable', '<p style=3D"color:red">Gr=C3=B6=C3=9Fe: 10 =E2=82=AC, a long line that wr=\naps softly</p>\n<p>two</p>'])],
    ['base64 html', alternative(utf8Text, ['Content-Type: text/html; charset="utf-8"\nContent-Transfer-Encoding: base64', Buffer.from(html).toString('base64').replace(/.{76}/g, '$&\n')])],
    ['us-ascii html, CRLF lines and trailing blank line', alternative(['Content-Type: text/plain; charset=us-ascii', 'one\ntwo\n'], ['Content-Type: text/html; charset=us-ascii\nContent-Transfer-Encoding: 7bit', '<p>one</p>\n<p>two</p>\n'])],
    ['8bit utf-8 html', alternative(['Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit', 'ü'], ['Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit', html])],
    ['nodemailer html with attachment', await compose({ subject: 'Invoice', text: 'See attached', html: `<p>${'Invoice line — ünïcode, long enough to be folded by the encoder. '.repeat(8)}</p><img src="cid:nothing@x">`, attachments: [{ filename: 'invoice.pdf', content: Buffer.alloc(3000, 9) }] })],
  ];
}

/** Html shapes it must leave to mailparser: not decoded here (charsets), or changed by it (cid parts). */
function htmlUnusual(): Array<[string, Buffer]> {
  return [
    ['mixed with content-id attachment', mixedWithCid],
    ['latin-1 html', alternative(utf8Text, ['Content-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit', Buffer.from('<p>caf\xe9</p>', 'latin1')])],
    ['windows-1252 quoted-printable html', alternative(utf8Text, ['Content-Type: text/html; charset=windows-1252\nContent-Transfer-Encoding: quoted-printable', '<p>=80 caf=E9</p>'])],
    ['quoted-printable html with trailing spaces', alternative(utf8Text, ['Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable', '<p>one</p>  \n<p>two</p>'])],
    ['empty html', alternative(utf8Text, ['Content-Type: text/html; charset=utf-8', ''])],
  ];
}

async function parsesAgree(name: string, raw: Buffer): Promise<boolean> {
  let taken = false;
  for (const inlineImages of [false, true]) {
    const quick = quickParse(raw, { html: true, inlineImages });
    if (quick === null) continue;
    taken = true;
    assert.deepEqual(quick, await parseMessage(raw, { inlineImages, fastPath: false }), `${name} (inlineImages ${inlineImages})`);
  }
  return taken;
}

test('with html, the fast path takes the common shapes and parses them exactly as mailparser', async () => {
  for (const [name, raw] of [...(await common()), ...(await htmlCommon())]) {
    assert.ok(quickParse(raw, { html: true }) && quickParse(raw, { html: true, inlineImages: true }), `${name}: the fast path should take it`);
    assert.ok(await parsesAgree(name, raw), name);
  }
  // a check that the cases hold what they claim, so the comparison above covers the html
  const [, cidLinks] = (await htmlCommon())[0]!;
  assert.match(quickParse(cidLinks, { html: true, inlineImages: true })!.html!, /cid:logo@x/);
});

test('with html, whatever the fast path takes of the other shapes equals the full parse', async () => {
  for (const [name, raw] of [...(await edges()), ...htmlUnusual()]) await parsesAgree(name, raw);
});

test('with html, the fast path leaves other charsets and inlined images to the full parser', async () => {
  for (const [name, raw] of htmlUnusual()) assert.equal(quickParse(raw, { html: true, inlineImages: true }), null, name);
  // what it would get wrong: mailparser inlines the image even outside multipart/related
  assert.match((await parseMessage(mixedWithCid, { inlineImages: true, fastPath: false })).html!, /src="data:image\/png;base64,iVBORw0KGgo="> <img src='cid:other@x'>/);
});

test('the parsed cache answers the full parse, fast path or not, and keeps it', async () => {
  const cache = createParsedCache();
  const stored = (id: string, raw: Buffer) => ({ id, size: raw.length }) as unknown as StoredMessage;
  for (const [id, raw] of [['fast', (await htmlCommon())[1]![1]], ['slow', mixedWithCid]] as const) {
    for (const inlineImages of [false, true]) {
      const first = cache.get(stored(id, raw), async () => raw, inlineImages);
      // the fast path answers without yielding to the event loop (mailparser yields across ticks)
      const ready = await Promise.race([first.then(() => true), new Promise<boolean>((resolve) => setImmediate(() => resolve(false)))]);
      if (id === 'fast') assert.ok(ready, 'fast: answered by the fast path');
      assert.deepEqual(await first, await parseMessage(raw, { inlineImages, fastPath: false }), `${id} (inlineImages ${inlineImages})`);
      assert.equal(cache.get(stored(id, raw), () => Promise.reject(new Error('read again')), inlineImages), first, `${id}: cached, the bytes not read again`);
    }
  }
});
