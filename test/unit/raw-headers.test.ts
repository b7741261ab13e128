// The one header/body split every reader of raw mail uses (parse fallback, fast path, POP3 TOP,
// MailHog's content shape, the CLI's envelope reading), and the header helpers built on it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerBlockLength, rawHeaderValues, removeHeader, splitHeader, splitHeaderText } from '../../server/mail/raw-headers.js';

const cases: Array<[string, string, { headEnd: number; bodyStart: number; found: boolean }]> = [
  ['CRLF', 'A: 1\r\nB: 2\r\n\r\nbody\r\n', { headEnd: 10, bodyStart: 14, found: true }],
  ['bare LF', 'A: 1\nB: 2\n\nbody\n', { headEnd: 9, bodyStart: 11, found: true }],
  ['LF then CRLF', 'A: 1\n\r\nbody', { headEnd: 4, bodyStart: 7, found: true }],
  ['CRLF then LF', 'A: 1\r\n\nbody', { headEnd: 4, bodyStart: 7, found: true }],
  ['folded header', 'A: 1\r\n 2\r\n\r\nx', { headEnd: 8, bodyStart: 12, found: true }],
  ['no header (CRLF)', '\r\nbody', { headEnd: 0, bodyStart: 2, found: true }],
  ['no header (LF)', '\nbody', { headEnd: 0, bodyStart: 1, found: true }],
  ['no empty line', 'A: 1\r\nB: 2\r\n', { headEnd: 12, bodyStart: 12, found: false }],
  ['empty', '', { headEnd: 0, bodyStart: 0, found: false }],
];

test('the header ends at the first empty line, CRLF or bare LF, on bytes and on text alike', () => {
  for (const [name, text, want] of cases) {
    assert.deepEqual(splitHeader(Buffer.from(text, 'latin1')), want, name);
    assert.deepEqual(splitHeaderText(text), want, `${name} (text)`);
    assert.equal(headerBlockLength(Buffer.from(text, 'latin1')), want.bodyStart, `${name} (block length)`);
  }
});

test('the split looks no further than its limit', () => {
  const raw = Buffer.from(`A: ${'x'.repeat(100)}\r\n\r\nbody`);
  assert.deepEqual(splitHeader(raw, 50), { headEnd: 50, bodyStart: 50, found: false });
  assert.equal(splitHeader(raw).found, true);
});

test('header values and removal read only the header section', () => {
  const raw = Buffer.from('Bcc: a@x.test,\r\n b@x.test\r\nTo: c@x.test\r\n\r\nBcc: not-a-header\r\n');
  assert.deepEqual(rawHeaderValues(raw, 'bcc'), ['a@x.test, b@x.test']);
  assert.equal(removeHeader(raw, 'BCC').toString(), 'To: c@x.test\r\n\r\nBcc: not-a-header\r\n');
});
