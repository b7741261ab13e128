// The use-case layer: one function per thing a user of Mailroom can do, with plain inputs and
// outputs, async throughout, and DomainError for failures. createApp() binds them to one server's
// dependencies; every front door (the native REST API, the Mailpit and MailHog dialects, the
// WebSocket feeds, SMTP, the CLI, later POP3, IMAP and MCP) receives the bound App and only maps
// shapes and errors. No front door sees the store.

import type { EventBus } from '../events/bus.js';
import { createWaitHub } from '../events/waiters.js';
import type { InboxRouting } from '../mail/inbox-route.js';
import type { MessageStore } from '../store/store.js';
import * as changes from './changes.js';
import * as faults from './faults.js';
import type { AppContext } from './context.js';
import * as labels from './labels.js';
import * as messages from './messages.js';
import { createParsedCache } from './parsed-cache.js';
import * as receive from './receive.js';
import * as release from './release.js';
import * as transcripts from './transcripts.js';
import * as wait from './wait.js';

export { DomainError, type DomainErrorKind } from './errors.js';
export type { SearchInput } from './scope.js';
export type { ListInput, MessageDetailView } from './messages.js';
export type { MessageChange, Target } from './changes.js';
export type { WaitInput, WaitResult } from './wait.js';
export type { ReleaseRecord } from '../outbound/relay.js';
export type { FaultRules } from './faults.js';
export type { Incoming } from './receive.js';
export { DEFAULT_WAIT_MS, MAX_WAIT_COUNT } from './wait.js';
export { MAX_PAGE, DEFAULT_INBOX, type InboxStats, type ListPage, type TagStats, type StoreStats } from '../store/store.js';

const useCases = { ...messages, ...changes, ...labels, ...wait, ...receive, ...release, ...faults, ...transcripts };

type UseCases = typeof useCases;
type Bound<F> = F extends (ctx: AppContext, ...args: infer A) => infer R ? (...args: A) => R : never;
type UseCaseName = { [K in keyof UseCases]: UseCases[K] extends (ctx: AppContext, ...args: never[]) => unknown ? K : never }[keyof UseCases];

/** Every use case bound to one server's dependencies, plus the mailbox events and the held waits. */
export type App = { [K in UseCaseName]: Bound<UseCases[K]> } & {
  /** Mailbox events (new, deleted, read, tags, cleared) for feeds and IDLE-style front doors. */
  readonly events: Pick<EventBus, 'subscribe'>;
  /** Waits currently held. */
  readonly waitsHeld: number;
  /** Ends held waits (they answer 'unavailable'); the store and bus belong to the caller. */
  close(): void;
};

/** What createApp needs: the store and bus it works on, and the settings some use cases read. */
export interface AppParts {
  store: MessageStore;
  bus: EventBus;
  /** Longest a wait may be held (ms). */
  maxWait: number;
  /** Largest message accepted from any door (bytes). */
  maxMessageSize: number;
  inboxRouting?: InboxRouting | undefined;
  outbound?: AppContext['outbound'];
  faults?: AppContext['faults'];
  sessions?: AppContext['sessions'];
}

/** Binds the use cases to their dependencies. */
export function createApp(parts: AppParts): App {
  const ctx: AppContext = {
    ...parts,
    inboxRouting: parts.inboxRouting,
    parsed: createParsedCache(),
    waits: createWaitHub(parts.bus, (id) => parts.store.get(id)),
  };
  const app: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(useCases)) {
    if (typeof fn === 'function') app[name] = (...args: unknown[]) => (fn as (c: AppContext, ...a: unknown[]) => unknown)(ctx, ...args);
  }
  Object.defineProperty(app, 'events', { value: { subscribe: parts.bus.subscribe.bind(parts.bus) } });
  Object.defineProperty(app, 'waitsHeld', { get: () => ctx.waits.size });
  app.close = () => ctx.waits.close();
  return app as unknown as App;
}
