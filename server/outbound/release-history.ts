// Release attempts recorded with each message, until the message itself goes. Bounded: a few
// records per message, and no more messages than the store can hold.

import type { EventBus } from '../events/bus.js';
import type { ReleaseRecord } from './relay.js';

const PER_MESSAGE = 20; // the latest attempts per message; older ones are forgotten

export interface ReleaseHistory {
  add(messageId: string, record: ReleaseRecord): void;
  /** Oldest first. */
  get(messageId: string): ReleaseRecord[];
  dispose(): void;
}

/** Creates the history; it forgets messages as the bus reports them deleted, evicted or cleared. */
export function createReleaseHistory(options: { bus: EventBus; maxMessages: number }): ReleaseHistory {
  const byMessage = new Map<string, ReleaseRecord[]>();
  const unsubscribe = options.bus.subscribe((event) => {
    if (event.type === 'message:deleted' || event.type === 'message:evicted') for (const id of event.ids) byMessage.delete(id);
    else if (event.type === 'store:cleared' && event.inbox === null) byMessage.clear();
  });
  return {
    add(messageId, record) {
      let list = byMessage.get(messageId);
      if (!list) {
        byMessage.set(messageId, (list = []));
        if (byMessage.size > options.maxMessages) byMessage.delete(byMessage.keys().next().value!);
      }
      list.push(record);
      if (list.length > PER_MESSAGE) list.shift();
    },
    get: (messageId) => [...(byMessage.get(messageId) ?? [])],
    dispose: unsubscribe,
  };
}
