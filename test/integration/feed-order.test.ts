// A feed whose frames are prepared asynchronously (the dialects read through the async use cases)
// still sends them in event order, and every socket gets its hello before any event frame.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createEventBus, type MailEvent } from '../../server/events/bus.js';
import { createWsFeed, type WsFeedOptions } from '../../server/events/ws-feed.js';
import { eventually } from '../helpers/eventually.js';

/** A promise resolved from outside, to decide the order in which frames become ready. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function feedServer(options: Omit<WsFeedOptions, 'bus'>) {
  const bus = createEventBus();
  const feed = createWsFeed({ bus, ...options });
  const http = createServer();
  http.on('upgrade', (req, socket, head) => feed.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const frames: string[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/`);
  ws.on('message', (data) => frames.push(String(data)));
  await new Promise((r) => ws.once('open', r));
  await eventually(() => feed.clients === 1, { what: 'the feed counts the client' });
  return {
    bus,
    frames,
    async close() {
      ws.close();
      feed.close();
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    },
  };
}

const deleted = (id: string): MailEvent => ({ type: 'message:deleted', ids: [id] });

test('asynchronous frames go out in event order, whatever order they become ready in', async () => {
  const ready = new Map<string, ReturnType<typeof deferred<string>>>();
  const s = await feedServer({
    hello: () => ({}),
    helloFrame: () => null,
    serialize: (event) => {
      const id = event.type === 'message:deleted' ? event.ids[0]! : '?';
      const d = deferred<string>();
      ready.set(id, d);
      return d.promise;
    },
  });
  try {
    for (const id of ['a', 'b', 'c']) s.bus.publish(deleted(id));
    // Whatever is being prepared is made ready newest first: a feed that sent frames as they
    // became ready would send c, b, a.
    const done = new Set<string>();
    while (done.size < 3) {
      const open = await eventually(() => [...ready.keys()].filter((id) => !done.has(id)).reverse().join('') || null, { what: 'a frame being prepared' });
      for (const id of open) {
        done.add(id);
        ready.get(id)!.resolve(`frame-${id}`);
      }
      await eventually(() => s.frames.length >= done.size, { what: 'the ready frames sent' });
    }
    await eventually(() => (s.frames.length === 3 ? s.frames : null), { what: 'three frames' });
    assert.deepEqual(s.frames, ['frame-a', 'frame-b', 'frame-c']);
  } finally {
    await s.close();
  }
});

test('a socket whose hello is still being prepared gets it before the event frames held meanwhile', async () => {
  const hello = deferred<string>();
  let helloAsked = 0;
  const s = await feedServer({
    hello: () => ({}),
    helloFrame: () => (helloAsked++ === 0 ? hello.promise : null),
    serialize: (event) => (event.type === 'message:deleted' ? `deleted ${event.ids[0]!}` : null),
  });
  try {
    s.bus.publish(deleted('x'));
    s.bus.publish(deleted('y'));
    hello.resolve('hello');
    await eventually(() => (s.frames.length === 3 ? s.frames : null), { what: 'hello and two frames' });
    assert.deepEqual(s.frames, ['hello', 'deleted x', 'deleted y']);
  } finally {
    await s.close();
  }
});
