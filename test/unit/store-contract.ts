// The MessageStore contract: every adapter (memory, SQLite, ...) must pass this suite.
// describeStore(name, factory) registers the tests; an adapter's test file calls it once.
// Byte-cap tests allow each adapter its own per-message overhead, up to OVERHEAD_BOUND bytes.

import { randomBytes } from 'node:crypto';
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createEventBus, type EventBus, type MailEvent } from '../../server/events/bus.js';
import { ID_PATTERN } from '../../server/mail/id.js';
import type { ParsedMessage } from '../../server/mail/parse.js';
import type { Envelope, MessageView } from '../../server/mail/types.js';
import { viewOf } from '../../server/mail/view.js';
import { compileQuery } from '../../server/mail/search.js';
import { StoreError, type ListOptions, type MessageStore, type NewMessage } from '../../server/store/store.js';

export interface StoreFactoryOptions {
  maxMessages: number;
  maxBytes: number;
  /** Messages kept per inbox, or null for no per-inbox cap. */
  maxPerInbox: number | null;
  bus: EventBus;
}

/** Builds a fresh, empty store; the suite calls store.close?.() after each test. */
export type StoreFactory = (options: StoreFactoryOptions) => MessageStore | Promise<MessageStore>;

/** Per-message bytes an adapter may charge beyond the raw size for a small view. */
export const OVERHEAD_BOUND = 4096;

const envelope: Envelope = { mailFrom: 'app@example.test', rcptTo: ['alice@example.test'], remoteAddress: '127.0.0.1', heloName: 'app', authUser: null, secure: false };

/** A small new message; rawSize pads the raw bytes to that length. The view is the real viewOf(). */
export function newMessage(subject: string, extra: Partial<NewMessage> & { rawSize?: number } = {}): NewMessage {
  const { rawSize, ...rest } = extra;
  let raw = Buffer.from(`From: app@example.test\r\nTo: alice@example.test\r\nSubject: ${subject}\r\n\r\nbody of ${subject}\r\n`);
  if (rawSize && rawSize > raw.length) raw = Buffer.concat([raw, Buffer.alloc(rawSize - raw.length, 'x')]);
  const parsed: ParsedMessage = {
    headers: [{ name: 'Subject', value: subject }],
    from: { name: '', address: 'app@example.test' },
    to: [{ name: 'Alice', address: 'alice@example.test' }],
    cc: [],
    bcc: [],
    replyTo: [],
    subject,
    date: null,
    messageId: `<${subject.replace(/\W/g, '')}@example.test>`,
    text: `body of ${subject}`,
    html: null,
    parts: [],
    parseError: null,
  };
  return { raw, envelope, view: viewOf(parsed, envelope), ...rest };
}

/** Registers the contract tests for one adapter. */
export function describeStore(name: string, factory: StoreFactory): void {
  describe(`MessageStore contract: ${name}`, () => {
    let open: MessageStore[] = [];
    afterEach(() => {
      for (const s of open) s.close?.();
      open = [];
    });

    async function make(limits: Partial<Omit<StoreFactoryOptions, 'bus'>> = {}) {
      const bus = createEventBus((err) => {
        throw err;
      });
      const events: MailEvent[] = [];
      bus.subscribe((e) => events.push(e));
      const store = await factory({ maxMessages: 1000, maxBytes: 64 * 1024 * 1024, maxPerInbox: null, bus, ...limits });
      open.push(store);
      /** Adds n messages named prefix0..prefixN-1 (oldest first) and returns their ids. */
      const addMany = (n: number, prefix = 'm', extra: Partial<NewMessage> = {}) =>
        Array.from({ length: n }, (_, i) => store.add(newMessage(`${prefix}${i}`, extra)).id);
      /** Takes and forgets the events seen so far. */
      const drain = () => events.splice(0, events.length);
      return { store, bus, events, addMany, drain };
    }

    /** Every id over all pages, following nextCursor. */
    function allPages(store: MessageStore, limit: number, extra: Pick<ListOptions, 'inbox' | 'filter'> = {}) {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let guard = 0; guard < 1000; guard++) {
        const page = store.list({ limit, cursor, ...extra });
        assert.ok(page.messages.length <= limit);
        ids.push(...page.messages.map((m) => m.id));
        if (!page.nextCursor) return ids;
        cursor = page.nextCursor;
      }
      throw new Error('pagination did not end');
    }

    test('add stores exact bytes, envelope and view, and assigns fresh ids', async () => {
      const { store } = await make();
      const input = newMessage('hello', { rawSize: 3000 });
      const m = store.add(input);
      assert.match(m.id, new RegExp(ID_PATTERN));
      const got = store.get(m.id)!;
      assert.ok(got, 'get finds the new message');
      assert.ok(got.raw.equals(input.raw), 'raw bytes identical');
      assert.deepEqual(got.envelope, input.envelope);
      assert.deepEqual(got.view, input.view);
      assert.equal(got.inbox, 'default');
      assert.deepEqual(got.tags, []);
      assert.equal(got.read, false);
      assert.ok(Math.abs(got.receivedAt - Date.now()) < 60_000);
      const other = store.add(newMessage('again', { inbox: 'team-a', tags: ['x', 'y'], receivedAt: 1_700_000_000_000 }));
      assert.notEqual(other.id, m.id);
      assert.ok(other.seq > m.seq, 'seq grows with arrival');
      const o = store.get(other.id)!;
      assert.equal(o.inbox, 'team-a');
      assert.deepEqual(o.tags, ['x', 'y']);
      assert.equal(o.receivedAt, 1_700_000_000_000);
      assert.equal(store.get('AAAAAAAAAAAAAAAA'), undefined);
    });

    test('add publishes message:new with the summary, never the body', async () => {
      const { store, events } = await make();
      const m = store.add(newMessage('news', { inbox: 'x', tags: ['t'] }));
      assert.equal(events.length, 1);
      const e = events[0]!;
      assert.equal(e.type, 'message:new');
      if (e.type !== 'message:new') return;
      assert.equal(e.summary.id, m.id);
      assert.equal(e.summary.subject, 'news');
      assert.equal(e.summary.inbox, 'x');
      assert.deepEqual(e.summary.tags, ['t']);
      assert.equal(e.summary.size, m.raw.length);
      assert.equal(e.summary.read, false);
      assert.ok(!('raw' in e.summary) && !('html' in e.summary) && !('text' in e.summary));
    });

    test('list is newest first and cursor pages cover everything exactly once', async () => {
      const { store } = await make();
      const ids = store.list({ limit: 10 }).messages;
      assert.equal(ids.length, 0);
      const all: string[] = [];
      for (let i = 0; i < 7; i++) all.push(store.add(newMessage(`p${i}`)).id);
      const first = store.list({ limit: 3 });
      assert.deepEqual(first.messages.map((m) => m.id), all.slice(-3).reverse());
      assert.equal(first.total, 7);
      assert.equal(first.unread, 7);
      assert.ok(first.nextCursor);
      assert.deepEqual(allPages(store, 3), [...all].reverse());
      assert.deepEqual(allPages(store, 7), [...all].reverse());
      assert.equal(store.list({ limit: 7 }).nextCursor, null, 'no cursor when nothing is left');
      assert.equal(store.list({ limit: 100 }).nextCursor, null);
    });

    test('a cursor stays valid when newer messages arrive', async () => {
      const { store, addMany } = await make();
      const old = addMany(6, 'old');
      const first = store.list({ limit: 2 });
      addMany(3, 'new');
      assert.equal(allPages(store, 2).length, 9, 'a fresh walk sees the new ones too');
      const second = store.list({ limit: 2, cursor: first.nextCursor });
      assert.deepEqual(second.messages.map((m) => m.id), [old[3], old[2]], 'page 2 continues after page 1 without duplicates');
      const third = store.list({ limit: 10, cursor: second.nextCursor });
      assert.deepEqual(third.messages.map((m) => m.id), [old[1], old[0]]);
      assert.equal(third.nextCursor, null);
    });

    test('a cursor stays valid when its own message and others are deleted', async () => {
      const { store, addMany } = await make();
      const ids = addMany(8); // newest is ids[7]
      const first = store.list({ limit: 3 }); // 7, 6, 5
      assert.deepEqual(first.messages.map((m) => m.id), [ids[7], ids[6], ids[5]]);
      store.delete([ids[5]!, ids[3]!, ids[7]!]); // the cursor's message, one on the next page, one seen
      const second = store.list({ limit: 3, cursor: first.nextCursor });
      assert.deepEqual(second.messages.map((m) => m.id), [ids[4], ids[2], ids[1]]);
      const third = store.list({ limit: 3, cursor: second.nextCursor });
      assert.deepEqual(third.messages.map((m) => m.id), [ids[0]]);
      assert.equal(third.nextCursor, null);
      assert.equal(first.total, 8);
      assert.equal(store.list({ limit: 1 }).total, 5);
    });

    test('list by inbox and by filter counts totals and unread over matches only', async () => {
      const { store } = await make();
      const a = [0, 1, 2, 3].map((i) => store.add(newMessage(`a${i}`, { inbox: 'a' })).id);
      const b = [0, 1].map((i) => store.add(newMessage(`b${i}`, { inbox: 'b' })).id);
      store.add(newMessage('dflt'));
      store.setRead([a[0]!, b[1]!], true);
      const pa = store.list({ limit: 2, inbox: 'a' });
      assert.deepEqual(pa.messages.map((m) => m.id), [a[3], a[2]]);
      assert.equal(pa.total, 4);
      assert.equal(pa.unread, 3);
      assert.deepEqual(allPages(store, 3, { inbox: 'a' }), [...a].reverse());
      const none = store.list({ limit: 5, inbox: 'nobody' });
      assert.deepEqual([none.messages.length, none.total, none.unread, none.nextCursor], [0, 0, 0, null]);
      const even = (m: { view: MessageView }) => /[02]$/.test(m.view.subject);
      const pf = store.list({ limit: 1, filter: even });
      assert.deepEqual(pf.messages.map((m) => m.view.subject), ['b0']);
      assert.equal(pf.total, 3, 'a0, a2, b0');
      assert.equal(pf.unread, 2, 'a0 is read');
      assert.deepEqual(allPages(store, 1, { filter: even }), [b[0], a[2], a[0]]);
      const both = store.list({ limit: 10, inbox: 'a', filter: even });
      assert.deepEqual(both.messages.map((m) => m.id), [a[2], a[0]]);
      assert.equal(both.total, 2);
      assert.equal(both.unread, 1);
    });

    test('delete removes one, many, and ignores unknown ids; one event with what was removed', async () => {
      const { store, addMany, drain, events } = await make();
      const ids = addMany(5);
      drain();
      assert.equal(store.delete([ids[0]!]), 1);
      assert.deepEqual(events, [{ type: 'message:deleted', ids: [ids[0]] }]);
      assert.equal(store.get(ids[0]!), undefined);
      drain();
      assert.equal(store.delete([ids[1]!, 'AAAAAAAAAAAAAAAA', ids[3]!, ids[0]!]), 2);
      assert.deepEqual(events, [{ type: 'message:deleted', ids: [ids[1], ids[3]] }]);
      drain();
      assert.equal(store.delete(['AAAAAAAAAAAAAAAA']), 0);
      assert.equal(store.delete([]), 0);
      assert.deepEqual(events, [], 'nothing removed, nothing published');
      assert.deepEqual(store.list({ limit: 10 }).messages.map((m) => m.id), [ids[4], ids[2]]);
      const s = store.stats();
      assert.equal(s.count, 2);
      assert.equal(s.deleted, 3);
      assert.equal(s.received, 5);
    });

    test('clear removes everything or one inbox and publishes store:cleared', async () => {
      const { store, drain, events } = await make();
      store.add(newMessage('a1', { inbox: 'a' }));
      store.add(newMessage('a2', { inbox: 'a' }));
      const keep = store.add(newMessage('b1', { inbox: 'b' })).id;
      drain();
      assert.equal(store.clear('a'), 2);
      assert.deepEqual(events, [{ type: 'store:cleared', inbox: 'a' }]);
      assert.deepEqual(store.list({ limit: 10 }).messages.map((m) => m.id), [keep]);
      assert.deepEqual(store.inboxes().map((i) => i.name), ['b']);
      drain();
      assert.equal(store.clear('a'), 0);
      assert.deepEqual(events, []);
      store.add(newMessage('d1'));
      drain();
      assert.equal(store.clear(), 2);
      assert.deepEqual(events, [{ type: 'store:cleared', inbox: null }]);
      assert.equal(store.list({ limit: 10 }).total, 0);
      assert.deepEqual(store.inboxes(), []);
      const s = store.stats();
      assert.deepEqual([s.count, s.unread, s.bytes, s.deleted, s.received], [0, 0, 0, 4, 4]);
      drain();
      assert.equal(store.clear(), 0);
      assert.deepEqual(events, []);
      const again = store.add(newMessage('after'));
      assert.deepEqual(store.list({ limit: 10 }).messages.map((m) => m.id), [again.id], 'usable after clear');
    });

    test('setRead by ids, all, and per inbox reports only what changed', async () => {
      const { store, drain, events } = await make();
      const a = [0, 1, 2].map((i) => store.add(newMessage(`a${i}`, { inbox: 'a' })).id);
      const b = [0, 1].map((i) => store.add(newMessage(`b${i}`, { inbox: 'b' })).id);
      drain();
      assert.equal(store.setRead([a[0]!, b[0]!, 'AAAAAAAAAAAAAAAA'], true), 2);
      assert.deepEqual(events, [{ type: 'message:read', ids: [a[0], b[0]], read: true }]);
      assert.equal(store.get(a[0]!)!.read, true);
      assert.equal(store.list({ limit: 1 }).messages[0]!.read, false, 'b1 untouched');
      drain();
      assert.equal(store.setRead([a[0]!], true), 0, 'already read');
      assert.deepEqual(events, []);
      assert.equal(store.setRead({ all: true, inbox: 'a' }, true), 2);
      assert.equal(events.length, 1);
      assert.deepEqual(new Set((events[0]! as { ids: string[] }).ids), new Set([a[1], a[2]]));
      assert.deepEqual(store.inboxes(), [
        { name: 'a', total: 3, unread: 0 },
        { name: 'b', total: 2, unread: 1 },
      ]);
      assert.equal(store.stats().unread, 1);
      drain();
      assert.equal(store.setRead({ all: true }, false), 4);
      assert.deepEqual((events[0]! as { read: boolean }).read, false);
      assert.equal(store.stats().unread, 5);
      assert.equal(store.list({ limit: 10 }).unread, 5);
      assert.equal(store.setRead({ all: true }, true), 5);
      assert.equal(store.list({ limit: 10, inbox: 'b' }).unread, 0);
    });

    test('inboxes and tags report counts sorted by name', async () => {
      const { store } = await make();
      assert.deepEqual(store.inboxes(), []);
      assert.deepEqual(store.tags(), []);
      store.add(newMessage('1', { inbox: 'zeta', tags: ['urgent', 'billing'] }));
      const two = store.add(newMessage('2', { inbox: 'alpha', tags: ['billing'] })).id;
      store.add(newMessage('3'));
      store.setRead([two], true);
      assert.deepEqual(store.inboxes(), [
        { name: 'alpha', total: 1, unread: 0 },
        { name: 'default', total: 1, unread: 1 },
        { name: 'zeta', total: 1, unread: 1 },
      ]);
      assert.deepEqual(store.tags(), [
        { name: 'billing', count: 2 },
        { name: 'urgent', count: 1 },
      ]);
      store.delete([two]);
      assert.deepEqual(store.tags(), [
        { name: 'billing', count: 1 },
        { name: 'urgent', count: 1 },
      ]);
      assert.deepEqual(store.inboxes().map((i) => i.name), ['default', 'zeta']);
    });

    test('stats count messages, unread, bytes and lifetime counters', async () => {
      const { store } = await make({ maxMessages: 3 });
      assert.deepEqual(store.stats(), { count: 0, unread: 0, bytes: 0, heldBytes: 0, received: 0, deleted: 0, evicted: 0 });
      const ids = Array.from({ length: 5 }, (_, i) => store.add(newMessage(`s${i}`, { rawSize: 1000 })).id);
      store.delete([ids[4]!]);
      store.setRead([ids[3]!], true);
      const s = store.stats();
      assert.deepEqual([s.count, s.unread, s.received, s.deleted, s.evicted], [2, 1, 5, 1, 2]);
      assert.ok(s.bytes >= 2 * 1000 && s.bytes <= 2 * (1000 + OVERHEAD_BOUND), `bytes ${s.bytes} ~ two 1000-byte messages`);
    });

    test('raw bytes come back exactly, before and after they are packed; heldBytes counts what memory holds', async () => {
      const { store } = await make({ maxMessages: 100 });
      const text = newMessage('packs', { rawSize: 20_000 }); // padded with 'x': deflates to little
      const noise = newMessage('noise');
      noise.raw = Buffer.concat([noise.raw, randomBytes(20_000)]); // does not deflate: kept as is
      const big = newMessage('big', { rawSize: 200_000 }); // above the slab limit: kept as its own Buffer
      const ids = [text, noise, big].map((m) => store.add(m).id);
      const originals = [text, noise, big].map((m) => Buffer.from(m.raw));
      const total = originals.reduce((n, b) => n + b.length, 0);
      const check = () => ids.forEach((id, i) => assert.ok(store.get(id)!.raw.equals(originals[i]!), `raw ${i} intact`));
      check();
      assert.ok(store.stats().heldBytes <= total);
      // Packing happens off the main thread; it ends within a few ms, bounded here by a deadline.
      const deadline = Date.now() + 10_000;
      while (store.stats().heldBytes > total - 15_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.ok(store.stats().heldBytes <= total - 15_000, `text message packed: held ${store.stats().heldBytes} of ${total}`);
      check();
      assert.equal(store.get(ids[1]!)!.size, originals[1]!.length);
      store.delete(ids);
      assert.equal(store.stats().heldBytes, 0);
    });

    test('the count cap evicts the oldest at insert, announced before the new message', async () => {
      const { store, drain, events } = await make({ maxMessages: 3 });
      const ids = [0, 1, 2].map((i) => store.add(newMessage(`c${i}`)).id);
      drain();
      const d = store.add(newMessage('c3')).id;
      assert.equal(events.length, 2);
      assert.deepEqual(events[0], { type: 'message:evicted', ids: [ids[0]] });
      assert.equal(events[1]!.type, 'message:new');
      const e = store.add(newMessage('c4')).id;
      assert.deepEqual(events[2], { type: 'message:evicted', ids: [ids[1]] });
      assert.equal(store.get(ids[0]!), undefined);
      assert.deepEqual(store.list({ limit: 10 }).messages.map((m) => m.id), [e, d, ids[2]]);
      assert.equal(store.stats().evicted, 2);
      assert.equal(store.stats().count, 3);
      store.delete([d]);
      drain();
      store.add(newMessage('c5'));
      assert.deepEqual(events.map((x) => x.type), ['message:new'], 'room after a delete: nothing evicted');
    });

    test('the byte cap evicts as many of the oldest as needed, in one event, oldest first', async () => {
      const size = 10_000;
      const { store, drain, events } = await make({ maxBytes: 4 * size + 4 * OVERHEAD_BOUND });
      const ids = [0, 1, 2, 3].map((i) => store.add(newMessage(`b${i}`, { rawSize: size })).id);
      assert.equal(store.stats().count, 4);
      drain();
      const big = store.add(newMessage('big', { rawSize: 2 * size + 100 })).id;
      assert.equal(events[0]!.type, 'message:evicted');
      const evicted = (events[0]! as { ids: string[] }).ids;
      assert.ok(evicted.length >= 2 && evicted.length <= 3, `evicted ${evicted.length}`);
      assert.deepEqual(evicted, ids.slice(0, evicted.length), 'oldest first');
      assert.equal(events[1]!.type, 'message:new');
      assert.ok(store.get(big));
      assert.ok(store.stats().bytes <= 4 * size + 4 * OVERHEAD_BOUND);
      assert.equal(store.stats().evicted, evicted.length);
      for (const id of evicted) assert.equal(store.get(id), undefined);
    });

    test('a message bigger than the whole byte cap is refused and changes nothing', async () => {
      const { store, drain, events } = await make({ maxBytes: 50_000 });
      const keep = store.add(newMessage('small', { rawSize: 1000 })).id;
      drain();
      const before = store.stats();
      assert.throws(
        () => store.add(newMessage('huge', { rawSize: 60_000 })),
        (err: unknown) => err instanceof StoreError && err.code === 'too_large',
      );
      assert.deepEqual(events, [], 'no event');
      assert.ok(store.get(keep), 'nothing evicted for it');
      assert.deepEqual(store.stats(), before);
    });

    test('select returns everything in scope newest first: inbox, query, filter', async () => {
      const { store } = await make();
      const a1 = store.add(newMessage('alpha one', { inbox: 'a' })).id;
      const b1 = store.add(newMessage('beta one', { inbox: 'b' })).id;
      const a2 = store.add(newMessage('alpha two', { inbox: 'a', tags: ['hot'] })).id;
      assert.deepEqual(store.select({}).map((m) => m.id), [a2, b1, a1]);
      assert.deepEqual(store.select({ inbox: 'a' }).map((m) => m.id), [a2, a1]);
      assert.deepEqual(store.select({ query: compileQuery('subject:one') }).map((m) => m.id), [b1, a1]);
      assert.deepEqual(store.select({ query: compileQuery('tag:hot') }).map((m) => m.id), [a2]);
      assert.deepEqual(store.select({ inbox: 'a', filter: (m) => m.view.subject.endsWith('one') }).map((m) => m.id), [a1]);
      const page = store.list({ limit: 1, query: compileQuery('alpha') });
      assert.deepEqual([page.messages[0]!.id, page.total], [a2, 2]);
    });

    test('tags: update (set/add/remove), rename and delete, each announced once with the new tags', async () => {
      const { store, drain, events } = await make();
      const m1 = store.add(newMessage('t1', { tags: ['red'] })).id;
      const m2 = store.add(newMessage('t2')).id;
      drain();
      const changed = store.updateTags([m1, m2, 'AAAAAAAAAAAAAAAA'], { add: ['blue'] });
      assert.deepEqual(changed.map((m) => m.id).sort(), [m1, m2].sort());
      assert.deepEqual(store.get(m1)!.tags.slice().sort(), ['blue', 'red']);
      assert.deepEqual(store.get(m2)!.tags, ['blue']);
      assert.equal(events.length, 1);
      const e = events[0]!;
      assert.equal(e.type, 'message:tags');
      if (e.type === 'message:tags') assert.deepEqual(new Map(e.messages.map((x) => [x.id, [...x.tags].sort()])), new Map([[m1, ['blue', 'red']], [m2, ['blue']]]));
      drain();
      assert.deepEqual(store.updateTags([m2], { add: ['BLUE'] }), [], 'same tag in another case: nothing changes');
      assert.deepEqual(events, [], 'no change, no event');
      store.updateTags([m1], { remove: ['red'] });
      assert.deepEqual(store.get(m1)!.tags, ['blue']);
      store.updateTags([m2], { set: ['green'] });
      assert.deepEqual(store.get(m2)!.tags, ['green']);
      drain();
      assert.equal(store.renameTag('blue', 'azure'), 1);
      assert.deepEqual(store.get(m1)!.tags, ['azure']);
      assert.equal(events.length, 1);
      assert.equal(store.deleteTag('green'), 1);
      assert.deepEqual(store.get(m2)!.tags, []);
      assert.equal(store.deleteTag('nope'), 0);
      assert.equal(store.renameTag('nope', 'x'), 0);
      assert.equal(events.length, 2, 'rename and delete each announced once; no-ops not at all');
      assert.deepEqual(store.tags(), [{ name: 'azure', count: 1 }]);
      assert.deepEqual(store.select({ query: compileQuery('tag:azure') }).map((m) => m.id), [m1]);
    });

    test('the per-inbox cap evicts that inbox\'s oldest only', async () => {
      const { store, drain, events } = await make({ maxPerInbox: 2 });
      const a = [0, 1].map((i) => store.add(newMessage(`a${i}`, { inbox: 'a' })).id);
      const b = store.add(newMessage('b0', { inbox: 'b' })).id;
      drain();
      const a2 = store.add(newMessage('a2', { inbox: 'a' })).id;
      assert.deepEqual(events[0], { type: 'message:evicted', ids: [a[0]] });
      assert.deepEqual(store.list({ limit: 10 }).messages.map((m) => m.id), [a2, b, a[1]]);
      assert.equal(store.stats().evicted, 1);
    });

    test('summaries in list pages reflect read state after setRead', async () => {
      const { store } = await make();
      const m = store.add(newMessage('flag'));
      store.setRead([m.id], true);
      assert.equal(store.get(m.id)!.read, true);
      assert.equal(store.list({ limit: 1 }).messages[0]!.read, true);
      store.setRead([m.id], false);
      assert.equal(store.get(m.id)!.read, false);
    });
  });
}
