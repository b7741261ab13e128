// The live feed: the one module that opens the WebSocket. Reconnects with exponential backoff and
// jitter; every `hello` (first connect and each reconnect) asks the mailbox to re-sync, so events
// missed while disconnected are never lost.
import { feedUrl } from './api';
import type { MailEvent } from '../../../server/events/bus.js';

/** The server's event vocabulary (defined once, in server/events/bus.ts) plus the hello frame. */
export type FeedEvent = MailEvent | { type: 'hello'; version: string; total: number; unread: number };

const FIRST_RETRY_MS = 500; // quick first retry: most gaps are a server restart
const MAX_RETRY_MS = 15_000; // never wait longer than this between attempts

/** Connection state the UI shows. */
export const feedState = $state({
  status: 'connecting' as 'connecting' | 'open' | 'closed',
  /** When the next reconnect attempt happens (ms since epoch), while closed. */
  retryAt: 0,
  attempts: 0,
});

let socket: WebSocket | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let stopped = false;
let connectNow: (() => void) | null = null;

/** Opens the feed and keeps it open; `onEvent` receives every frame (a `hello` marks a re-sync point). */
export function startFeed(onEvent: (event: FeedEvent) => void): () => void {
  stopped = false;
  const connect = () => {
    feedState.status = 'connecting';
    const ws = new WebSocket(feedUrl());
    socket = ws;
    ws.onmessage = (e) => {
      let event: FeedEvent;
      try {
        event = JSON.parse(String(e.data)) as FeedEvent;
      } catch {
        return;
      }
      if (event.type === 'hello') {
        feedState.status = 'open';
        feedState.attempts = 0;
      }
      onEvent(event);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      feedState.status = 'closed';
      const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** feedState.attempts);
      const delay = Math.round(base / 2 + Math.random() * (base / 2));
      feedState.attempts++;
      feedState.retryAt = Date.now() + delay;
      timer = setTimeout(connect, delay);
    };
    ws.onerror = () => ws.close();
  };
  connectNow = connect;
  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    socket?.close();
    socket = null;
  };
}

/** Skips the backoff wait and reconnects now (the "retry now" button). */
export function reconnectNow(): void {
  if (feedState.status !== 'closed' || !connectNow) return;
  clearTimeout(timer);
  connectNow();
}
