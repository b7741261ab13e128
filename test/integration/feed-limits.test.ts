// The feed protects the server from its clients: a tab that stops reading is dropped once it is
// too far behind, a peer that stops answering pings is dropped at the next heartbeat, and the
// number of open feed sockets is capped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { createEventBus } from '../../server/events/bus.js';
import { createWsFeed } from '../../server/events/ws-feed.js';
import type { MessageSummary } from '../../server/mail/types.js';
import { startTestServer } from '../helpers/server.js';
import { openFeed } from '../helpers/feed.js';

async function feedServer(options: { heartbeatMs?: number; maxBufferedBytes?: number }) {
  const bus = createEventBus();
  const feed = createWsFeed({ bus, hello: () => ({ total: 0 }), ...options });
  const http = createServer();
  http.on('upgrade', (req, socket, head) => feed.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = http.address() as AddressInfo;
  return {
    bus,
    feed,
    port: port.port,
    async close() {
      feed.close();
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    },
  };
}

const bigSummary = (i: number) => ({ id: String(i).padStart(16, '0'), subject: 'x'.repeat(64 * 1024) }) as unknown as MessageSummary;

test('a client that stops reading is dropped once its backlog passes the cap; server memory stays bounded', async () => {
  const s = await feedServer({ maxBufferedBytes: 256 * 1024 });
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/`);
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise((r) => ws.once('close', r));
    // Stop reading: the kernel buffers fill, then the server's send buffer grows.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    let published = 0;
    while (s.feed.clients > 0 && published < 4000) {
      s.bus.publish({ type: 'message:new', summary: bigSummary(published++) });
      if (published % 50 === 0) await sleep(1); // yield so the socket can report backpressure
    }
    assert.equal(s.feed.clients, 0, `client still connected after ${published} events of 64 KiB`);
    // 4000 x 64 KiB = 256 MiB would be published if nothing stopped it; the drop comes far earlier.
    assert.ok(published < 4000);
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await closed;
  } finally {
    await s.close();
  }
});

test('a peer that never answers pings is dropped at the next heartbeat', async () => {
  const s = await feedServer({ heartbeatMs: 100 });
  try {
    // A raw TCP client that completes the WebSocket handshake and then ignores every frame.
    const sock = connect(s.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    sock.on('data', () => {});
    const ended = new Promise((r) => sock.once('close', r));
    await eventually(() => s.feed.clients > 0, { what: 'the feed client to be counted' });
    await ended; // the server closed the connection: without the heartbeat this never resolves
    await eventually(() => s.feed.clients === 0, { what: 'the dropped client to leave the count' });
  } finally {
    await s.close();
  }
});

test('--max-feed-clients caps open feed sockets over all three feeds: the next upgrade gets 503 until one leaves', async () => {
  const s = await startTestServer({ maxFeedClients: 2 });
  try {
    const base = s.url.replace(/^http/, 'ws');
    const a = await openFeed(base + '/api/feed');
    const b = await openFeed(base + '/api/events').catch((err: unknown) => err);
    assert.ok(!(b instanceof Error), 'second client fits');
    for (const path of ['/api/feed', '/api/events', '/api/v2/websocket']) {
      await assert.rejects(openFeed(base + path), (err: { statusCode?: number }) => err.statusCode === 503, path);
    }
    a.close();
    let reopened: Awaited<ReturnType<typeof openFeed>> | null = null;
    for (let i = 0; i < 100 && !reopened; i++) reopened = await openFeed(base + '/api/v2/websocket').catch(() => null); // until the server has seen the close
    assert.ok(reopened, 'a slot frees up when a client leaves');
    reopened.close();
    (b as { close(): void }).close();
  } finally {
    await s.close();
  }
});
