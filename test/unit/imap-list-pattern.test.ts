// LIST's wildcard matching (server/imap/mailbox-commands.ts), and that a hostile pattern of
// thousands of wildcards is answered at once instead of backtracking for ever.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wildcardMatch } from '../../server/imap/mailbox-commands.js';

test('* and % match any run, other characters themselves', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', 'inbox', true],
    ['%', '', true],
    ['in*', 'inbox', true],
    ['*box', 'inbox', true],
    ['i*b*x', 'inbox', true],
    ['i*b*y', 'inbox', false],
    ['inbox', 'inbox', true],
    ['inbo', 'inbox', false],
    ['*x*x', 'xax', true],
    ['a.b', 'axb', false],
    ['', 'inbox', false],
  ];
  for (const [pattern, name, expected] of cases) assert.equal(wildcardMatch(pattern, name), expected, `${pattern} ~ ${name}`);
});

test('a pattern of 4,000 wildcards against a long name does not backtrack exponentially', () => {
  const pattern = '*a'.repeat(2000) + 'b';
  const name = 'a'.repeat(100);
  assert.equal(wildcardMatch(pattern, name), false);
  assert.equal(wildcardMatch('*a'.repeat(50), name), true);
});
