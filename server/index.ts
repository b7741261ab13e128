// The package entry: start Mailroom in-process and the types that come with it.

export { start, type Mailroom, type StartOptions } from './start.js';
export { startMailroom, type InProcessMailroom, type MailroomOptions } from './in-process.js';
export { defaultConfig, resolveConfig, type Config } from './config.js';
export { MailroomClient, createClient } from './client/index.js';
export type { MessageSummary, MessageDetail, Address, Envelope, PartInfo, Header } from './mail/types.js';
export type { MailEvent } from './events/bus.js';
