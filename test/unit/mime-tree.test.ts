// The MIME structure as byte ranges (mail/mime-tree.ts), on shapes real mail has: nested
// multiparts, a boundary that is a prefix of another, a missing closing delimiter, an attached
// message, and a Content-Type that cannot be read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mimeTree, type MimeNode } from '../../server/mail/parse.js';

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'latin1');
const bodyOf = (raw: Buffer, n: MimeNode) => raw.toString('latin1', n.bodyStart, n.end);

test('nested multiparts, a boundary that prefixes another, and the line break before a delimiter', () => {
  const raw = crlf(`Content-Type: multipart/mixed; boundary="b"

preamble
--b
Content-Type: multipart/alternative; boundary="bb"

--bb
Content-Type: text/plain

one
--bb
Content-Type: text/html

<p>two</p>
--bb--
--b
Content-Type: message/rfc822

Subject: inner

inner body
--b--
epilogue
`);
  const root = mimeTree(raw);
  assert.equal(root.contentType, 'multipart/mixed');
  assert.equal(root.children.length, 2);
  const [alt, msg] = root.children as [MimeNode, MimeNode];
  assert.deepEqual(alt.children.map((c) => [c.contentType, bodyOf(raw, c)]), [['text/plain', 'one'], ['text/html', '<p>two</p>']]);
  assert.equal(msg.contentType, 'message/rfc822');
  assert.equal(msg.message?.headers.get('subject'), 'inner');
  assert.equal(bodyOf(raw, msg.message), 'inner body');
});

test('a missing closing delimiter ends the last part at the end; an unreadable Content-Type is text/plain', () => {
  const raw = crlf(`Content-Type: multipart/mixed; boundary=x

--x

first
--x

second
`);
  const root = mimeTree(raw);
  assert.deepEqual(root.children.map((c) => [c.contentType, bodyOf(raw, c)]), [['text/plain', 'first'], ['text/plain', 'second\r\n']]);
  assert.equal(mimeTree(crlf('Content-Type: ;;;\n\nbody\n')).contentType, 'text/plain');
});
