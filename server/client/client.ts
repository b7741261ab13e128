// The typed client for tests: every native API call, plus waits that the server holds open
// (query waits) or that run here over the stream of arrivals (predicate waits). Needs only fetch.

import type { Header, MessageDetail, MessageSummary, PartInfo } from '../mail/types.js';
import type { InboxStats } from '../store/store.js';
import { ApiError, ConnectionError, WaitTimeoutError, type ArrivedMessage } from './errors.js';

export interface ClientOptions {
  /** Base URL of the Mailroom HTTP server, e.g. http://127.0.0.1:8025 */
  url: string;
  /** Extra headers on every request (e.g. Authorization). */
  headers?: Record<string, string>;
}

/** A message as `get` and the waits return it. */
export type Message = MessageDetail & { remoteResources: number };

export interface MessagePage {
  messages: MessageSummary[];
  total: number;
  unread: number;
  nextCursor: string | null;
}

export interface ListOptions {
  limit?: number;
  cursor?: string | null;
  inbox?: string;
  query?: string;
}

/** Decides, here in the test, whether a message is the one waited for. */
export type MessagePredicate = (message: Message) => boolean | Promise<boolean>;

export interface WaitOptions {
  /** How long to wait in ms (default 10 000). */
  timeout?: number;
  inbox?: string;
  /**
   * A marker from `marker()` taken before the action that sends mail: only messages stored after
   * it count (and the first ones after it are returned). Without it, the newest matching message
   * already stored counts too.
   */
  since?: string;
}

/** Default wait, ms: long enough for a slow CI machine, short enough to fail a test promptly. */
export const DEFAULT_TIMEOUT_MS = 10_000;
const PREDICATE_SCAN = 100; // stored messages a predicate wait without `since` looks at first
const FETCH_GRACE_MS = 30_000; // a wait request may outlive its timeout by this much before we abort it

interface TimeoutBody {
  error: { code: string; message: string; timeout: number; arrived: number; found: number; recent: ArrivedMessage[]; marker: string };
}

/** A client for one Mailroom server. */
export class MailroomClient {
  /** Base URL without a trailing slash. */
  readonly url: string;
  readonly #headers: Record<string, string>;

  constructor(options: ClientOptions | string) {
    const o = typeof options === 'string' ? { url: options } : options;
    this.url = o.url.replace(/\/+$/, '');
    this.#headers = { ...o.headers };
  }

  async #request(method: string, path: string, init: { body?: unknown; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.#headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.url + path, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: init.signal,
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ConnectionError(`cannot reach Mailroom at ${this.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { cause: err });
    }
    return res;
  }

  async #fail(res: Response, what: string): Promise<never> {
    const text = await res.text();
    let code = 'http_error';
    let message = text.slice(0, 500) || res.statusText;
    try {
      const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (body.error?.code) code = body.error.code;
      if (body.error?.message) message = body.error.message;
    } catch {
      // not JSON: keep the text
    }
    throw new ApiError(res.status, code, message, what);
  }

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.#request(method, path, { body });
    if (!res.ok) return this.#fail(res, `${method} ${path}`);
    return (await res.json()) as T;
  }

  async #bytes(path: string): Promise<Buffer> {
    const res = await this.#request('GET', path);
    if (!res.ok) return this.#fail(res, `GET ${path}`);
    return Buffer.from(await res.arrayBuffer());
  }

  /** One page of messages, newest first. */
  list(options: ListOptions = {}): Promise<MessagePage> {
    const q = new URLSearchParams();
    if (options.limit !== undefined) q.set('limit', String(options.limit));
    if (options.cursor) q.set('cursor', options.cursor);
    if (options.inbox) q.set('inbox', options.inbox);
    if (options.query) q.set('query', options.query);
    const qs = q.toString();
    return this.#json('GET', `/api/messages${qs ? '?' + qs : ''}`);
  }

  /** Messages matching a query in the search language, newest first. */
  search(query: string, options: Omit<ListOptions, 'query'> = {}): Promise<MessagePage> {
    return this.list({ ...options, query });
  }

  /** The whole message: headers, text, html, envelope, parts. */
  get(id: string): Promise<Message> {
    return this.#json('GET', `/api/messages/${encodeURIComponent(id)}`);
  }

  /** The exact bytes received. */
  raw(id: string): Promise<Buffer> {
    return this.#bytes(`/api/messages/${encodeURIComponent(id)}/raw`);
  }

  /** Every header, decoded, in message order. */
  async headers(id: string): Promise<Header[]> {
    return (await this.#json<{ headers: Header[] }>('GET', `/api/messages/${encodeURIComponent(id)}/headers`)).headers;
  }

  /** Decoded bytes of an attachment, named by part id, file name, or the PartInfo itself. */
  async attachment(message: string | Pick<MessageDetail, 'id' | 'parts'>, part: string | Pick<PartInfo, 'id'>): Promise<Buffer> {
    const id = typeof message === 'string' ? message : message.id;
    let partId = typeof part === 'string' ? part : part.id;
    if (typeof part === 'string' && !/^[0-9.]+$/.test(part)) {
      const parts = typeof message === 'string' ? (await this.get(id)).parts : message.parts;
      const byName = parts.find((p) => p.filename === part);
      if (!byName) throw new ApiError(404, 'not_found', `message ${id} has no attachment named ${JSON.stringify(part)} (has: ${parts.map((p) => p.filename ?? p.id).join(', ') || 'none'})`, `GET /api/messages/${id}`);
      partId = byName.id;
    }
    return this.#bytes(`/api/messages/${encodeURIComponent(id)}/parts/${encodeURIComponent(partId)}`);
  }

  /** Deletes one message or several; resolves with how many existed. */
  async delete(ids: string | string[]): Promise<number> {
    if (typeof ids === 'string') return (await this.#json<{ deleted: number }>('DELETE', `/api/messages/${encodeURIComponent(ids)}`)).deleted;
    if (ids.length === 0) return 0;
    return (await this.#json<{ deleted: number }>('DELETE', '/api/messages', { ids })).deleted;
  }

  /** Deletes every message, or only those in one inbox and/or matching a query. */
  async deleteAll(scope: { inbox?: string; query?: string } = {}): Promise<number> {
    const q = new URLSearchParams();
    if (scope.inbox) q.set('inbox', scope.inbox);
    if (scope.query) q.set('query', scope.query);
    const qs = q.toString();
    return (await this.#json<{ deleted: number }>('DELETE', `/api/messages${qs ? `?${qs}` : ''}`)).deleted;
  }

  /** Marks messages (one, several, or all, optionally all of one inbox) read or unread; resolves with how many changed. */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- 'all' is spelled out for readers and editors
  async markRead(ids: string | string[] | 'all', read = true, scope: { inbox?: string } = {}): Promise<number> {
    if (typeof ids === 'string' && ids !== 'all') {
      await this.#json('PATCH', `/api/messages/${encodeURIComponent(ids)}`, { read });
      return 1;
    }
    return (await this.#json<{ updated: number }>('PATCH', '/api/messages', ids === 'all' ? { read, ...(scope.inbox ? { inbox: scope.inbox } : {}) } : { read, ids })).updated;
  }

  /** Inboxes with their counts. */
  async inboxes(): Promise<InboxStats[]> {
    return (await this.#json<{ inboxes: InboxStats[] }>('GET', '/api/inboxes')).inboxes;
  }

  /** A marker for `since`: take it before the action that sends mail. */
  async marker(): Promise<string> {
    return (await this.#json<{ marker: string }>('GET', '/api/messages/marker')).marker;
  }

  /** Server version, counts and limits. */
  info(): Promise<Record<string, unknown>> {
    return this.#json('GET', '/api/info');
  }

  /**
   * Waits for a message matching a query (the search language; the server holds the request and
   * answers the moment one is stored) or a predicate (tested here on each arrival).
   */
  async waitForMessage(match: string | MessagePredicate = '', options: WaitOptions = {}): Promise<Message> {
    return (await this.waitForMessages(1, match, options))[0]!;
  }

  /** Waits until `count` messages match; resolves with them in arrival order. */
  async waitForMessages(count: number, match: string | MessagePredicate = '', options: WaitOptions = {}): Promise<Message[]> {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, not ${count}`);
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    const deadline = Date.now() + timeout;
    if (typeof match === 'string') return this.#waitQuery(count, match, options, timeout, deadline);
    return this.#waitPredicate(count, match, options, timeout, deadline);
  }

  /** One server-side wait; null when the server's timeout passed (body says what arrived). */
  async #serverWait(params: { query: string; inbox?: string; since?: string; count: number; timeout: number }): Promise<{ messages: Message[]; marker: string } | TimeoutBody> {
    const q = new URLSearchParams({ query: params.query, timeout: String(Math.max(0, Math.ceil(params.timeout))) });
    if (params.count > 1) q.set('count', String(params.count));
    if (params.inbox) q.set('inbox', params.inbox);
    if (params.since) q.set('since', params.since);
    const path = `/api/messages/wait?${q.toString()}`;
    const res = await this.#request('GET', path, { signal: AbortSignal.timeout(params.timeout + FETCH_GRACE_MS) });
    if (res.status === 408) return (await res.json()) as TimeoutBody;
    if (!res.ok) return this.#fail(res, `GET ${path}`);
    const body = (await res.json()) as Message | { messages: Message[]; marker: string };
    if ('messages' in body) return body;
    return { messages: [body], marker: res.headers.get('mailroom-marker') ?? '' };
  }

  async #waitQuery(count: number, query: string, options: WaitOptions, timeout: number, deadline: number): Promise<Message[]> {
    // The server cuts long waits to its --max-wait; keep asking until our own deadline.
    for (;;) {
      const r = await this.#serverWait({ query, inbox: options.inbox, since: options.since, count, timeout: Math.max(0, deadline - Date.now()) });
      if (!('error' in r)) return r.messages;
      if (Date.now() >= deadline - 5) {
        const e = r.error;
        throw new WaitTimeoutError(e.message.replace(/within \d+ ms/, `within ${timeout} ms`), query, timeout, e.arrived, e.recent, e.found);
      }
    }
  }

  async #waitPredicate(count: number, predicate: MessagePredicate, options: WaitOptions, timeout: number, deadline: number): Promise<Message[]> {
    const found: Message[] = [];
    const seen = new Set<string>();
    const arrived: ArrivedMessage[] = [];
    let since = options.since;
    if (since === undefined) {
      // Take the marker first, then look at what is stored: nothing can fall between the two.
      since = await this.marker();
      const page = await this.list({ limit: PREDICATE_SCAN, inbox: options.inbox });
      for (const s of page.messages) {
        if (found.length >= count) break;
        seen.add(s.id);
        const m = await this.get(s.id).catch(() => null);
        if (m && (await predicate(m))) found.unshift(m);
      }
      if (found.length >= count) return found;
    }
    for (;;) {
      const remaining = deadline - Date.now();
      const r: { messages: Message[]; marker: string } | TimeoutBody | null = remaining > 0 ? await this.#serverWait({ query: '', inbox: options.inbox, since, count: 1, timeout: remaining }) : null;
      if (r === null || 'error' in r) {
        if (r && Date.now() < deadline - 5) {
          since = r.error.marker;
          continue;
        }
        const scope = options.inbox ? ` in inbox ${JSON.stringify(options.inbox)}` : '';
        const what = count === 1 ? 'no message matching the predicate' : `not ${count} messages matching the predicate (${found.length} found)`;
        const list = arrived.slice(-5).map((a) => `${JSON.stringify(a.subject)} to ${a.to.join(', ') || '(nobody)'}`);
        throw new WaitTimeoutError(
          `${what}${scope} within ${timeout} ms; ${arrived.length} message${arrived.length === 1 ? '' : 's'} arrived meanwhile${list.length ? ': ' + list.join('; ') : ''}`,
          '<predicate>',
          timeout,
          arrived.length,
          arrived.slice(-5),
          found.length,
        );
      }
      since = r.marker;
      const m = r.messages[0]!;
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      arrived.push({ id: m.id, subject: m.subject, from: m.from?.address ?? null, to: m.to.map((a) => a.address) });
      if (await predicate(m)) found.push(m);
      if (found.length >= count) return found;
    }
  }
}

/** Creates a client for the server at `url`. */
export function createClient(options: ClientOptions | string): MailroomClient {
  return new MailroomClient(options);
}
