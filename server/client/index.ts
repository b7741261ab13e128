// `mailroom-server/client`: the typed test client and the helpers that read links and codes out of mail.
// No runtime dependencies beyond Node's fetch; safe to import without starting a server.

export { MailroomClient, createClient, DEFAULT_TIMEOUT_MS, type ClientOptions, type ListOptions, type Message, type MessagePage, type MessagePredicate, type WaitOptions } from './client.js';
export { ApiError, ConnectionError, WaitTimeoutError, type ArrivedMessage } from './errors.js';
export { code, firstLink, links, type CodeOptions, type MessageBodies } from './links.js';
export type { Address, Envelope, Header, MessageDetail, MessageSummary, PartInfo } from '../mail/types.js';
export type { InboxStats } from '../store/store.js';
