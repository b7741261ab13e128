// The test harness's teardown owner: reverse order, every close runs, a failed set-up closes what
// it had started, and a second close is a no-op.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Teardown } from '../helpers/teardown.js';

test('closes in reverse order of registration and only once', async () => {
  const t = new Teardown();
  const closed: string[] = [];
  t.defer('first', () => closed.push('first'));
  t.add({ close: async () => void closed.push('second') }, 'second');
  t.defer('third', () => closed.push('third'));
  await t.close();
  await t.close();
  assert.deepEqual(closed, ['third', 'second', 'first']);
});

test('every close runs when one throws; the failure names the step', async () => {
  const t = new Teardown();
  const closed: string[] = [];
  t.defer('server', () => closed.push('server'));
  t.defer('browser', () => {
    throw new Error('already gone');
  });
  t.defer('profile', () => closed.push('profile'));
  await assert.rejects(t.close(), /teardown of browser failed: already gone/);
  assert.deepEqual(closed, ['profile', 'server']);
});

test('several failing closes are reported together', async () => {
  const t = new Teardown();
  t.defer('a', () => Promise.reject(new Error('a broke')));
  t.defer('b', () => Promise.reject(new Error('b broke')));
  await assert.rejects(t.close(), (err: unknown) => err instanceof AggregateError && err.errors.length === 2);
});

test('setUp closes what the earlier steps started when a later step fails, and rethrows', async () => {
  const t = new Teardown();
  const closed: string[] = [];
  const launch = new Error('browser launch failed');
  await assert.rejects(
    t.setUp(async (steps) => {
      steps.add({ close: () => closed.push('server') }, 'server');
      steps.defer('temp dir', () => closed.push('temp dir'));
      throw launch;
    }),
    (err) => err === launch,
  );
  assert.deepEqual(closed, ['temp dir', 'server']);
});

test('setUp returns the value and keeps everything open until close', async () => {
  const t = new Teardown();
  let open = false;
  const value = await t.setUp(async (steps) => {
    open = true;
    steps.defer('thing', () => (open = false));
    return 42;
  });
  assert.equal(value, 42);
  assert.equal(open, true);
  await t.close();
  assert.equal(open, false);
});
