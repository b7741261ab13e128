// The SQLite adapter: the shared contract, plus what only a durable store promises.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus, type MailEvent } from '../../server/events/bus.js';
import { openSqliteStore } from '../../server/store/sqlite-store.js';
import { compileQuery } from '../../server/mail/search.js';
import { describeStore, newMessage } from './store-contract.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mailroom-sqlite-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describeStore('sqlite', (options) => openSqliteStore({ dataDir: tempDir(), ...options }));

function open(dataDir: string, limits: { maxMessages?: number; maxBytes?: number } = {}) {
  const events: MailEvent[] = [];
  const bus = createEventBus();
  bus.subscribe((e) => events.push(e));
  const store = openSqliteStore({ dataDir, maxMessages: 1000, maxBytes: 64 * 1024 * 1024, bus, ...limits });
  return { store, events };
}

test('messages, ids, read flags, tags and inboxes survive a reopen; mutations persist', () => {
  const dir = tempDir();
  const a = open(dir);
  const first = newMessage('first', { rawSize: 5000, inbox: 'team', tags: ['x'], receivedAt: 1_700_000_000_000 });
  const m1Raw = first.raw;
  const m1 = a.store.add(first);
  const m2 = a.store.add(newMessage('second'));
  const m3 = a.store.add(newMessage('third'));
  a.store.setRead([m2.id], true);
  a.store.delete([m3.id]);
  a.store.updateTags([m2.id], { add: ['kept', 'gone'] });
  a.store.deleteTag('gone');
  a.store.renameTag('x', 'ex');
  a.store.close!();

  const b = open(dir);
  assert.deepEqual(b.events, [], 'restoring publishes nothing');
  assert.deepEqual(b.store.list({ limit: 10 }).messages.map((m) => m.id), [m2.id, m1.id]);
  const r1 = b.store.get(m1.id)!;
  assert.ok(b.store.readRaw(m1.id)!.equals(m1Raw));
  assert.deepEqual([r1.inbox, r1.tags, r1.receivedAt, r1.read], ['team', ['ex'], 1_700_000_000_000, false]);
  assert.deepEqual(b.store.get(m2.id)!.tags, ['kept'], 'tag changes persisted');
  assert.deepEqual(b.store.select({ query: compileQuery('tag:kept') }).map((m) => m.id), [m2.id], 'indexes rebuilt on restore');
  assert.deepEqual(r1.view, m1.view);
  assert.deepEqual(r1.envelope, m1.envelope);
  assert.equal(b.store.get(m2.id)!.read, true);
  assert.equal(b.store.get(m3.id), undefined);
  const s = b.store.stats();
  assert.deepEqual([s.count, s.unread, s.received, s.deleted, s.evicted], [2, 1, 0, 0, 0], 'lifetime counters restart at zero');
  const m4 = b.store.add(newMessage('fourth'));
  assert.ok(m4.seq > b.store.get(m2.id)!.seq, 'new arrivals sort after restored ones');
  b.store.clear('team');
  b.store.close!();

  const c = open(dir);
  assert.deepEqual(c.store.list({ limit: 10 }).messages.map((m) => m.id), [m4.id, m2.id]);
  c.store.clear();
  c.store.close!();
  const d = open(dir);
  assert.equal(d.store.stats().count, 0);
  d.store.close!();
});

test('lowered caps at restart evict the oldest from memory and from disk', () => {
  const dir = tempDir();
  const a = open(dir);
  const ids = Array.from({ length: 5 }, (_, i) => a.store.add(newMessage(`m${i}`)).id);
  a.store.close!();
  const b = open(dir, { maxMessages: 2 });
  assert.deepEqual(b.store.list({ limit: 10 }).messages.map((m) => m.id), [ids[4], ids[3]]);
  b.store.close!();
  const c = open(dir);
  assert.equal(c.store.stats().count, 2, 'evicted rows were removed from disk');
  c.store.close!();
});

test('a second process cannot open the same data dir', () => {
  const dir = tempDir();
  const a = open(dir);
  a.store.add(newMessage('mine'));
  assert.throws(() => open(dir), /in use by another Mailroom/);
  a.store.close!();
  const b = open(dir);
  assert.equal(b.store.stats().count, 1);
  b.store.close!();
});

test('a write that cannot reach the disk throws, is taken back out of memory and is never announced', () => {
  const a = open(tempDir());
  const kept = a.store.add(newMessage('kept')).id;
  a.events.length = 0;
  a.store.close!(); // the database is gone: every commit now fails
  assert.throws(() => a.store.add(newMessage('lost')));
  assert.deepEqual(a.events, [], 'nothing published');
  assert.deepEqual(a.store.list({ limit: 10 }).messages.map((m) => m.id), [kept], 'not visible either');
  const s = a.store.stats();
  assert.deepEqual([s.count, s.received, s.deleted], [1, 1, 0], 'counters do not count it');
});

test('arrival numbers and the epoch survive a reopen, and a number is never handed out twice', async () => {
  const dir = tempDir();
  const a = open(dir);
  const ids = ['one', 'two', 'three'].map((s) => a.store.add(newMessage(s)).id);
  const seqs = ids.map((id) => a.store.get(id)!.seq);
  const epoch = a.store.epoch;
  assert.ok(epoch > 1_700_000_000, 'seconds since 1970');
  a.store.delete([ids[2]!]); // the newest goes: its number must not come back
  a.store.close!();
  const b = open(dir);
  assert.equal(b.store.epoch, epoch);
  assert.deepEqual(ids.slice(0, 2).map((id) => b.store.get(id)!.seq), seqs.slice(0, 2));
  const next = b.store.add(newMessage('four'));
  assert.ok(next.seq > seqs[2]!, `new number ${next.seq} above the deleted one's ${seqs[2]}`);
  b.store.close!();
});

test('a data dir written by schema 1 (no meta table) keeps its arrival order as numbers', async () => {
  const dir = tempDir();
  const a = open(dir);
  const ids = ['one', 'two'].map((s) => a.store.add(newMessage(s)).id);
  a.store.close!();
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dir, 'mailroom.sqlite'));
  db.exec('DROP TABLE meta');
  db.pragma('user_version = 1');
  db.close();
  const b = open(dir);
  assert.deepEqual(ids.map((id) => b.store.get(id)!.seq), [1, 2]);
  assert.equal(b.store.add(newMessage('three')).seq, 3);
  b.store.close!();
});
