// The typed in-process event bus: the closed vocabulary of what happened to the mailbox.
// The store publishes; the WebSocket feed, waiters and later webhooks subscribe.

import type { MessageSummary } from '../mail/types.js';

/** Every event the system emits. Summaries only, never bodies. */
export type MailEvent =
  | { type: 'message:new'; summary: MessageSummary }
  /** Removed through the API (one or many). */
  | { type: 'message:deleted'; ids: string[] }
  /** Removed to keep the store under its caps, oldest first. */
  | { type: 'message:evicted'; ids: string[] }
  | { type: 'message:read'; ids: string[]; read: boolean }
  /** Tags changed (set through the API, or a tag renamed or deleted globally): each message's new tags. */
  | { type: 'message:tags'; messages: Array<{ id: string; tags: string[] }> }
  /** Everything (or everything in one inbox) removed at once. */
  | { type: 'store:cleared'; inbox: string | null };

export type MailEventType = MailEvent['type'];
export type Listener = (event: MailEvent) => void;

/** A synchronous publish/subscribe hub. A throwing listener never breaks the publisher. */
export interface EventBus {
  publish(event: MailEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void;
  readonly listenerCount: number;
}

/** Creates a fresh bus (one per server instance). */
export function createEventBus(onListenerError: (err: unknown) => void = () => {}): EventBus {
  const listeners = new Set<Listener>();
  return {
    publish(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (err) {
          onListenerError(err);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}
