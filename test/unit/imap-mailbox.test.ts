// The selected mailbox's bookkeeping (server/imap/mailbox.ts): refresh finds arrivals by UID and
// departures only when fewer messages are left than slots; each() pairs slots with messages in
// any order the mailbox lists them; a message that left a tag mailbox and came back is a new slot.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MailboxContents } from '../../server/imap/directory.js';
import { Mailbox } from '../../server/imap/mailbox.js';
import type { StoredMessage } from '../../server/mail/types.js';

const msg = (id: string, seq: number) => ({ id, seq }) as unknown as StoredMessage;
const inbox = (messages: StoredMessage[]): MailboxContents => ({ messages, uid: (m) => m.seq, uidValidity: 1, uidNext: 99 });

test('refresh: arrivals as EXISTS, departures as EXPUNGE numbers highest first, none during FETCH', () => {
  const box = new Mailbox({ kind: 'inbox' }, inbox([msg('c', 3), msg('b', 2), msg('a', 1)]), false);
  assert.deepEqual(box.slots.map((s) => s.uid), [1, 2, 3]);
  assert.deepEqual(box.refresh(inbox([msg('d', 7), msg('c', 3), msg('b', 2), msg('a', 1)])), { expunged: [], exists: 4 });
  assert.deepEqual(box.refresh(inbox([msg('d', 7), msg('b', 2)]), false), { expunged: [], exists: null }, 'no EXPUNGE while expunge is off');
  assert.equal(box.size, 4);
  assert.deepEqual(box.refresh(inbox([msg('d', 7), msg('b', 2)])), { expunged: [3, 1], exists: null });
  assert.deepEqual(box.slots.map((s) => s.id), ['b', 'd']);
});

test('a message that leaves a tag mailbox and returns with a new UID replaces its old slot', () => {
  const uids = new Map([['a', 1], ['b', 2]]);
  const tag = (ids: string[]): MailboxContents => ({ messages: ids.map((id, i) => msg(id, 10 - i)), uid: (m) => uids.get(m.id)!, uidValidity: 5, uidNext: 9 });
  const box = new Mailbox({ kind: 'tag', tag: 't' }, tag(['a', 'b']), false);
  uids.set('a', 3); // left and came back
  assert.deepEqual(box.refresh(tag(['a', 'b']), false), { expunged: [], exists: 3 }, 'during FETCH: the new slot only');
  assert.deepEqual(box.refresh(tag(['a', 'b'])), { expunged: [1], exists: null }, 'then the old one goes');
  assert.deepEqual(box.slots, [{ id: 'b', uid: 2 }, { id: 'a', uid: 3 }]);
});

test('each() pairs slots and messages listed newest first, oldest first or unordered, skipping gone ones', () => {
  const box = new Mailbox({ kind: 'inbox' }, inbox([msg('a', 1), msg('b', 2), msg('c', 3), msg('d', 4)]), false);
  for (const listing of [[msg('d', 4), msg('c', 3), msg('a', 1)], [msg('a', 1), msg('c', 3), msg('d', 4)], [msg('c', 3), msg('a', 1), msg('d', 4)]]) {
    const seen: string[] = [];
    box.each(inbox(listing), (seq, slot, m) => seen.push(`${seq}:${slot.uid}:${m.id}`));
    assert.deepEqual(seen, ['1:1:a', '3:3:c', '4:4:d']);
  }
  assert.deepEqual(box.remove((s) => s.id === 'b' || s.id === 'd'), [4, 2]);
});
