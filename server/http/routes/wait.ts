// The long-poll wait: GET /api/messages/wait answers as soon as the wanted message(s) exist, and
// GET /api/messages/marker gives the "since" marker a test takes before it acts (no race: anything
// stored after the marker counts, even if it arrived before the wait call).

import { parseDuration } from '../../config-values.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MAX_WAIT_COUNT, type App } from '../../app/index.js';
import { ApiError } from '../errors.js';
import { detailSchema, errorSchema } from '../schemas.js';
import { searchParamsSchema } from '../query.js';

const MARKER_HEADER = 'mailroom-marker';
const MARKER_PATTERN = '^[0-9a-z]{1,12}$';

/** "5000" (ms), "500ms", "5s", "1m": the wait timeout in ms. Bare numbers are milliseconds here. */
export function parseWaitTimeout(raw: string): number {
  try {
    return parseDuration(raw, 'ms', 0);
  } catch {
    throw new ApiError(400, 'bad_request', `timeout ${JSON.stringify(raw)} is not a duration; use milliseconds (5000) or 500ms, 5s, 1m`);
  }
}

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

/** Registers /api/messages/marker and /api/messages/wait. */
export async function waitRoutes(app: FastifyInstance, { useCases }: { useCases: App }): Promise<void> {
  app.get(
    '/api/messages/marker',
    {
      schema: {
        summary: 'A marker for "since": messages stored after this call are newer than it',
        response: { 200: { type: 'object', required: ['marker'], properties: { marker: { type: 'string' } } } },
      },
    },
    async () => ({ marker: await useCases.marker() }),
  );

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
            count: { type: 'integer', minimum: 1, maximum: MAX_WAIT_COUNT },
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
      const { timeout, ...input } = request.query;
      const cancel = new AbortController();
      reply.raw.once('close', () => cancel.abort()); // client gone: release the waiter
      const result = await useCases.waitFor({ ...input, timeoutMs: timeout === undefined ? undefined : parseWaitTimeout(timeout) }, { signal: cancel.signal });
      if (result.status === 'cancelled') return reply; // nobody is listening any more
      if (result.status === 'matched') {
        reply.header(MARKER_HEADER, result.marker);
        const details = await Promise.all(result.messages.map((m) => useCases.messageDetail(m)));
        return input.count !== undefined ? { messages: details, marker: result.marker } : details[0];
      }
      return reply.code(408).send({
        error: {
          code: 'wait_timeout',
          message: result.message,
          query: result.query,
          inbox: result.inbox,
          timeout: result.timeoutMs,
          count: result.count,
          found: result.found.length,
          arrived: result.arrived,
          recent: result.recent.map((m) => ({ id: m.id, subject: m.view.subject, from: m.view.from?.address ?? null, to: m.view.to.map((a) => a.address) })),
          marker: result.marker,
        },
      });
    },
  );
}
