// The MessageStore contract: every adapter (memory, SQLite, ...) must pass this suite.
// describeStore(name, factory) registers the tests (with store-contract-limits.ts and
// store-contract-grouping.ts); an adapter's test file calls it once.
// Byte-cap tests allow each adapter its own per-message overhead, up to OVERHEAD_BOUND bytes.

import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createEventBus, type EventBus, type MailEvent } from '../../server/events/bus.js';
import { ID_PATTERN } from '../../server/mail/id.js';
import type { ParsedMessage } from '../../server/mail/parse.js';
import type { Envelope, MessageView } from '../../server/mail/types.js';
import { viewOf } from '../../server/mail/view.js';
import { describeLimits } from './store-contract-limits.js';
import { describeGrouping } from './store-contract-grouping.js';
import { type ListOptions, type MessageStore, type NewMessage } from '../../server/store/store.js';

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
/** What make() gives a contract test: a fresh store on its own bus, with helpers. */
export interface MadeStore {
  store: MessageStore;
  bus: EventBus;
  events: MailEvent[];
  addMany: (n: number, prefix?: string, extra?: Partial<NewMessage>) => string[];
  drain: () => MailEvent[];
}
export type MakeStore = (limits?: Partial<Omit<StoreFactoryOptions, 'bus'>>) => Promise<MadeStore>;

export function describeStore(name: string, factory: StoreFactory): void {
  describe(`MessageStore contract: ${name}`, () => {
    let open: MessageStore[] = [];
    afterEach(() => {
      for (const s of open) s.close?.();
      open = [];
    });

    async function make(limits: Partial<Omit<StoreFactoryOptions, 'bus'>> = {}): Promise<MadeStore> {
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

    describeLimits(make);
    describeGrouping(make);

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
      assert.ok(store.readRaw(m.id)!.equals(input.raw), 'raw bytes identical');
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
      assert.ok(e.type === 'message:new', e.type);
      assert.equal(e.summary.id, m.id);
      assert.equal(e.summary.subject, 'news');
      assert.equal(e.summary.inbox, 'x');
      assert.deepEqual(e.summary.tags, ['t']);
      assert.equal(e.summary.size, store.readRaw(m.id)!.length);
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
