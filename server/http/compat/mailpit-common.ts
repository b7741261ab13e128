// What every Mailpit-dialect route shares: Mailpit's reply conventions (plain-text `ok` and
// plain-text errors with exact statuses), `latest[?query=]` id resolution, and Go-style
// case-insensitive JSON keys.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { DomainError, type App } from '../../app/index.js';
import type { StoredMessage } from '../../mail/types.js';
import { compileQuery, QueryError } from '../../mail/search.js';
import { STATUS_OF } from '../errors.js';

/** A Mailpit error reply: status and exact text/plain body. */
export class MailpitError extends Error {
  override name = 'MailpitError';
  constructor(
    readonly statusCode: number,
    readonly body: string,
  ) {
    super(body);
  }
}

/** Mailpit's fourOFour(): unknown ids and parts. */
export const pageNotFound = () => new MailpitError(404, '404 page not found');
/** Mailpit's httpError(): a 400 with the message as text. */
export const badRequest = (message: string) => new MailpitError(400, message);

/** Mutations answer `ok` as text/plain with status 200 (mailpit-api accepts nothing but 200). */
export function ok(reply: FastifyReply): FastifyReply {
  return reply.code(200).type('text/plain; charset=utf-8').send('ok');
}

/** Mailpit encodes JSON with a trailing newline (json.Encoder); so do we. */
export function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.code(200).type('application/json').send(JSON.stringify(value) + '\n');
}

/**
 * Error handling for the Mailpit routes: Mailpit errors are text/plain, not our JSON envelope.
 * Registered inside the Mailpit plugin only (fastify encapsulation).
 */
export function installMailpitErrors(app: FastifyInstance): void {
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (err instanceof MailpitError) return reply.code(err.statusCode).type('text/plain; charset=utf-8').send(err.body);
    if (err instanceof DomainError) {
      const body = err.kind === 'not-found' ? '404 page not found' : err.message; // Mailpit's fourOFour() for any unknown id
      return reply.code(STATUS_OF[err.kind]).type('text/plain; charset=utf-8').send(body);
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).type('text/plain; charset=utf-8').send('http: request body too large');
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).type('text/plain; charset=utf-8').send(err.message);
    }
    request.log.error({ err }, 'mailpit route failed');
    return reply.code(500).type('text/plain; charset=utf-8').send('internal server error');
  });
}

/**
 * Compiles a Mailpit search (dates read in `tz` when given); a malformed query is Mailpit's 400
 * text error, worded as Mailpit words it. The compiled query goes to the use cases as a filter.
 */
export function compileSearch(query: string, tz?: string): (m: StoredMessage) => boolean {
  try {
    return compileQuery(query, { tz: tz || null });
  } catch (err) {
    if (err instanceof QueryError) throw badRequest(`Error: ${err.message}`);
    throw err;
  }
}

/** Newest message matching an optional search, or undefined. */
export async function latestMatching(useCases: App, query: string | undefined, tz?: string): Promise<StoredMessage | undefined> {
  const filter = query?.trim() ? compileSearch(query, tz) : null;
  return (await useCases.listMessages({ limit: 1, filter })).messages[0];
}

/**
 * Resolves a Mailpit path id: a message id, or `latest` (optionally `?query=`) for the newest
 * (matching) message. Unknown ids are Mailpit's plain 404; an empty `latest` is "Message not found".
 */
export async function resolveMessage(useCases: App, id: string, query?: string, tz?: string): Promise<StoredMessage> {
  if (id === 'latest') {
    const m = await latestMatching(useCases, query, tz);
    if (!m) throw new MailpitError(404, 'Message not found');
    return m;
  }
  return useCases.getMessage(id);
}

/** A JSON object's value by key, matched case-insensitively (Go's encoding/json does this). */
export function field(obj: unknown, name: string): unknown {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const record = obj as Record<string, unknown>;
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) if (key.toLowerCase() === lower) return record[key];
  return undefined;
}

/** An optional string array field; anything else is a 400 naming the field. */
export function stringList(obj: unknown, name: string): string[] | undefined {
  const v = field(obj, name);
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw badRequest(`json: cannot unmarshal ${name}: expected an array of strings`);
  return v;
}

/** An optional string field. */
export function stringField(obj: unknown, name: string): string | undefined {
  const v = field(obj, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`json: cannot unmarshal ${name}: expected a string`);
  return v;
}

/** Mailpit's start/limit: start < 0 is 0; limit defaults to 50; limit=0 means everything. */
export function pageParams(query: { start?: string; limit?: string }): { start: number; limit: number } {
  const start = Math.max(0, Number.parseInt(query.start ?? '0', 10) || 0);
  const rawLimit = Number.parseInt(query.limit ?? '50', 10);
  const limit = Number.isNaN(rawLimit) || rawLimit < 0 ? 50 : rawLimit;
  return { start, limit };
}
