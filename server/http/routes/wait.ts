// The long-poll wait: GET /api/messages/wait answers as soon as the wanted message(s) exist, and
// GET /api/messages/marker gives the "since" marker a test takes before it acts (no race: anything
// stored after the marker counts, even if it arrived before the wait call).

import { parseDuration } from '../../config-values.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EventBus } from '../../events/bus.js';
import { createWaitHub, type WaitOutcome } from '../../events/waiters.js';
import { countRemoteResources } from '../../mail/html.js';
import type { StoredMessage } from '../../mail/types.js';
import { detailOf } from '../../mail/view.js';
import { MAX_PAGE, type MessageStore } from '../../store/store.js';
import { ApiError, errorBody } from '../errors.js';
import type { ParsedCache } from '../parsed-cache.js';
import { detailSchema, errorSchema } from '../schemas.js';
import { compileOrThrow } from './messages.js';
import { searchParamsSchema } from '../query.js';
import { normalizeInbox } from '../../mail/inbox-route.js';

export interface WaitRouteDeps {
  store: MessageStore;
  bus: EventBus;
  parsed: ParsedCache;
  /** Longest a wait is held open (ms); longer timeouts are cut to this. */
  maxWait: number;
}

/** Timeout when the caller names none. */
export const DEFAULT_WAIT_MS = 30_000;
const MARKER_HEADER = 'mailroom-marker';
const MAX_COUNT = 1000;
const MAX_WAITERS = 10_000; // held waits at once; each is an open connection and a timer
const MARKER_PATTERN = '^[0-9a-z]{1,12}$';

/** "5000" (ms), "500ms", "5s", "1m": the wait timeout in ms. Bare numbers are milliseconds here. */
export function parseWaitTimeout(raw: string): number {
  try {
    return parseDuration(raw, 'ms', 0);
  } catch {
    throw new ApiError(400, 'bad_request', `timeout ${JSON.stringify(raw)} is not a duration; use milliseconds (5000) or 500ms, 5s, 1m`);
  }
}

const markerOf = (seq: number) => seq.toString(36);
const recentSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, subject: { type: 'string' }, from: { type: ['string', 'null'] }, to: { type: 'array', items: { type: 'string' } } },
} as const;
const timeoutSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        query: { type: 'string' },
        inbox: { type: ['string', 'null'] },
        timeout: { type: 'integer' },
        count: { type: 'integer' },
        found: { type: 'integer' },
        arrived: { type: 'integer' },
        recent: { type: 'array', items: recentSchema },
        marker: { type: 'string' },
      },
    },
  },
} as const;

/** One line naming a message in a timeout report. */
function describe(m: StoredMessage): string {
  const to = m.view.to.map((a) => a.address).join(', ') || m.envelope.rcptTo.join(', ');
  return `${JSON.stringify(m.view.subject)} to ${to || '(nobody)'}`;
}

/** Registers /api/messages/marker and /api/messages/wait. */
export async function waitRoutes(app: FastifyInstance, { store, bus, parsed, maxWait }: WaitRouteDeps): Promise<void> {
  const hub = createWaitHub(bus, (id) => store.get(id));
  // Held waits would keep app.close() waiting; end them first (they get 503).
  app.addHook('preClose', async () => hub.close());
  app.decorate('waiters', { get size() { return hub.size; } });

  const newestSeq = () => store.list({ limit: 1 }).messages[0]?.seq ?? 0;

  app.get(
    '/api/messages/marker',
    {
      schema: {
        summary: 'A marker for "since": messages stored after this call are newer than it',
        response: { 200: { type: 'object', required: ['marker'], properties: { marker: { type: 'string' } } } },
      },
    },
    async () => ({ marker: markerOf(newestSeq()) }),
  );

  const detail = async (m: StoredMessage) => {
    const p = await parsed.get(m);
    return { ...detailOf(m, p), remoteResources: p.html ? countRemoteResources(p.html) : 0 };
  };

  app.get<{ Querystring: { query?: string; tz?: string; inbox?: string; timeout?: string; since?: string; count?: number } }>(
    '/api/messages/wait',
    {
      schema: {
        summary: 'Wait until a message (or count messages) matching query exists; 408 on timeout',
        querystring: {
          type: 'object',
          properties: {
            query: { type: 'string', maxLength: 4096 },
            tz: searchParamsSchema.tz,
            inbox: { type: 'string', maxLength: 256 },
            timeout: { type: 'string', maxLength: 32 },
            since: { type: 'string', pattern: MARKER_PATTERN },
            count: { type: 'integer', minimum: 1, maximum: MAX_COUNT },
          },
          additionalProperties: false,
        },
        response: {
          200: { anyOf: [detailSchema, { type: 'object', required: ['messages', 'marker'], properties: { messages: { type: 'array', items: detailSchema }, marker: { type: 'string' } } }] },
          400: errorSchema,
          408: timeoutSchema,
          429: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request, reply: FastifyReply) => {
      const { query = '', since } = request.query;
      const inbox = normalizeInbox(request.query.inbox ?? '') || null; // inbox names are stored folded
      const countMode = request.query.count !== undefined;
      const count = request.query.count ?? 1;
      const timeoutMs = Math.min(request.query.timeout === undefined ? DEFAULT_WAIT_MS : parseWaitTimeout(request.query.timeout), maxWait);
      const predicate = query.trim() ? compileOrThrow(query, request.query.tz) : () => true;
      if (hub.size >= MAX_WAITERS) throw new ApiError(429, 'too_many_waits', `${MAX_WAITERS} waits are already held; retry when some have answered`);

      // Scan what is stored, then subscribe, in one synchronous stretch: nothing can slip between.
      let found: StoredMessage[];
      let arrived: StoredMessage[] = [];
      if (since !== undefined) {
        const sinceSeq = Number.parseInt(since, 36);
        // Markers count arrivals; one beyond the count comes from another (or a restarted) server.
        if (sinceSeq > store.stats().received) throw new ApiError(400, 'invalid_marker', `marker ${since} is newer than any message this server has received (was it restarted? take a new marker)`);
        let cursor: string | null = null;
        do {
          const page = store.list({ limit: MAX_PAGE, cursor, inbox, filter: (m) => m.seq > sinceSeq });
          arrived.push(...page.messages);
          cursor = page.nextCursor;
        } while (cursor);
        arrived = arrived.reverse(); // oldest first
        found = arrived.filter(predicate).slice(0, count);
      } else {
        found = store.list({ limit: count, inbox, filter: predicate }).messages.reverse();
      }
      const handle = hub.wait({ inbox, matches: predicate, count, timeoutMs, found, arrived });
      reply.raw.once('close', () => handle.cancel()); // client gone: release the waiter
      const outcome: WaitOutcome = await handle.done;

      if (outcome.status === 'matched') {
        const last = outcome.messages[outcome.messages.length - 1]!;
        reply.header(MARKER_HEADER, markerOf(last.seq));
        const details = await Promise.all(outcome.messages.map(detail));
        return countMode ? { messages: details, marker: markerOf(last.seq) } : details[0];
      }
      if (outcome.status === 'closing') return reply.code(503).send(errorBody('shutting_down', 'the server is shutting down'));
      if (outcome.status === 'cancelled') return reply; // nobody is listening any more
      const matching = query.trim() ? ` matching \`${query}\`` : '';
      const what = countMode ? `not ${count} messages${matching}` : `no message${matching}`;
      const scope = inbox ? ` in inbox ${JSON.stringify(inbox)}` : '';
      const got = countMode ? ` (${outcome.found.length} found)` : '';
      const list = outcome.recent.length ? ': ' + outcome.recent.map(describe).join('; ') + (outcome.arrived > outcome.recent.length ? '; …' : '') : '';
      const message = `${what}${scope} within ${timeoutMs} ms${got}; ${outcome.arrived} message${outcome.arrived === 1 ? '' : 's'} arrived meanwhile${list}`;
      return reply.code(408).send({
        error: {
          code: 'wait_timeout',
          message,
          query,
          inbox,
          timeout: timeoutMs,
          count,
          found: outcome.found.length,
          arrived: outcome.arrived,
          recent: outcome.recent.map((m) => ({ id: m.id, subject: m.view.subject, from: m.view.from?.address ?? null, to: m.view.to.map((a) => a.address) })),
          marker: markerOf(newestSeq()),
        },
      });
    },
  );
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Held waits (for /api/info and tests). */
    waiters: { readonly size: number };
  }
}
