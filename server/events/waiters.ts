// Long-poll waiters: "answer when N messages matching X exist". One bus subscription serves every
// waiter; each arrival is tested against each waiter's (cheap, in-memory) predicate, so hundreds of
// concurrent waiters cost a set entry and a timer each. No polling.

import type { StoredMessage } from '../mail/types.js';
import type { EventBus } from './bus.js';

/** What one waiter waits for. */
export interface WaitRequest {
  /** Only messages in this inbox count (null: any inbox). */
  inbox: string | null;
  matches: (m: StoredMessage) => boolean;
  /** How many matching messages end the wait. */
  count: number;
  timeoutMs: number;
  /** Matches already stored when the wait began, oldest first. */
  found: StoredMessage[];
  /** In-scope messages that already arrived after the caller's marker (for the timeout report). */
  arrived: StoredMessage[];
}

/** How a wait ended. `arrived`/`recent` describe in-scope messages that came but did not (all) match. */
export type WaitOutcome =
  | { status: 'matched'; messages: StoredMessage[] }
  | { status: 'timeout' | 'cancelled' | 'closing'; found: StoredMessage[]; arrived: number; recent: StoredMessage[] };

export interface WaitHandle {
  done: Promise<WaitOutcome>;
  /** Releases the waiter (client went away); idempotent. */
  cancel(): void;
}

export interface WaitHub {
  /** Starts waiting; call it in the same tick as the scan of stored messages so none slips by. */
  wait(request: WaitRequest): WaitHandle;
  /** Waiters currently held. */
  readonly size: number;
  /** Ends every waiter with 'closing' and leaves the bus. */
  close(): void;
}

const RECENT_KEPT = 5; // arrivals named in a timeout report

interface Waiter {
  request: WaitRequest;
  found: StoredMessage[];
  arrived: number;
  recent: StoredMessage[];
  timer: NodeJS.Timeout;
  finish(outcome: WaitOutcome): void;
}

/** Creates a hub bound to a bus; `lookup` resolves an event's id to the stored message. */
export function createWaitHub(bus: EventBus, lookup: (id: string) => StoredMessage | undefined): WaitHub {
  const waiters = new Set<Waiter>();

  const report = (w: Waiter, status: 'timeout' | 'cancelled' | 'closing'): WaitOutcome => ({
    status,
    found: w.found,
    arrived: w.arrived,
    recent: w.recent,
  });

  const unsubscribe = bus.subscribe((event) => {
    if (waiters.size === 0) return;
    if (event.type === 'message:new') {
      const m = lookup(event.summary.id);
      if (!m) return;
      for (const w of waiters) {
        if (w.request.inbox && m.inbox !== w.request.inbox) continue;
        w.arrived++;
        w.recent.push(m);
        if (w.recent.length > RECENT_KEPT) w.recent.shift();
        let hit: boolean;
        try {
          hit = w.request.matches(m);
        } catch {
          hit = false; // a predicate that throws on odd input simply does not match
        }
        if (!hit) continue;
        w.found.push(m);
        if (w.found.length >= w.request.count) w.finish({ status: 'matched', messages: w.found.slice(0, w.request.count) });
      }
    } else if (event.type === 'message:deleted' || event.type === 'message:evicted' || event.type === 'store:cleared') {
      // A match deleted before the wait ends no longer counts.
      for (const w of waiters) if (w.found.length) w.found = w.found.filter((m) => lookup(m.id) !== undefined);
    }
  });

  return {
    wait(request) {
      let resolve!: (o: WaitOutcome) => void;
      const done = new Promise<WaitOutcome>((r) => (resolve = r));
      const recent = request.arrived.slice(-RECENT_KEPT);
      if (request.found.length >= request.count) {
        resolve({ status: 'matched', messages: request.found.slice(0, request.count) });
        return { done, cancel() {} };
      }
      const w: Waiter = {
        request,
        found: [...request.found],
        arrived: request.arrived.length,
        recent,
        timer: setTimeout(() => w.finish(report(w, 'timeout')), request.timeoutMs),
        finish(outcome) {
          if (!waiters.delete(w)) return;
          clearTimeout(w.timer);
          resolve(outcome);
        },
      };
      waiters.add(w);
      return { done, cancel: () => w.finish(report(w, 'cancelled')) };
    },
    get size() {
      return waiters.size;
    },
    close() {
      unsubscribe();
      for (const w of [...waiters]) w.finish(report(w, 'closing'));
    },
  };
}
