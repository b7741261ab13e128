// The MessageStore contract, second part: stats, exact raw bytes and what memory holds, and the
// caps (count, bytes, per inbox). Registered by describeStore() in store-contract.ts.

import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { StoreError } from '../../server/store/store.js';
import { newMessage, OVERHEAD_BOUND, type MakeStore } from './store-contract.js';

export function describeLimits(make: MakeStore): void {
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
      const check = () => ids.forEach((id, i) => assert.ok(store.readRaw(id)!.equals(originals[i]!), `raw ${i} intact`));
      check();
      assert.ok(store.stats().heldBytes <= total);
      // Packing happens off the main thread; it ends within a few ms, bounded here by a deadline.
      await eventually(() => {
        assert.ok(store.stats().heldBytes <= total - 15_000, `text message packed: held ${store.stats().heldBytes} of ${total}`);
        return true;
      });
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
}
