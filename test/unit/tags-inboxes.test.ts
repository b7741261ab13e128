// Automatic tags (X-Tags, plus-addressing), tag normalisation, and inbox routing (--inbox-from).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoTags, normalizeTag } from '../../server/mail/tags.js';
import { inboxFor, parseInboxRouting } from '../../server/mail/inbox-route.js';

const tagCases: Array<[string, string | null]> = [
  ['urgent', 'urgent'],
  ['  Needs   Review ', 'Needs Review'],
  ['a<b>c', 'a b c'],
  ['ünïcödé', 'ünïcödé'],
  ['user@example.test', 'user@example.test'],
  ['v1.2_beta-3', 'v1.2_beta-3'],
  ['!!!', null],
  ['', null],
  ['x'.repeat(150), 'x'.repeat(100)],
];
for (const [raw, expected] of tagCases) test(`normalizeTag(${JSON.stringify(raw.slice(0, 20))})`, () => assert.equal(normalizeTag(raw), expected));

test('auto tags come from X-Tags headers and plus-addresses in From/To/Cc/Bcc, deduplicated', () => {
  const a = (address: string) => ({ name: '', address });
  const tags = autoTags({
    headers: [
      { name: 'X-Tags', value: 'Release, urgent ,, ' },
      { name: 'x-tags', value: 'second-header' },
      { name: 'X-Other', value: 'nope' },
    ],
    from: a('app+Outbound@example.test'),
    to: [a('alice+signup+Welcome@example.test'), a('plain@example.test')],
    cc: [a('+leading@example.test')],
    bcc: [a('bob+URGENT@example.test')],
  });
  assert.deepEqual(tags, ['Outbound', 'Release', 'second-header', 'signup', 'urgent', 'Welcome']);
});

test('inbox routing: auth (default), recipient-domain, recipient-local, pattern', () => {
  const env = (rcptTo: string[], authUser: string | null = null) => ({ rcptTo, authUser });
  const auth = parseInboxRouting('auth');
  assert.equal(inboxFor(auth, env(['a@x.test'], 'Suite-A')), 'suite-a');
  assert.equal(inboxFor(auth, env(['a@x.test'])), 'default');
  assert.equal(inboxFor(auth, env(['a@x.test'], '  ')), 'default');
  const domain = parseInboxRouting('recipient-domain');
  assert.equal(inboxFor(domain, env(['a@Tenant1.Example.test', 'b@other.test'])), 'tenant1.example.test');
  assert.equal(inboxFor(domain, env(['postmaster'], 'ci')), 'ci'); // no domain: falls back to auth
  const local = parseInboxRouting('recipient-local');
  assert.equal(inboxFor(local, env(['suite-a+signup@example.test'])), 'suite-a');
  const pattern = parseInboxRouting('pattern:^test-(\\w+)@');
  assert.equal(inboxFor(pattern, env(['someone@x.test', 'test-Run42@ci.test'])), 'run42');
  assert.equal(inboxFor(pattern, env(['someone@x.test'])), 'default');
  const whole = parseInboxRouting('pattern:[a-z]+\\.test$');
  assert.equal(inboxFor(whole, env(['x@shop.test'])), 'shop.test');
  assert.throws(() => parseInboxRouting('recipient'), /expected auth, recipient-domain, recipient-local or pattern/);
  assert.throws(() => parseInboxRouting('pattern:('), /bad regular expression/);
  assert.throws(() => parseInboxRouting('pattern:'), /needs a regular expression/);
});
