// Mailpit v1 mailbox routes: list, search, delete (by ids, all, by search) and read status.
// DELETE /api/v1/messages is also MailHog's delete-all; see deleteAllReply for how one route
// satisfies both dialects' clients.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sortTags } from '../../mail/tags.js';
import type { StoredMessage } from '../../mail/types.js';
import type { App } from '../../app/index.js';
import { badRequest, compileSearch, field, ok, pageParams, sendJson, stringList, stringField } from './mailpit-common.js';
import { mailpitSummaryPage } from './mailpit-shapes.js';

type PageQuery = { start?: string; limit?: string; before?: string; query?: string; tz?: string };

/** Tag names sorted case-insensitively, as Mailpit lists them. */
export async function sortedTagNames(useCases: App): Promise<string[]> {
  return sortTags((await useCases.listTags()).map((t) => t.name));
}

/** The ids of every message matching the filter. */
async function idsMatching(useCases: App, filter: (m: StoredMessage) => boolean): Promise<string[]> {
  return (await useCases.selectMessages({ filter })).map((m) => m.id);
}

/**
 * The one reply for a body-less DELETE /api/v1/messages. Mailpit clients (mailpit-api's fetch
 * and axios, Cypress, curl) all send an Accept header that admits text/plain and get Mailpit's
 * `ok`; the `mailhog` package sends no Accept header and must get MailHog's empty body (it
 * JSON-parses any non-empty body and would reject on `ok`). Plain HTTP content negotiation.
 */
export function deleteAllReply(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const accept = (request.headers.accept ?? '').toLowerCase();
  if (accept && /(^|,)\s*(text\/plain|text\/\*|\*\/\*)/.test(accept)) return ok(reply);
  return reply.code(200).type('text/json').send('');
}

/** Registers the Mailpit mailbox routes. */
export async function mailpitListRoutes(app: FastifyInstance, { useCases }: { useCases: App }): Promise<void> {
  const hide = { schema: { hide: true } };

  app.get<{ Querystring: PageQuery }>('/api/v1/messages', hide, async (request, reply) => {
    const { start, limit } = pageParams(request.query);
    const before = request.query.before ? Date.parse(request.query.before) : Number.NaN;
    const filter = Number.isNaN(before) ? null : (m: StoredMessage) => m.receivedAt < before;
    const stats = await useCases.storeStats();
    const want = limit === 0 ? Number.POSITIVE_INFINITY : start + limit;
    const page = await useCases.listMessages({ limit: want, filter });
    return sendJson(
      reply,
      mailpitSummaryPage({
        total: stats.count,
        unread: stats.unread,
        matches: stats.count,
        matchesUnread: stats.unread,
        start: limit === 0 ? 0 : start,
        tags: await sortedTagNames(useCases),
        messages: limit === 0 ? page.messages : page.messages.slice(start),
      }),
    );
  });

  app.get<{ Querystring: PageQuery }>('/api/v1/search', hide, async (request, reply) => {
    const query = request.query.query ?? '';
    if (!query.trim()) throw badRequest('Error: no search query');
    const filter = compileSearch(query, request.query.tz);
    const { start, limit } = pageParams(request.query);
    const stats = await useCases.storeStats();
    const page = await useCases.listMessages({ limit: limit === 0 ? 0 : start + limit, filter });
    return sendJson(
      reply,
      mailpitSummaryPage({
        total: stats.count,
        unread: stats.unread,
        matches: page.total,
        matchesUnread: page.unread,
        start,
        tags: await sortedTagNames(useCases),
        messages: page.messages.slice(start),
      }),
    );
  });

  app.delete<{ Querystring: PageQuery }>('/api/v1/search', hide, async (request, reply) => {
    const query = request.query.query ?? '';
    if (!query.trim()) throw badRequest('Error: no search query');
    const ids = await idsMatching(useCases, compileSearch(query, request.query.tz));
    if (ids.length) await useCases.deleteMessages({ ids });
    return ok(reply);
  });

  app.delete<{ Body: unknown }>('/api/v1/messages', hide, async (request, reply) => {
    const ids = stringList(request.body, 'IDs');
    if (ids && ids.length > 0) {
      await useCases.deleteMessages({ ids });
      return ok(reply);
    }
    await useCases.deleteAll();
    // A JSON body marks a Mailpit client; only the body-less form is shared with MailHog.
    return request.body === undefined ? deleteAllReply(request, reply) : ok(reply);
  });

  app.put<{ Body: unknown; Querystring: { tz?: string } }>('/api/v1/messages', hide, async (request, reply) => {
    if (request.body === undefined || request.body === null || typeof request.body !== 'object') throw badRequest('EOF');
    const ids = stringList(request.body, 'IDs') ?? [];
    const search = stringField(request.body, 'Search') ?? '';
    const readValue = field(request.body, 'Read');
    if (readValue !== undefined && readValue !== null && typeof readValue !== 'boolean') throw badRequest('json: cannot unmarshal Read: expected a boolean');
    const read = readValue === true;
    if (ids.length > 0 && search.trim()) throw badRequest('You may specify either IDs or a search query, not both');
    if (ids.length > 0) await useCases.markRead(ids, read);
    else if (search.trim()) {
      const matched = await idsMatching(useCases, compileSearch(search, request.query.tz));
      if (matched.length) await useCases.markRead(matched, read);
    } else await useCases.markRead({ all: true }, read);
    return ok(reply);
  });
}
