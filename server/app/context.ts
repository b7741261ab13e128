// What the use cases are built from: the store, the bus, the parse cache, the wait hub and the
// few settings some use cases need. createApp() (index.ts) receives it; front doors never see it.

import type { EventBus } from '../events/bus.js';
import type { FaultController } from '../faults/controller.js';
import type { RejectedLog } from '../faults/rejected-log.js';
import type { SessionRegistry } from '../sessions/sessions.js';
import type { WaitHub } from '../events/waiters.js';
import type { InboxRouting } from '../mail/inbox-route.js';
import type { Relay } from '../outbound/relay.js';
import type { ReleaseHistory } from '../outbound/release-history.js';
import type { MessageStore } from '../store/store.js';
import type { ParsedCache } from './parsed-cache.js';

/** The dependencies every use case receives as its first argument. */
export interface AppContext {
  store: MessageStore;
  bus: EventBus;
  parsed: ParsedCache;
  waits: WaitHub;
  /** How incoming mail is routed to inboxes (--inbox-from). */
  inboxRouting: InboxRouting | undefined;
  /** Longest a wait may be held (ms); longer timeouts are cut to this. */
  maxWait: number;
  /** Largest message accepted from any door (bytes). */
  maxMessageSize: number;
  /** Release to the configured upstream; absent on a server built without the outbound parts. */
  outbound?: { relay: Relay; releases: ReleaseHistory } | undefined;
  /** Failure-injection rules and the rejected list; absent on a server built without them. */
  faults?: { controller: FaultController; rejected: RejectedLog } | undefined;
  /** SMTP sessions and the transcripts kept with messages; absent on a server built without them. */
  sessions?: SessionRegistry | undefined;
}
