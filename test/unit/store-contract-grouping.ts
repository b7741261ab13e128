// The MessageStore contract, third part: inboxes, tags and scoped selection. Registered by
// describeStore() in store-contract.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileQuery } from '../../server/mail/search.js';
import { newMessage, type MakeStore } from './store-contract.js';

export function describeGrouping(make: MakeStore): void {
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
      assert.ok(e.type === 'message:tags', e.type);
      assert.deepEqual(new Map(e.messages.map((x) => [x.id, [...x.tags].sort()])), new Map([[m1, ['blue', 'red']], [m2, ['blue']]]));
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
}
