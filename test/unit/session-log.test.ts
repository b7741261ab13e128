import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packEntries, SessionLog, unpackEntries, type Entry } from '../../server/sessions/session-log.js';

test('packed transcript entries round-trip any text: separators, NUL, newlines, non-ASCII, empty', () => {
  const entries: Entry[] = [
    [0, 1, '220 mailroom ESMTP'],
    [3, 0, 'MAIL FROM:<a,b:c@example.test> SIZE=10'],
    [12, 1, '250-first\n250 second'],
    [12, 2, ''],
    [40, 0, 'RCPT TO:<\u0000odd\u00ff€😀@example.test>'],
    [123456, 2, '12,1,5:fake'],
  ];
  const packed = packEntries(entries);
  assert.equal(typeof packed, 'string');
  assert.deepEqual(unpackEntries(packed), entries);
  assert.deepEqual(unpackEntries(packEntries([])), []);
});

test('a message keeps the prelude and its own transaction only', () => {
  const log = new SessionLog();
  log.reply('220 hi');
  log.command('EHLO x');
  for (const n of [1, 2]) {
    log.beginTransaction();
    log.command(`MAIL FROM:<s${n}@x>`);
    log.reply('250 ok');
    const { prelude, tx } = log.messageEntries();
    const texts = [...prelude, ...unpackEntries(packEntries(tx))].map((e) => e[2]);
    assert.deepEqual(texts, ['220 hi', 'EHLO x', `MAIL FROM:<s${n}@x>`, '250 ok']);
  }
});
