// Modified UTF-7 mailbox names (RFC 3501 section 5.1.3), with the RFC's own example.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMailboxName, encodeMailboxName } from '../../server/imap/mutf7.js';

test('encodes and decodes the RFC example, "&", and names outside the BMP', () => {
  const cases: Array<[string, string]> = [
    ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
    ['Entwürfe', 'Entw&APw-rfe'],
    ['R&D', 'R&-D'],
    ['plain name', 'plain name'],
    ['📬 box', '&2D3c7A- box'],
  ];
  for (const [name, wire] of cases) {
    assert.equal(encodeMailboxName(name), wire);
    assert.equal(decodeMailboxName(wire), name);
  }
});

test('refuses what is not modified UTF-7', () => {
  for (const wire of ['a&b', '&U,BTF', '&AB-', '&a*b-']) assert.equal(decodeMailboxName(wire), null, wire);
});
