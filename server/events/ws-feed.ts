// The WebSocket feed: every bus event, serialised once, sent to every open socket. The only
// importer of ws. Heartbeats drop dead peers; a client that stops reading is dropped once its
// buffered data passes a cap, so a slow tab can never grow server memory. A dialect's frames may
// be prepared asynchronously (they read through the use cases, which are async so a network store
// can slot in): frames then still go out in event order, and a socket gets its hello first.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventBus, MailEvent } from './bus.js';

export interface WsFeedOptions {
  bus: EventBus;
  /** First frame on every connection (counts, version), so clients can resync. */
  hello: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Turns a bus event into the frame(s) this feed sends; null skips it. Defaults to JSON of the event. */
  serialize?: (event: MailEvent) => Frames | Promise<Frames>;
  /** Replaces the default hello frame (a dialect with its own greeting, e.g. Mailpit's stats; null sends none). */
  helloFrame?: () => string | null | Promise<string | null>;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
}

export interface WsFeed {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly clients: number;
  close(): void;
}

type Frames = string | string[] | null;

const HEARTBEAT_MS = 30_000; // clients that miss a ping for this long are dropped
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024; // a tab this far behind is dropped; it re-syncs on reconnect
const MAX_PAYLOAD = 64 * 1024; // clients have nothing big to say to us

/** Creates a feed subscribed to the bus; sockets arrive through handleUpgrade. */
export function createWsFeed(options: WsFeedOptions): WsFeed {
  const serialize = options.serialize ?? ((e: MailEvent) => JSON.stringify(e));
  const maxBuffered = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD, clientTracking: true, perMessageDeflate: false });
  const alive = new WeakMap<WebSocket, boolean>();
  /** Frames held for sockets whose hello is still being prepared. */
  const held = new WeakMap<WebSocket, string[]>();

  const deliver = (out: Frames) => {
    if (out === null) return;
    const frames = typeof out === 'string' ? [out] : out;
    for (const ws of wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > maxBuffered) {
        ws.terminate();
        continue;
      }
      const wait = held.get(ws);
      if (wait) wait.push(...frames);
      else for (const frame of frames) ws.send(frame);
    }
  };
  // While an asynchronous frame is being prepared, later events queue behind it (event order).
  let queue: Promise<void> | null = null;
  const enqueue = (work: Promise<void>) => {
    const tail: Promise<void> = work.catch(() => {}).then(() => {
      if (queue === tail) queue = null;
    });
    queue = tail;
  };

  const helloFrame = (): string | null | Promise<string | null> => {
    if (options.helloFrame) return options.helloFrame();
    const fields = options.hello();
    const json = (f: Record<string, unknown>) => JSON.stringify({ type: 'hello', ...f });
    return fields instanceof Promise ? fields.then(json) : json(fields);
  };

  const unsubscribe = options.bus.subscribe((event) => {
    if (wss.clients.size === 0) return;
    if (queue) return enqueue(queue.then(async () => deliver(await serialize(event))));
    const out = serialize(event);
    if (out instanceof Promise) enqueue(out.then(deliver));
    else deliver(out);
  });

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();

  wss.on('connection', (ws) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('error', () => ws.terminate());
    ws.on('message', () => {}); // the feed is one-way; messages are ignored
    const hello = helloFrame();
    if (!(hello instanceof Promise)) {
      if (hello !== null) ws.send(hello);
      return;
    }
    held.set(ws, []);
    void hello
      .catch(() => null)
      .then((frame) => {
        const frames = held.get(ws) ?? [];
        held.delete(ws);
        if (ws.readyState !== ws.OPEN) return;
        if (frame !== null) ws.send(frame);
        for (const f of frames) ws.send(f);
      });
  });

  return {
    handleUpgrade(request, socket, head) {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    get clients() {
      return wss.clients.size;
    },
    close() {
      unsubscribe();
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
