// The package entry: start Mailroom in-process and the types that come with it.

export { start, type Mailroom, type StartOptions } from './start.js';
export { startMailroom, type InProcessMailroom, type MailroomOptions } from './in-process.js';
export { defaultConfig, resolveConfig, type Config } from './config.js';
export { MailroomClient, createClient } from './client/index.js';
export { DomainError, type App, type DomainErrorKind, type ListInput, type MessageChange, type Target, type WaitInput, type WaitResult } from './app/index.js';
export type { MessageSummary, MessageDetail, Address, Envelope, PartInfo, Header } from './mail/types.js';
export type { MailEvent } from './events/bus.js';
export type { FaultRule, FaultRuleInput, FaultAction, FaultWhen, FaultMatch, Stage } from './faults/rules.js';
export type { RejectedAttempt } from './faults/rejected-log.js';
export type { MailpitChaos, ChaosTrigger, JimConfig } from './faults/peer-modes.js';
export type { SessionInfo, MessageTranscript } from './sessions/sessions.js';
export type { TranscriptEntry } from './sessions/session-log.js';
export type { ReleaseRecord } from './outbound/relay.js';
