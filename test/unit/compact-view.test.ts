// compactView keeps the view's content exactly; only its memory layout changes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactView, ownString } from '../../server/mail/compact-view.js';
import type { MessageView } from '../../server/mail/types.js';

const view: MessageView = {
  from: { name: 'Jürgen Sender', address: 'sender@example.test' },
  to: [{ name: '', address: 'alice@example.test' }],
  cc: [],
  bcc: [{ name: '', address: 'hidden@example.test' }],
  replyTo: [],
  subject: 'A subject long enough to be sliced ✓',
  date: '2026-01-01T00:00:00.000Z',
  messageId: '<abc@example.test>',
  snippet: 'x'.repeat(199) + '…',
  parts: [{ id: '2', filename: 'report.pdf', contentType: 'application/pdf', size: 10, checksum: 'ab', contentId: null, disposition: 'attachment', related: false }],
  parseError: null,
  search: { text: 'a subject long enough\u0000<sender@example.test>', ends: [21, 44] },
};

test('a compacted view has the same content', () => {
  assert.deepEqual(compactView(view), view);
  assert.deepEqual(compactView({ ...view, from: null, messageId: null, parts: [] }), { ...view, from: null, messageId: null, parts: [] });
});

test('empty lists are shared and cannot be changed through one message', () => {
  const a = compactView(view);
  const b = compactView(view);
  assert.equal(a.cc, b.cc);
  assert.throws(() => (a.cc as unknown as unknown[]).push({ name: '', address: 'x@example.test' }), TypeError);
  assert.equal(b.cc.length, 0);
});

test('ownString keeps the text, including non-ASCII', () => {
  for (const s of ['', 'short', 'a longer string with ümlauts and ✓ and 😀 in it']) assert.equal(ownString(s), s);
});
