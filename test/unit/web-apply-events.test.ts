// The UI's batch application of feed events to the loaded list.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvents } from '../../web/src/lib/apply-events.js';
import type { MessageSummary } from '../../server/mail/types.js';

const msg = (id: string, extra: Partial<MessageSummary> = {}): MessageSummary => ({
  id,
  inbox: 'default',
  receivedAt: '2026-01-01T00:00:00.000Z',
  size: 100,
  read: false,
  tags: [],
  from: null,
  to: [],
  cc: [],
  bcc: [],
  subject: id,
  snippet: '',
  date: null,
  messageId: null,
  attachments: 0,
  inline: 0,
  parseError: null,
  ...extra,
});
const ids = (list: MessageSummary[]) => list.map((m) => m.id);
const all = { query: '', inbox: null };

describe('web: applyEvents', () => {
  it('puts arrivals on top, newest first, once each', () => {
    const r = applyEvents([msg('a')], [{ type: 'message:new', summary: msg('b') }, { type: 'message:new', summary: msg('c') }, { type: 'message:new', summary: msg('b') }], all);
    assert.deepEqual(ids(r.items), ['c', 'b', 'a']);
    assert.deepEqual(ids(r.added), ['c', 'b']);
    assert.equal(r.needResync, false);
  });

  it('applies deletes, evictions, read flags and tags in order, also to arrivals of the same batch', () => {
    const r = applyEvents(
      [msg('a'), msg('b'), msg('c')],
      [
        { type: 'message:new', summary: msg('d') },
        { type: 'message:read', ids: ['d', 'a'], read: true },
        { type: 'message:deleted', ids: ['b'] },
        { type: 'message:evicted', ids: ['c'] },
        { type: 'message:tags', messages: [{ id: 'a', tags: ['x'] }] },
      ],
      all,
    );
    assert.deepEqual(ids(r.items), ['d', 'a']);
    assert.deepEqual(r.items.map((m) => [m.read, m.tags]), [[true, []], [true, ['x']]]);
    assert.deepEqual(r.gone, ['b', 'c']);
  });

  it('leaves unchanged rows as the same objects (cheap re-render)', () => {
    const a = msg('a');
    const r = applyEvents([a, msg('b')], [{ type: 'message:read', ids: ['b'], read: true }], all);
    assert.equal(r.items[0], a);
  });

  it('respects the chosen inbox', () => {
    const r = applyEvents([], [{ type: 'message:new', summary: msg('x', { inbox: 'other' }) }, { type: 'message:new', summary: msg('y', { inbox: 'mine' }) }], { query: '', inbox: 'mine' });
    assert.deepEqual(ids(r.items), ['y']);
    assert.deepEqual(ids(r.arrivals), ['y']);
  });

  it('a clear of one inbox removes only its rows; a clear of all removes every row', () => {
    const list = [msg('a', { inbox: 'one' }), msg('b', { inbox: 'two' })];
    assert.deepEqual(ids(applyEvents(list, [{ type: 'store:cleared', inbox: 'one' }], all).items), ['b']);
    const r = applyEvents(list, [{ type: 'store:cleared', inbox: null }], all);
    assert.deepEqual(r.items, []);
    assert.deepEqual(r.gone, ['a', 'b']);
  });

  it('with a search active, arrivals and tag changes ask the server again instead of guessing', () => {
    const search = { query: 'from:alice', inbox: null };
    const r = applyEvents([msg('a')], [{ type: 'message:new', summary: msg('b') }], search);
    assert.deepEqual(ids(r.items), ['a']);
    assert.deepEqual(ids(r.arrivals), ['b']);
    assert.equal(r.needResync, true);
    assert.equal(applyEvents([msg('a')], [{ type: 'message:tags', messages: [{ id: 'a', tags: ['t'] }] }], search).needResync, true);
    assert.equal(applyEvents([msg('a')], [{ type: 'message:deleted', ids: ['a'] }], search).needResync, false);
  });
});
