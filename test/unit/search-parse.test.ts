// Table-driven tests of the query parser: tree shapes, quoting, Unicode folding, precedence, and
// the message and position of every kind of malformed query.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, QueryError, type QueryNode } from '../../server/mail/search-parse.js';

/** A compact rendering of a tree: terms as kind[:field]=value, NOT as -, groups as (a & b) / (a | b). */
function show(n: QueryNode): string {
  switch (n.type) {
    case 'all':
      return '*';
    case 'not':
      return `-${show(n.node)}`;
    case 'and':
      return `(${n.nodes.map(show).join(' & ')})`;
    case 'or':
      return `(${n.nodes.map(show).join(' | ')})`;
    case 'term': {
      const f = n.filter;
      switch (f.kind) {
        case 'text':
          return `${f.field}=${f.value}`;
        case 'size':
          return `${f.op}=${f.bytes}`;
        case 'date':
          return `${f.op}=${new Date(f.ms).toISOString()}`;
        case 'header':
          return `header=${f.name}${f.value === null ? '' : `~${f.value}`}`;
        default:
          return `${f.kind}=${f.value}`;
      }
    }
  }
}

const parses: Array<[string, string]> = [
  ['', '*'],
  ['   ', '*'],
  ['hello', 'text=hello'],
  ['Hello World', '(text=hello & text=world)'],
  ['"Hello   World"', 'text=hello world'],
  ['"say \\"hi\\""', 'text=say "hi"'],
  ['from:Alice', 'from=alice'],
  ['FROM:alice', 'from=alice'],
  ['subject:"big deal"', 'subject=big deal'],
  ['subject:big deal', '(subject=big & text=deal)'],
  ['to:a cc:b bcc:c reply-to:d addressed:e', '(to=a & cc=b & bcc=c & reply-to=d & addressed=e)'],
  ['message-id:<abc@x.test>', 'message-id=abc@x.test'],
  ['body:invoice attachment:report.pdf', '(body=invoice & attachment=report.pdf)'],
  ['tag:"Needs Review" inbox:Suite-A', '(tag=needs review & inbox=suite-a)'],
  ['is:read is:UNREAD is:tagged', '(is=read & is=unread & is=tagged)'],
  ['has:attachment has:attachments has:inline has:inlines', '(has=attachment & has=attachment & has=inline & has=inline)'],
  ['larger:2M smaller:1.5mb larger:500k larger:100 smaller:1kb larger:1g', '(larger=2097152 & smaller=1572864 & larger=512000 & larger=100 & smaller=1024 & larger=1073741824)'],
  ['before:2024-01-31 after:2024-01-31T14:30:15Z', '(before=2024-01-31T00:00:00.000Z & after=2024-01-31T14:30:15.000Z)'],
  ['header:X-Mailer', 'header=x-mailer'],
  ['header:X-Mailer=Outlook', 'header=x-mailer~outlook'],
  ['header:X-Note="two  words"', 'header=x-note~two words'],
  ['-tag:spam', '-tag=spam'],
  ['!is:read', '-is=read'],
  ['-"exact phrase"', '-text=exact phrase'],
  ['-(a b)', '-(text=a & text=b)'],
  ['a OR b', '(text=a | text=b)'],
  ['a or b', '(text=a & text=or & text=b)'],
  ['"OR" b', '(text=or & text=b)'],
  ['a AND b', '(text=a & text=b)'],
  // OR binds tighter than AND (as in Gmail).
  ['from:x subject:a OR subject:b', '(from=x & (subject=a | subject=b))'],
  ['a OR b c OR d', '((text=a | text=b) & (text=c | text=d))'],
  ['(a OR b) (c OR -d)', '((text=a | text=b) & (text=c | -text=d))'],
  ['((a))', 'text=a'],
  ['(a b) OR c', '((text=a & text=b) | text=c)'],
  // Unknown prefixes are words, as in Mailpit (URLs, times).
  ['http://example.test/x', 'text=http://example.test/x'],
  ['10:30', 'text=10:30'],
  // Unicode folding: case, ß, final sigma, dotted İ, NFKC.
  ['GRÜSSE', 'text=grüsse'],
  ['Straße', 'text=strasse'],
  ['ΟΔΟΣ', 'text=οδοσ'],
  ['İstanbul', 'text=istanbul'],
  ['ＡＢＣ', 'text=abc'],
  ['subject:ÄPFEL', 'subject=äpfel'],
  ['e-mail', 'text=e-mail'],
];

for (const [query, expected] of parses) {
  test(`parses ${JSON.stringify(query)}`, () => {
    assert.equal(show(parseQuery(query, { tz: 'UTC' })), expected);
  });
}

const errors: Array<[string, RegExp, number]> = [
  ['(a', /'\(' is never closed/, 0],
  ['a (b OR c', /'\(' is never closed/, 2],
  ['a)', /'\)' has no matching '\('/, 1],
  ['()', /empty parentheses/, 0],
  ['a OR', /OR needs a term on its right/, 2],
  ['OR a', /OR needs a term on its left/, 0],
  ['a OR OR b', /OR needs a term on its right/, 2],
  ['(a OR) b', /OR needs a term on its right/, 3],
  ['a AND', /AND needs a term on its right/, 2],
  ['AND a', /AND needs a term on its left/, 0],
  ['is:maybe', /unknown is: value "maybe"/, 3],
  ['x has:pdf', /unknown has: value "pdf"/, 6],
  ['larger:big', /bad size "big" for larger:/, 7],
  ['smaller:2T', /bad size "2T"/, 8],
  ['before:yesterday', /bad date "yesterday" for before:/, 7],
  ['after:2024-02-30', /bad date "2024-02-30"/, 6],
  ['after:2024-01-01T25:00', /bad date/, 6],
  ['from:', /from: needs a value right after the colon/, 5],
  ['a to:""', /to: needs a value/, 5],
  ['tag:   x', /tag: needs a value/, 4],
  ['message-id:<>', /message-id: needs a value/, 0],
  ['header:', /header: needs a value/, 7],
  ['subject:(unclosed', /'\(' is never closed/, 8],
  ['subject:(two words)', /subject: needs a value right after the colon \(to search for several words, quote them: subject:"two words"\)/, 8],
  ['header:=x', /bad header name ""/, 7],
  ['header:X-Foo=', /header:X-Foo= needs a value/, 13],
  ['subject:"unterminated', /unterminated quote/, 8],
  ['-', /'-' must be followed by a term/, 0],
  ['a ! b', /'!' must be followed by a term/, 2],
  ['""', /empty phrase/, 0],
  ['('.repeat(33) + 'a' + ')'.repeat(33), /parentheses nested deeper than 32/, 32],
  [Array.from({ length: 101 }, (_, i) => `w${i}`).join(' '), /too many terms \(at most 100\)/, 390],
];

for (const [query, message, position] of errors) {
  test(`rejects ${JSON.stringify(query)} at ${position}`, () => {
    assert.throws(
      () => parseQuery(query, { tz: 'UTC' }),
      (err: unknown) => err instanceof QueryError && message.test(err.message) && err.position === position,
      `expected ${message} at ${position}`,
    );
  });
}

test('an unknown time zone is a QueryError naming the tz parameter', () => {
  assert.throws(() => parseQuery('before:2024-01-01', { tz: 'Mars/Olympus' }), /unknown time zone "Mars\/Olympus" in the tz parameter/);
});
