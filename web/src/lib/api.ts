// The only module that knows the server's URLs. Every HTTP call the UI makes lives here.
import type { Address, Header, MessageDetail, MessageSummary } from '../../../server/mail/types.js';

import type { FaultRule, FaultRuleInput } from '../../../server/faults/rules.js';
import type { RejectedAttempt } from '../../../server/faults/rejected-log.js';
import type { TranscriptEntry } from '../../../server/sessions/session-log.js';
import type { ReleaseRecord } from '../../../server/outbound/relay.js';
import type { DeliveryQueueStats } from '../../../server/outbound/delivery-queue.js';
import type { DeliveryRecord, EndpointStatus } from '../../../server/outbound/webhooks.js';
import type { SessionInfo } from '../../../server/sessions/sessions.js';

export type { Address, Header, MessageDetail, MessageSummary };
export type { FaultRule, FaultRuleInput, RejectedAttempt, TranscriptEntry, ReleaseRecord, DeliveryQueueStats };
export type { FaultAction, FaultMatch, FaultWhen, Stage } from '../../../server/faults/rules.js';

/** An SMTP session as /api/sessions reports it. */
export type { SessionInfo };

/** A session with its transcript lines; `omitted` counts lines dropped to stay bounded. */
export interface SessionDetail {
  session: SessionInfo;
  entries: TranscriptEntry[];
  omitted: number;
}

export type MessageTranscript = SessionDetail & { messageId: string };

export interface RulesState {
  rules: FaultRule[];
  magicAddresses: boolean;
}

export interface RejectedPage {
  attempts: RejectedAttempt[];
  total: number;
  /** Older entries forgotten to stay bounded. */
  dropped: number;
}

/** GET /api/relay: release settings (never the password) and the auto-relay queue. */
export interface RelayInfo {
  configured: boolean;
  host: string;
  port: number;
  security: 'starttls' | 'tls' | 'none';
  auth: boolean;
  allowedRecipients: string | null;
  from: string | null;
  auto: { enabled: boolean; query: string | null; queue: DeliveryQueueStats | null };
}

/** One webhook endpoint's delivery counts. */
export type WebhookEndpoint = EndpointStatus;

/** One webhook delivery (message x endpoint), as the server records it. */
export type WebhookDelivery = DeliveryRecord;

export interface WebhookStatus {
  enabled: boolean;
  signed: boolean;
  query: string | null;
  endpoints: WebhookEndpoint[];
  queue: DeliveryQueueStats | null;
  recent: WebhookDelivery[];
}

/** One page of the newest-first list. */
export interface ListPage {
  messages: MessageSummary[];
  total: number;
  unread: number;
  nextCursor: string | null;
}

/** The detail route adds how many remote resources the preview blocks. */
export type Detail = MessageDetail & { remoteResources: number };

export interface InboxCount {
  name: string;
  total: number;
  unread: number;
}

export interface TagCount {
  name: string;
  count: number;
}

/** What filters the list: a search query (the server's language) and an inbox (null = all). */
export interface ListScope {
  query: string;
  inbox: string | null;
}

/** An error the server explained: `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const IDS_PER_REQUEST = 20_000; // keeps a bulk body well under the server's 1 MiB limit

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `${method} ${url} failed with ${res.status}`);
  }
  return data as T;
}

async function requestText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new ApiError(res.status, 'http_error', `GET ${url} failed with ${res.status}`);
  return res.text();
}

const enc = encodeURIComponent;

/** One page of messages, newest first. */
export function listMessages(scope: ListScope, limit: number, cursor: string | null = null): Promise<ListPage> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) q.set('cursor', cursor);
  if (scope.query.trim()) q.set('query', scope.query);
  if (scope.inbox) q.set('inbox', scope.inbox);
  return request('GET', `/api/messages?${q}`);
}

/** Every id in a scope, paged through the list (for scoped "delete all" / "mark all read"). */
export async function collectIds(scope: ListScope): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: ListPage = await listMessages(scope, 1000, cursor);
    for (const m of page.messages) ids.push(m.id);
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

export const getMessage = (id: string) => request<Detail>('GET', `/api/messages/${enc(id)}`);
export const getRaw = (id: string) => requestText(rawUrl(id));
export const listInboxes = () => request<{ inboxes: InboxCount[] }>('GET', '/api/inboxes').then((r) => r.inboxes);
export const listTags = () => request<{ tags: TagCount[] }>('GET', '/api/tags').then((r) => r.tags);
export const getInfo = () => request<{ version: string; smtp?: { port?: number }; pop3?: { port: number | null } | null; imap?: { port: number | null } | null }>('GET', '/api/info');

export const setRead = (id: string, read: boolean) => request<MessageSummary>('PATCH', `/api/messages/${enc(id)}`, { read });
export const deleteMessage = (id: string) => request<{ deleted: number }>('DELETE', `/api/messages/${enc(id)}`);

/** Marks the given ids read/unread in chunks; `null` means every message. */
export async function setReadMany(ids: string[] | null, read: boolean): Promise<number> {
  if (ids === null) return (await request<{ updated: number }>('PATCH', '/api/messages', { read })).updated;
  let n = 0;
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
    n += (await request<{ updated: number }>('PATCH', '/api/messages', { read, ids: ids.slice(i, i + IDS_PER_REQUEST) })).updated;
  }
  return n;
}

/** Deletes the given ids in chunks; `null` means every message in every inbox. */
export async function deleteMany(ids: string[] | null): Promise<number> {
  if (ids === null) return (await request<{ deleted: number }>('DELETE', '/api/messages')).deleted; // no body: all
  let n = 0;
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
    n += (await request<{ deleted: number }>('DELETE', '/api/messages', { ids: ids.slice(i, i + IDS_PER_REQUEST) })).deleted;
  }
  return n;
}

export const rawUrl = (id: string, download = false) => `/api/messages/${enc(id)}/raw${download ? '?download=1' : ''}`;
export const previewUrl = (id: string, remote: boolean) => `/api/messages/${enc(id)}/html${remote ? '?remote=1' : ''}`;
export const partUrl = (id: string, partId: string) => `/api/messages/${enc(id)}/parts/${enc(partId)}`;
/** The in-app address of a message (a client-side route the server answers with the app). */
export const messagePath = (id: string) => `/messages/${enc(id)}`;

// ---- failure injection, rejected list, sessions and transcripts, release, webhooks ----

export const getTranscript = (id: string) => request<MessageTranscript>('GET', `/api/messages/${enc(id)}/transcript`);
export const getSession = (id: string) => request<SessionDetail>('GET', `/api/sessions/${enc(id)}`);

export const getRelay = () => request<RelayInfo>('GET', '/api/relay');
export const listReleases = (id: string) => request<{ releases: ReleaseRecord[] }>('GET', `/api/messages/${enc(id)}/releases`).then((r) => r.releases);

/** Releases a message. Resolves with the record when the upstream accepted or refused it
 *  (502 carries the refusal as `result`); throws ApiError when it could not be tried. */
export async function releaseMessage(id: string, to: string[]): Promise<ReleaseRecord> {
  const res = await fetch(`/api/messages/${enc(id)}/release`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ to }),
  });
  const data: unknown = await res.json().catch(() => null);
  if (res.ok) return data as ReleaseRecord;
  const failure = (data ?? {}) as { result?: ReleaseRecord; error?: { code?: string; message?: string } };
  if (res.status === 502 && failure.result) return failure.result;
  throw new ApiError(res.status, failure.error?.code ?? 'http_error', failure.error?.message ?? `release failed with ${res.status}`);
}

export const listRules = () => request<RulesState>('GET', '/api/faults/rules');
export const addRule = (rule: FaultRuleInput) => request<FaultRule>('POST', '/api/faults/rules', rule);
export const replaceRule = (id: string, rule: FaultRuleInput) => request<FaultRule>('PUT', `/api/faults/rules/${enc(id)}`, rule);
export const setRuleEnabled = (id: string, enabled: boolean) => request<FaultRule>('PATCH', `/api/faults/rules/${enc(id)}`, { enabled });
export const deleteRule = (id: string) => request<null>('DELETE', `/api/faults/rules/${enc(id)}`);
export const clearRules = () => request<{ deleted: number }>('DELETE', '/api/faults/rules');
export const resetRuleCounts = () => request<RulesState>('POST', '/api/faults/reset-counts');
export const setMagicAddresses = (on: boolean) => request<{ magicAddresses: boolean }>('PUT', '/api/faults/settings', { magicAddresses: on });

/** Rejected attempts, newest first; `before` pages to older entries (seq below it). */
export function listRejected(limit: number, before?: number): Promise<RejectedPage> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (before !== undefined) q.set('before', String(before));
  return request('GET', `/api/rejected?${q}`);
}
export const clearRejected = () => request<null>('DELETE', '/api/rejected');

export const getWebhooks = () => request<WebhookStatus>('GET', '/api/webhooks');

/** The live feed's WebSocket URL. */
export function feedUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/feed`;
}
