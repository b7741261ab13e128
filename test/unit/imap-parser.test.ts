// The IMAP command parser and the framer that cuts commands (with their literals) out of the
// byte stream, on the syntax clients send (RFC 3501 section 9, RFC 7888).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandFramer } from '../../server/imap/framing.js';
import { ImapSyntaxError, parseCommand } from '../../server/imap/parser.js';
import { sequenceSet } from '../../server/imap/wire.js';

const parse = (s: string) => parseCommand(Buffer.from(s, 'latin1'));

test('commands: atoms, quoted strings with escapes, literals as bytes, nested lists, fetch sections kept whole', () => {
  assert.deepEqual(parse('a1 LOGIN "al\\"ice" {3}\r\npw!'), { tag: 'a1', name: 'LOGIN', args: [{ kind: 'string', value: Buffer.from('al"ice') }, { kind: 'string', value: Buffer.from('pw!') }] });
  const fetch = parse('x UID fetch 1:* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]<0.100> FLAGS)');
  assert.equal(fetch.name, 'UID FETCH');
  assert.deepEqual(fetch.args, [
    { kind: 'atom', value: '1:*' },
    { kind: 'list', items: [{ kind: 'atom', value: 'UID' }, { kind: 'atom', value: 'BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]<0.100>' }, { kind: 'atom', value: 'FLAGS' }] },
  ]);
  assert.deepEqual(parse('t STORE 1 +FLAGS.SILENT (\\Seen \\Deleted)').args[2], { kind: 'list', items: [{ kind: 'atom', value: '\\Seen' }, { kind: 'atom', value: '\\Deleted' }] });
  assert.deepEqual(parse('t APPEND INBOX {4+}\r\nabcd').args[1], { kind: 'string', value: Buffer.from('abcd') });
});

test('malformed commands are refused with the tag when it was readable', () => {
  const cases: Array<[string, string | null, RegExp]> = [
    ['', null, /empty command/],
    ['+x NOOP', null, /invalid tag/],
    ['a1', 'a1', /missing command/],
    ['a1 LOGIN "open', 'a1', /unterminated quoted string/],
    ['a1 LOGIN {10}\r\nshort', 'a1', /literal shorter than announced/],
    ['a1 X ' + '('.repeat(40), 'a1', /nested too deeply/],
    ['a1 X (a b', 'a1', /unclosed list/],
    ['a1 FETCH 1 BODY[HEADER', 'a1', /unclosed \[/],
  ];
  for (const [input, tag, message] of cases) {
    assert.throws(() => parse(input), (err: unknown) => err instanceof ImapSyntaxError && err.tag === tag && message.test(err.message), input);
  }
});

test('the framer waits for literals, asks for synchronising ones, and refuses what is over its bounds', () => {
  const f = new CommandFramer(100, 50, 200);
  assert.deepEqual(f.push(Buffer.from('a1 NOOP\r\na2 LOG')), [{ kind: 'command', bytes: Buffer.from('a1 NOOP') }]);
  assert.deepEqual(f.push(Buffer.from('IN {3}\r\n')), [{ kind: 'go-ahead' }]);
  assert.deepEqual(f.push(Buffer.from('bob {2+}\r\npw')), []);
  assert.deepEqual(f.push(Buffer.from('\r\n')), [{ kind: 'command', bytes: Buffer.from('a2 LOGIN {3}\r\nbob {2+}\r\npw') }]);
  assert.deepEqual(f.push(Buffer.from('a3 APPEND INBOX {51}\r\n')), [{ kind: 'too-big', tag: 'a3', size: 51, nonSync: false }]);
  assert.deepEqual(f.push(Buffer.from('a4 NOOP\n')), [{ kind: 'command', bytes: Buffer.from('a4 NOOP') }], 'a bare LF ends a line too');
  assert.deepEqual(f.push(Buffer.alloc(101, 0x41)), [{ kind: 'line-too-long' }]);
});

test('sequence sets: ranges either way round, "*" as the largest number, malformed ones refused', () => {
  assert.deepEqual(sequenceSet('1:3,5,7:*', 9), [[1, 3], [5, 5], [7, 9]]);
  assert.deepEqual(sequenceSet('*:4', 9), [[4, 9]]);
  assert.deepEqual(sequenceSet('1:*', 0), [[0, 1]]);
  for (const bad of ['', '0', '1:', 'a', '1,,2', '1:2:3']) assert.equal(sequenceSet(bad, 9), null, bad);
});

test('search keys that cannot be read are refused by name', async () => {
  const { parseSearch, SearchSyntaxError } = await import('../../server/imap/search.js');
  const keys = (s: string) => parseCommand(Buffer.from(`a SEARCH ${s}`)).args;
  for (const [input, message] of [
    ['FROBNICATE', /unknown search key "FROBNICATE"/],
    ['SINCE 2026-12-01', /invalid date "2026-12-01"/],
    ['LARGER many', /LARGER takes a number of bytes/],
    ['UID 1:x', /invalid UID set 1:x/],
    ['OR SEEN', /a search key is missing/],
    ['SUBJECT', /missing its argument/],
  ] as const) {
    assert.throws(() => parseSearch(keys(input), 5, 5), (err: unknown) => err instanceof SearchSyntaxError && message.test(err.message), input);
  }
});
