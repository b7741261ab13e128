// The MailHog v1/v2 API over the same store: v2 list and search, v1 single message get/delete,
// download, part download, release and Jim. Replies follow MailHog's: `text/json` lists, empty
// bodies for mutations and errors (the `mailhog` package JSON-parses any non-empty body).
// DELETE /api/v1/messages (delete all) is shared with Mailpit and lives in mailpit-list.ts.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { StoredMessage } from '../../mail/types.js';
import type { MessageStore } from '../../store/store.js';
import { compileQuery, QueryError } from '../../mail/search.js';
import { contentDisposition } from '../download.js';
import { mailhogMessage } from './mailhog-shapes.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 250; // MailHog clamps v2 pages here

/** MailHog's start/limit: non-numbers and values <= 0 fall back to the defaults. */
function page(query: { start?: string; limit?: string }): { start: number; limit: number } {
  const start = Number.parseInt(query.start ?? '', 10);
  const limit = Number.parseInt(query.limit ?? '', 10);
  return { start: start > 0 ? start : 0, limit: limit > 0 ? Math.min(limit, MAX_LIMIT) : DEFAULT_LIMIT };
}

const empty = (reply: FastifyReply, status: number) => reply.code(status).type('text/json').send('');
const json = (reply: FastifyReply, type: string, value: unknown) => reply.code(200).type(type).send(JSON.stringify(value));

/** A Mailpit-language field filter for a MailHog search value (quotes cannot be escaped, so they are dropped). */
function field(prefix: string, value: string): (m: StoredMessage) => boolean {
  const clean = value.replace(/"/g, ' ').trim();
  try {
    return compileQuery(`${prefix}"${clean}"`);
  } catch (err) {
    if (err instanceof QueryError) return () => false;
    throw err;
  }
}

/**
 * MailHog's search kinds, case-insensitive substrings: `from` = envelope sender or From header,
 * `to` = envelope recipients or To header, `containing` = any header or the still-encoded body
 * (i.e. the raw message), or the decoded text as Mailroom's free-text search sees it.
 */
export function mailhogSearch(kind: string, query: string): ((m: StoredMessage) => boolean) | null {
  const q = query.toLowerCase();
  switch (kind) {
    case 'from': {
      const header = field('from:', query);
      return (m) => m.envelope.mailFrom.toLowerCase().includes(q) || header(m);
    }
    case 'to': {
      const header = field('to:', query);
      return (m) => m.envelope.rcptTo.some((r) => r.toLowerCase().includes(q)) || header(m);
    }
    case 'containing': {
      const text = field('', query);
      // The raw bytes as latin1 hold one char per byte, so a UTF-8 query is compared as bytes too.
      const needle = Buffer.from(q, 'utf8').toString('latin1');
      return (m) => m.raw.toString('latin1').toLowerCase().includes(needle) || text(m);
    }
    default:
      return null;
  }
}

/** Registers the MailHog routes. */
export async function mailhogRoutes(app: FastifyInstance, { store }: { store: MessageStore }): Promise<void> {
  const hide = { schema: { hide: true } };

  app.get<{ Querystring: { start?: string; limit?: string } }>('/api/v2/messages', hide, async (request, reply) => {
    const { start, limit } = page(request.query);
    const list = store.list({ limit: start + limit });
    const items = list.messages.slice(start).map((m) => mailhogMessage(m));
    return json(reply, 'text/json', { total: list.total, count: items.length, start, items });
  });

  app.get<{ Querystring: { kind?: string; query?: string; start?: string; limit?: string } }>('/api/v2/search', hide, async (request, reply) => {
    const query = request.query.query ?? '';
    const filter = mailhogSearch(request.query.kind ?? '', query);
    if (!filter || !query) return empty(reply, 400);
    const { start, limit } = page(request.query);
    const list = store.list({ limit: start + limit, filter });
    const items = list.messages.slice(start).map((m) => mailhogMessage(m));
    // MailHog's memory store reports total 0 when start is past the matches.
    return json(reply, 'application/json', { total: start >= list.total ? 0 : list.total, count: items.length, start, items });
  });

  // MailHog's memory store answers an unknown id with 200 and a JSON null.
  app.get<{ Params: { id: string } }>('/api/v1/messages/:id', hide, async (request, reply) => {
    const m = store.get(request.params.id);
    return json(reply, 'text/json', m ? mailhogMessage(m) : null);
  });

  app.delete<{ Params: { id: string } }>('/api/v1/messages/:id', hide, async (request, reply) => {
    return empty(reply, store.delete([request.params.id]) === 1 ? 200 : 500);
  });

  app.get<{ Params: { id: string } }>('/api/v1/messages/:id/download', hide, async (request, reply) => {
    const m = store.get(request.params.id);
    if (!m) return empty(reply, 404);
    return reply.type('message/rfc822').header('Content-Disposition', contentDisposition(`${m.id}.eml`, 'message.eml')).send(m.raw);
  });

  app.get<{ Params: { id: string; n: string } }>('/api/v1/messages/:id/mime/part/:n/download', hide, async (request, reply) => {
    const m = store.get(request.params.id);
    const part = m ? mailhogMessage(m).MIME?.Parts[Number(request.params.n)] : undefined;
    if (!m || !part || !/^\d+$/.test(request.params.n)) return empty(reply, 404);
    const cte = (part.Headers['Content-Transfer-Encoding']?.[0] ?? '').trim().toLowerCase();
    const body = cte === 'base64' ? Buffer.from(part.Body.replace(/\s+/g, ''), 'base64') : Buffer.from(part.Body, 'utf8');
    // The part's own headers are sender-controlled: used only when they are plain printable ASCII.
    const printable = (v: string | undefined) => (v !== undefined && /^[\x20-\x7e\t]+$/.test(v) ? v : undefined);
    return reply
      .type(printable(part.Headers['Content-Type']?.[0]) ?? 'application/octet-stream')
      .header('Content-Disposition', printable(part.Headers['Content-Disposition']?.[0]) ?? contentDisposition(`${m.id}-part-${request.params.n}`, 'part'))
      .header('Content-Security-Policy', "sandbox; default-src 'none'")
      .send(body);
  });

  // Release needs an outbound relay Mailroom does not have yet: MailHog answers a release whose
  // SMTP delivery fails with 500 and an empty body. The body may come without a Content-Type
  // (the `mailhog` package sends none), so this route accepts untyped bodies.
  app.post<{ Params: { id: string } }>('/api/v1/messages/:id/release', { ...hide, config: { untypedBody: true } }, async (_request, reply) =>
    empty(reply, 500),
  );

  // Jim (MailHog's chaos monkey) is not available: every call answers as MailHog does with Jim
  // off (404, empty), so cypress-mailhog's mhGetJimMode reports false.
  for (const method of ['GET', 'POST', 'PUT', 'DELETE'] as const) {
    app.route({ method, url: '/api/v2/jim', ...hide, config: { untypedBody: true }, handler: async (_request, reply) => empty(reply, 404) });
  }

  app.get('/api/v2/outgoing-smtp', hide, async (_request, reply) => json(reply, 'application/json', {}));
}
