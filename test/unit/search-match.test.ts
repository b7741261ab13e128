// Table-driven tests of the matcher over a fixed set of messages whose search views are built by the
// real ingest code: every filter, its negation (always the exact complement), OR/parentheses,
// Unicode case-insensitivity and dates at time-zone edges.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileQuery } from '../../server/mail/search.js';
import { addr, fakeMessage } from '../helpers/fake-message.js';
import { bloomOf, mayContain, needleBits } from '../../server/mail/search-view.js';

const messages = [
  fakeMessage(
    {
      id: 'koeln',
      from: addr('alice@example.test', 'Alice Ärger'),
      to: [addr('bob@example.test', 'Bob')],
      subject: 'Grüße aus Köln',
      text: 'Die Straße ist\nlang und schön',
      headers: [{ name: 'X-Priority', value: '1 (Highest)' }, { name: 'Subject', value: 'Grüße aus Köln' }],
      parts: [{ filename: 'Report-Q1.PDF' }],
      messageId: '<koeln-1@mail.example.test>',
      tags: ['Urgent'],
      receivedAt: '2024-03-10T12:00:00Z',
      size: 2000,
    },
    1,
  ),
  fakeMessage(
    {
      id: 'invoice',
      from: addr('carol@billing.test'),
      to: [addr('dave@example.test')],
      cc: [addr('eve@example.test', 'Eve')],
      rcptTo: ['dave@example.test', 'eve@example.test', 'frank@example.test'],
      replyTo: [addr('help@example.test', 'Support Desk')],
      subject: 'Invoice 42',
      html: '<p>Please pay <b>now</b></p>',
      headers: [{ name: 'X-Mailer', value: 'Billing System 3' }],
      parts: [{ filename: 'logo.png', related: true }],
      messageId: '<abc-123@billing.test>',
      read: true,
      inbox: 'suite-b',
      receivedAt: '2024-03-10T23:30:00Z',
      size: 3 * 1024 * 1024,
    },
    2,
  ),
  fakeMessage(
    {
      id: 'greek',
      from: addr('ist@example.test', 'İstanbul Ofis'),
      to: [addr('zoe+news@example.test')],
      subject: 'ΟΔΟΣ',
      text: 'καλημέρα ﬁnal',
      tags: ['a b', 'two'],
      receivedAt: '2024-03-31T01:30:00Z',
      size: 500,
    },
    3,
  ),
];
const all = messages.map((m) => m.id);

const cases: Array<[string, string[], string?]> = [
  ['', all],
  ['köln', ['koeln']],
  ['KÖLN', ['koeln']],
  ['grüsse', ['koeln']], // ß in the subject folds to ss
  ['strasse', ['koeln']],
  ['STRASSE', ['koeln']],
  ['"ist lang"', ['koeln']], // the newline in the body collapses to one space
  ['"lang und schön"', ['koeln']],
  ['οδοσ', ['greek']],
  ['ΟΔΟΣ', ['greek']],
  ['istanbul', ['greek']],
  ['İSTANBUL', ['greek']],
  ['final', ['greek']], // NFKC: the ﬁ ligature
  ['καλημέρα', ['greek']],
  ['pay now', ['invoice']], // HTML body converted to text
  ['report-q1.pdf', ['koeln']], // attachment names are in the free text
  ['example.test', all],
  ['highest', []], // other headers are not free text (as Mailpit)
  ['from:alice', ['koeln']],
  ['from:ärger', ['koeln']],
  ['from:"Alice Ärger <alice@"', ['koeln']],
  ['from:bob', []],
  ['to:bob', ['koeln']],
  ['to:zoe+news', ['greek']],
  ['to:eve', []],
  ['cc:eve', ['invoice']],
  ['bcc:frank', ['invoice']], // envelope-only recipient
  ['bcc:dave', []],
  ['reply-to:support', ['invoice']],
  ['reply-to:help@example.test', ['invoice']],
  ['addressed:frank', ['invoice']],
  ['addressed:alice', ['koeln']],
  ['addressed:help', ['invoice']],
  ['subject:invoice', ['invoice']],
  ['subject:köln', ['koeln']],
  ['subject:straße', []],
  ['body:straße', ['koeln']],
  ['body:köln', []],
  ['attachment:report', ['koeln']],
  ['attachment:logo', ['invoice']],
  ['attachment:köln', []],
  ['message-id:abc-123', ['invoice']],
  ['message-id:<abc-123@billing.test>', ['invoice']],
  ['message-id:koeln-1@mail', ['koeln']],
  ['tag:urgent', ['koeln']],
  ['tag:URGENT', ['koeln']],
  ['tag:urg', []], // tags match whole names
  ['tag:"a b"', ['greek']],
  ['inbox:suite-b', ['invoice']],
  ['inbox:default', ['koeln', 'greek']],
  ['is:read', ['invoice']],
  ['is:unread', ['koeln', 'greek']],
  ['is:tagged', ['koeln', 'greek']],
  ['has:attachment', ['koeln']],
  ['has:inline', ['invoice']],
  ['larger:1k', ['koeln', 'invoice']],
  ['larger:3m', []],
  ['smaller:3m', ['koeln', 'greek']],
  ['smaller:2000', ['greek']],
  ['header:x-priority', ['koeln']],
  ['header:X-PRIORITY=highest', ['koeln']],
  ['header:x-mailer="system 3"', ['invoice']],
  ['header:x-mailer=outlook', []],
  ['header:subject=köln', ['koeln']],
  ['header:x-none', []],
  // Dates: receivedAt koeln 2024-03-10T12:00Z, invoice 2024-03-10T23:30Z, greek 2024-03-31T01:30Z.
  ['after:2024-03-11', ['greek'], 'UTC'],
  ['after:2024-03-11', ['invoice', 'greek'], 'Europe/Berlin'], // 2024-03-11 00:00 CET = 03-10 23:00Z
  ['before:2024-03-10T12:00Z', ['koeln'], 'UTC'], // before: is <= (Mailpit)
  ['after:2024-03-10T12:00Z', all, 'UTC'], // after: is >=
  ['before:2024-03-10', [], 'America/New_York'], // 03-10 05:00Z
  ['after:2024-03-31T03:00', ['greek'], 'Europe/Berlin'], // just after the DST jump: 01:00Z
  ['after:2024-03-31T04:00', [], 'Europe/Berlin'], // 02:00Z
  ['after:2024-03-10 before:2024-03-11', ['koeln', 'invoice'], 'UTC'],
  // Boolean structure.
  ['from:alice OR from:carol', ['koeln', 'invoice']],
  ['example.test (köln OR invoice)', ['koeln', 'invoice']],
  ['-(köln OR invoice)', ['greek']],
  ['is:unread -tag:urgent', ['greek']],
  ['!is:read', ['koeln', 'greek']],
  ['tag:urgent OR is:read OR has:inline', ['koeln', 'invoice']],
  ['(tag:two OR tag:urgent) larger:1k', ['koeln']],
];

for (const [query, expected, tz] of cases) {
  test(`${JSON.stringify(query)}${tz ? ` (tz ${tz})` : ''} matches ${expected.join(', ') || 'nothing'}`, () => {
    const q = compileQuery(query, { tz: tz ?? 'UTC' });
    assert.deepEqual(messages.filter(q).map((m) => m.id), expected);
  });
}

test('negating any filter (with - or !) gives exactly the complement', () => {
  for (const [query, , tz] of cases) {
    if (!query || query.includes(' ') || /^[-!]/.test(query)) continue;
    const q = compileQuery(query, { tz: tz ?? 'UTC' });
    for (const prefix of ['-', '!']) {
      const neg = compileQuery(`${prefix}${query}`, { tz: tz ?? 'UTC' });
      assert.deepEqual(messages.filter(neg).map((m) => m.id), messages.filter((m) => !q(m)).map((m) => m.id), `${prefix}${query}`);
    }
  }
});

test('index hints name only top-level positive AND-terms', () => {
  const hints = (q: string) => compileQuery(q, { tz: 'UTC' }).hints;
  assert.deepEqual(hints('to:bob tag:x inbox:a is:unread message-id:abc subject:y'), [
    { kind: 'address', value: 'bob' },
    { kind: 'tag', value: 'x' },
    { kind: 'inbox', value: 'a' },
    { kind: 'unread' },
    { kind: 'message-id', value: 'abc' },
  ]);
  assert.deepEqual(hints('!is:read'), [{ kind: 'unread' }]);
  assert.deepEqual(hints('tag:x OR (to:a OR inbox:b)'), [
    { kind: 'any', hints: [{ kind: 'tag', value: 'x' }, { kind: 'any', hints: [{ kind: 'address', value: 'a' }, { kind: 'inbox', value: 'b' }] }] },
  ]);
  assert.deepEqual(hints('-to:bob (tag:x OR subject:y) -tag:z (a b)'), []);
});

test('the bigram filter never hides a match: every substring of a search text passes it', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 .@-éßσ€😀\u0001';
  for (let round = 0; round < 200; round++) {
    const text = Array.from({ length: 50 + rand(3000) }, () => alphabet[rand(alphabet.length)]).join('');
    const view = { text, ends: [text.length], bloom: bloomOf(text) };
    assert.ok(view.bloom && view.bloom.length === 128);
    for (let k = 0; k < 20; k++) {
      const at = rand(text.length - 1);
      const needle = text.slice(at, at + 1 + rand(12));
      assert.ok(mayContain(view, needleBits(needle)), `${JSON.stringify(needle)} in round ${round}`);
    }
  }
  // and it does reject: a needle made of pairs the text lacks
  const view = { text: 'aaaa bbbb', ends: [9], bloom: bloomOf('aaaa bbbb') };
  assert.equal(mayContain(view, needleBits('zq')), false);
  // views without a filter (long texts, or stored by an older version) are always searched
  assert.equal(mayContain({ text: 'x', ends: [1] }, needleBits('zq')), true);
  assert.equal(bloomOf('x'.repeat(40_000)), null);
});
