// Raw bytes are held deflated and read only when asked for (app readRaw, store.readRaw), never
// behind a getter: listing, searching and counting 10,000 messages through every list route
// inflates none of them, and reading one raw message inflates exactly one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syncBuiltinESMExports } from 'node:module';
import zlib from 'node:zlib';
import { eventually } from '../helpers/eventually.js';
import { fakeNew } from '../helpers/fake-message.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const COUNT = 10_000;
const SIZE = 2000;
const teardown = fileTeardown();

/** Counts zlib.inflateRawSync calls (the store's only way to inflate) from now on. */
function countInflations(): { readonly count: number } {
  const original = zlib.inflateRawSync;
  const counter = { count: 0 };
  zlib.inflateRawSync = ((...args: Parameters<typeof original>) => {
    counter.count++;
    return original(...args);
  });
  syncBuiltinESMExports(); // ESM named imports of node:zlib see the wrapper too
  teardown.defer('inflateRawSync counter', () => {
    zlib.inflateRawSync = original;
    syncBuiltinESMExports();
  });
  return counter;
}

test(`listing, searching and counting ${COUNT.toLocaleString('en')} deflated messages inflates none; reading one inflates one`, async () => {
  const server = await startTestServer({ maxMessages: COUNT * 2, maxStoreBytes: 1024 * 1024 * 1024 });
  teardown.add(server, 'server');
  for (let i = 0; i < COUNT; i++) server.store.add(fakeNew({ subject: `message ${i}`, text: `body ${i}`, size: SIZE }));
  // The deflate worker packs soon after arrival: wait until (nearly) every message is held deflated.
  await eventually(() => server.store.stats().heldBytes < COUNT * SIZE * 0.2, { timeout: 60_000, what: 'messages deflated into the arena' });
  const inflations = countInflations();

  const get = async (path: string) => {
    const res = await fetch(server.url + path);
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  let cursor: string | null = null;
  let listed = 0;
  do {
    const page = (await get(`/api/messages?limit=1000${cursor ? `&cursor=${cursor}` : ''}`)) as { messages: unknown[]; nextCursor: string | null };
    listed += page.messages.length;
    cursor = page.nextCursor;
  } while (cursor);
  assert.equal(listed, COUNT);
  assert.equal(((await get('/api/messages?limit=1000&query=subject:message')) as { total: number }).total, COUNT);
  assert.equal(((await get('/api/v1/messages?limit=0')) as { messages: unknown[] }).messages.length, COUNT);
  assert.equal(((await get('/api/v1/search?query=body&limit=50')) as { messages_count: number }).messages_count, COUNT);
  await get('/api/inboxes');
  await get('/api/tags');
  await get('/api/info');
  assert.equal((await server.useCases.listMessages({ limit: COUNT })).messages.length, COUNT);
  assert.equal(inflations.count, 0, 'no raw message inflated by a list');

  const one = (await server.useCases.listMessages({ limit: 1 })).messages[0]!;
  const raw = await (await fetch(`${server.url}/api/messages/${one.id}/raw`)).arrayBuffer();
  assert.equal(raw.byteLength, SIZE);
  assert.equal(inflations.count, 1, 'reading one raw message inflates exactly it');
});
