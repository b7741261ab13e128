// The memory store's indexed search returns exactly what a full scan returns, through inserts,
// deletes, evictions (global and per-inbox), read changes and tag changes; plus tag and inbox
// bookkeeping.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventBus, type MailEvent } from '../../server/events/bus.js';
import { compileQuery } from '../../server/mail/search.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { MessageStore } from '../../server/store/store.js';
import { addr, fakeNew } from '../helpers/fake-message.js';

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'eve', 'mallory', 'Ölaf', 'zoë'];
const TAGS = ['urgent', 'Billing', 'news', 'a b'];
const INBOXES = ['default', 'suite-a', 'suite-b'];

const QUERIES = [
  'to:alice',
  'to:alice@example.test',
  'from:bob is:unread',
  'addressed:carol tag:urgent',
  'tag:billing',
  'tag:BILLING -is:read',
  'inbox:suite-a',
  'inbox:suite-a to:dave',
  'is:unread',
  '!is:read tag:news',
  'message-id:msg-1',
  'message-id:<msg-17@example.test>',
  'cc:ölaf OR bcc:zoë',
  'to:eve (tag:urgent OR tag:"a b")',
  'from:mallory -tag:urgent',
  'subject:"number 1" inbox:default',
  'reply-to:nobody',
  'tag:missing',
  'to:e',
  'tag:news OR tag:"a b"',
  '(tag:urgent OR to:alice) is:unread',
  'inbox:suite-b OR from:eve OR message-id:msg-3',
];

function randomMessage(r: () => number, n: number) {
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
  const person = (p: string) => addr(`${p}@example.test`, r() < 0.5 ? p.toUpperCase() : '');
  return fakeNew({
    from: person(pick(PEOPLE)),
    to: [person(pick(PEOPLE)), ...(r() < 0.3 ? [person(pick(PEOPLE))] : [])],
    cc: r() < 0.3 ? [person(pick(PEOPLE))] : [],
    rcptTo: r() < 0.2 ? [`${pick(PEOPLE)}@example.test`] : [],
    subject: `number ${n}`,
    text: `body ${n}`,
    messageId: `<msg-${n}@example.test>`,
    tags: TAGS.filter(() => r() < 0.3),
    inbox: pick(INBOXES),
  });
}

/** Asserts indexed select/list equal a predicate-only full scan for every query and inbox scope. */
function assertIndexedEqualsScan(store: MessageStore, label: string) {
  for (const text of QUERIES) {
    const query = compileQuery(text, { tz: 'UTC' });
    for (const inbox of [null, 'suite-a']) {
      const indexed = store.select({ query, inbox }).map((m) => m.id);
      const scanned = store.select({ filter: (m) => query(m), inbox }).map((m) => m.id);
      assert.deepEqual(indexed, scanned, `${label}: ${text} (inbox ${inbox})`);
      // Paging through the list gives the same ids and totals.
      const paged: string[] = [];
      let cursor: string | null = null;
      let total: number;
      do {
        const page = store.list({ limit: 7, cursor, query, inbox });
        paged.push(...page.messages.map((m) => m.id));
        total = page.total;
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(paged, scanned, `${label}: paged ${text}`);
      assert.equal(total, scanned.length, `${label}: total ${text}`);
    }
  }
}

test('indexed search equals a full scan through deletes, evictions, read and tag changes', () => {
  const r = rng(42);
  const store = createMemoryStore({ maxMessages: 300, maxBytes: 1 << 30, maxPerInbox: 150, bus: createEventBus() });
  let n = 0;
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 120; i++) store.add(randomMessage(r, n++)); // past both caps from round 2 on
    const ids = store.select({}).map((m) => m.id);
    store.delete(ids.filter(() => r() < 0.1));
    store.setRead(ids.filter(() => r() < 0.8), true); // keeps unread selective, so its index is used
    store.setRead(ids.filter(() => r() < 0.1), false);
    store.updateTags(ids.filter(() => r() < 0.2), { add: ['urgent'], remove: ['news'] });
    store.updateTags(ids.filter(() => r() < 0.1), { set: ['BILLING', 'new one'] });
    if (round === 3) store.renameTag('new one', 'Urgent');
    if (round === 4) store.deleteTag('billing');
    if (round === 5) store.clear('suite-b');
    assertIndexedEqualsScan(store, `round ${round}`);
  }
  const perInbox = store.inboxes();
  assert.ok(perInbox.every((i) => i.total <= 150), JSON.stringify(perInbox));
  assert.equal(store.stats().count, perInbox.reduce((s, i) => s + i.total, 0));
  assert.ok(!perInbox.some((i) => i.name === 'suite-b'), 'cleared inbox is gone');
});

test('tags: case-insensitively unique, first spelling wins, rename merges, delete removes', () => {
  const events: MailEvent[] = [];
  const bus = createEventBus();
  bus.subscribe((e) => events.push(e));
  const store = createMemoryStore({ maxMessages: 100, maxBytes: 1 << 30, bus });
  const a = store.add(fakeNew({ tags: ['Urgent', 'news'] }));
  const b = store.add(fakeNew({ tags: ['URGENT', 'x<y>z'] }));
  assert.deepEqual(b.tags, ['Urgent', 'x y z']);
  assert.deepEqual(store.tags(), [
    { name: 'news', count: 1 },
    { name: 'Urgent', count: 2 },
    { name: 'x y z', count: 1 },
  ]);
  assert.deepEqual(store.updateTags([a.id], { set: ['news', 'news', ' '] }).map((m) => m.tags), [['news']]);
  assert.deepEqual(events.at(-1), { type: 'message:tags', messages: [{ id: a.id, tags: ['news'] }] });
  assert.equal(store.renameTag('x y z', 'NEWS'), 1); // merges into the existing "news"
  assert.deepEqual(b.tags, ['news', 'Urgent']);
  assert.equal(store.renameTag('urgent', 'URGENT!'), 1); // respelling keeps one tag
  assert.deepEqual(store.tags(), [
    { name: 'news', count: 2 },
    { name: 'URGENT', count: 1 },
  ]);
  assert.equal(store.deleteTag('NEWS'), 2);
  assert.deepEqual(a.tags, []);
  assert.deepEqual(store.tags(), [{ name: 'URGENT', count: 1 }]);
  assert.deepEqual(store.select({ query: compileQuery('tag:urgent') }).map((m) => m.id), [b.id]);
  assert.equal(store.renameTag('nope', 'x'), 0);
});

test('per-inbox cap evicts only that inbox, oldest first; global caps stay global', () => {
  const events: MailEvent[] = [];
  const bus = createEventBus();
  bus.subscribe((e) => events.push(e));
  const store = createMemoryStore({ maxMessages: 5, maxBytes: 1 << 30, maxPerInbox: 2, bus });
  const a1 = store.add(fakeNew({ inbox: 'a', subject: 'a1' }));
  store.add(fakeNew({ inbox: 'b', subject: 'b1' }));
  store.add(fakeNew({ inbox: 'a', subject: 'a2' }));
  store.add(fakeNew({ inbox: 'a', subject: 'a3' }));
  assert.ok(!store.get(a1.id));
  assert.deepEqual(events.find((e) => e.type === 'message:evicted'), { type: 'message:evicted', ids: [a1.id] });
  assert.deepEqual(store.inboxes(), [
    { name: 'a', total: 2, unread: 2 },
    { name: 'b', total: 1, unread: 1 },
  ]);
  for (let i = 0; i < 4; i++) store.add(fakeNew({ inbox: `c${i}` }));
  assert.equal(store.stats().count, 5); // the global cap evicted the oldest regardless of inbox
  assert.equal(store.select({ inbox: 'b' }).length, 0);
});

test('inbox names are case-insensitive and setRead/clear can be scoped to one', () => {
  const store = createMemoryStore({ maxMessages: 100, maxBytes: 1 << 30, bus: createEventBus() });
  store.add(fakeNew({ inbox: 'Suite-A' }));
  store.add(fakeNew({ inbox: 'suite-a' }));
  store.add(fakeNew({ inbox: 'suite-b' }));
  assert.deepEqual(store.inboxes().map((i) => [i.name, i.total]), [['suite-a', 2], ['suite-b', 1]]);
  assert.equal(store.setRead({ all: true, inbox: 'SUITE-A' }, true), 2);
  assert.deepEqual(store.inboxes().map((i) => i.unread), [0, 1]);
  assert.equal(store.list({ limit: 10, inbox: 'Suite-A' }).total, 2);
  assert.equal(store.clear('SUITE-A'), 2);
  assert.deepEqual(store.inboxes().map((i) => i.name), ['suite-b']);
  assert.equal(store.stats().unread, 1);
});

test('the key directory finds exactly the live keys containing a substring, across chunks and rebuilds', async () => {
  const { KeyDirectory } = await import('../../server/store/key-directory.js');
  const dir = new KeyDirectory();
  const live = new Set<string>();
  const r = rng(7);
  const check = () => {
    for (const part of ['user1', '@example', 'user12@', '<', 'zzz', 'example.test>']) {
      const found = new Set<string>();
      dir.search(part, (k) => {
        if (live.has(k)) found.add(k);
      });
      assert.deepEqual([...found].sort(), [...live].filter((k) => k.includes(part)).sort(), part);
    }
  };
  for (let i = 0; i < 5000; i++) {
    const key = `user${i} <user${i}@example.test>`;
    live.add(key);
    dir.added(key);
  }
  check();
  for (const k of [...live]) {
    if (r() < 0.8) {
      live.delete(k);
      dir.removed(() => live); // triggers rebuilds once most keys are stale
    }
  }
  dir.added('user12 <user12@example.test>'); // re-added after removal: may repeat, never missing
  live.add('user12 <user12@example.test>');
  check();
});
