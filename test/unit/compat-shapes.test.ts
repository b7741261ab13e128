// The pure translations behind the compat dialects, table-driven: MailHog's header/MIME quirks,
// Go header-key canonicalisation, List-Unsubscribe parsing, send-request validation, tag names.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentFromString, mimeParts, pathOf } from '../../server/http/compat/mailhog-shapes.js';
import { canonicalHeaderKey, listUnsubscribe, bareMessageId } from '../../server/http/compat/mailpit-shapes.js';
import { composeOptions } from '../../server/http/compat/mailpit-send.js';
import { field, pageParams } from '../../server/http/compat/mailpit-common.js';

test('MailHog headers: last value wins, folded lines appended raw, lines without ": " dropped', () => {
  const c = contentFromString('Subject: one\r\nSubject: two\r\nX-Long: a\r\n\tb\r\nbogus\r\nTo:x@y\r\n\r\nbody\r\n');
  assert.deepEqual([...c.headers], [['Subject', ['two']], ['X-Long', ['a\tb']]]);
  assert.equal(c.body, 'body\r\n');
  assert.equal(contentFromString('no blank line').body, 'no blank line');
  assert.equal(contentFromString('no blank line').headers.size, 0);
});

test('MailHog MIME: split on the boundary, trimmed, nested multiparts, the closing "--" part', () => {
  const body = '--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n--B\r\nContent-Type: multipart/alternative; boundary=C\r\n\r\n--C\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--C--\r\n--B--\r\n';
  const { Parts } = mimeParts('multipart/mixed; boundary="B"', body);
  assert.equal(Parts.length, 3);
  assert.deepEqual(Parts[0]!.Headers, { 'Content-Type': ['text/plain'] });
  assert.equal(Parts[0]!.Body, 'hi');
  assert.equal(Parts[1]!.MIME!.Parts[0]!.Body, '<p>x</p>');
  assert.deepEqual(Parts[2], { Headers: {}, Body: '--', Size: 2, MIME: null });
  assert.deepEqual(mimeParts('multipart/mixed', body).Parts, []); // no boundary, no parts
});

test('MailHog paths split at the first @, with source routes as relays', () => {
  assert.deepEqual(pathOf('a@b.c'), { Relays: null, Mailbox: 'a', Domain: 'b.c', Params: '' });
  assert.deepEqual(pathOf('@r1,@r2:a@b'), { Relays: ['@r1', '@r2'], Mailbox: 'a', Domain: 'b', Params: '' });
  assert.deepEqual(pathOf(''), { Relays: null, Mailbox: '', Domain: '', Params: '' });
});

test('Go canonical header keys', () => {
  for (const [input, expected] of [
    ['message-id', 'Message-Id'],
    ['MIME-Version', 'Mime-Version'],
    ['DKIM-Signature', 'Dkim-Signature'],
    ['x-custom-HEADER', 'X-Custom-Header'],
    ['with space', 'with space'],
  ]) assert.equal(canonicalHeaderKey(input!), expected);
});

test('List-Unsubscribe: one mailto and one http link, errors for the rest', () => {
  const h = (value: string) => listUnsubscribe([{ name: 'List-Unsubscribe', value }]);
  assert.deepEqual(h('<mailto:u@x>, <https://x/u>').Links, ['mailto:u@x', 'https://x/u']);
  assert.match(h('<mailto:a@x>, <mailto:b@x>').Errors, /mailto:b@x/);
  assert.equal(h('nothing here').Errors, 'No valid unsubscribe links found');
  assert.deepEqual(listUnsubscribe([]), { Header: '', Links: [], Errors: '', HeaderPost: '' });
  assert.equal(bareMessageId('<a@b>'), 'a@b');
});

test('send requests: case-insensitive keys, validation errors in Mailpit words', () => {
  const ok = composeOptions({ from: { email: 'a@x.test', name: 'A' }, TO: [{ EMAIL: 'b@x.test' }], bcc: ['c@x.test'], tags: ['t'], Attachments: [{ Content: 'data:text/plain;base64,aGk=', FileName: 'a.txt', ContentID: 'cid1' }] });
  assert.deepEqual(ok.envelope.rcptTo, ['b@x.test', 'c@x.test']);
  assert.deepEqual(ok.mail.headers, { 'X-Tags': 't' }); // tags travel as X-Tags, as in Mailpit
  const att = ok.mail.attachments[0]!;
  assert.equal(att.content.toString(), 'hi');
  assert.equal(att.cid, 'cid1');
  for (const [body, message] of [
    [{}, /invalid From address/],
    [{ From: { Email: 'a@x.test' }, To: [{ Email: 'bad' }] }, /invalid To address: bad/],
    [{ From: { Email: 'a@x.test' }, Headers: { 'Reply-To': 'x' } }, /cannot overwrite header: "Reply-To"/],
    [{ From: { Email: 'a@x.test' }, Tags: ['t'], Headers: { 'X-Tags': 'x' } }, /cannot overwrite header/],
    [{ From: { Email: 'a@x.test' }, Headers: { 'X-A': 'a\r\nBcc: evil@x' } }, /invalid header value/],
    [{ From: { Email: 'a@x.test', Name: 'a\r\nBcc: evil@x' } }, /invalid From name/],
    [{ From: { Email: 'a@x.test' }, Attachments: [{ Content: '!!!', Filename: 'a' }] }, /base64 expected/],
    [{ From: { Email: 'a@x.test' }, Attachments: [{ Content: 'aGk=' }] }, /no Filename/],
  ] as const) assert.throws(() => composeOptions(body), message);
});

test('JSON keys and paging follow Mailpit', () => {
  assert.equal(field({ ids: [1] }, 'IDs')?.toString(), '1');
  assert.deepEqual(pageParams({}), { start: 0, limit: 50 });
  assert.deepEqual(pageParams({ start: '-5', limit: '0' }), { start: 0, limit: 0 });
});
