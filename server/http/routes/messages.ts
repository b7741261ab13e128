// The native messages API: list, read, raw, headers, text, preview HTML, parts, mark read, delete.

import type { FastifyInstance } from 'fastify';
import type { StoredMessage } from '../../mail/types.js';
import { detailOf, summaryOf } from '../../mail/view.js';
import { countRemoteResources } from '../../mail/html.js';
import type { MessageStore } from '../../store/store.js';
import { ApiError, notFound } from '../errors.js';
import type { ParsedCache } from '../parsed-cache.js';
import { contentDisposition, safeContentType } from '../download.js';
import { countResponse, detailSchema, errorSchema, headerSchema, idParams, inboxSchema, listQuery, listResponse, summarySchema, tagSchema } from '../schemas.js';
import { sendPreview } from '../preview.js';
import { compileQuery, QueryError, type MessagePredicate } from '../../mail/search.js';

/** Compiles a search query, turning a QueryError into a 400 that says what and where. */
export function compileOrThrow(query: string): MessagePredicate {
  try {
    return compileQuery(query);
  } catch (err) {
    if (err instanceof QueryError) throw new ApiError(400, 'invalid_query', `${err.message} (at character ${err.position + 1})`);
    throw err;
  }
}

export interface MessagesRouteDeps {
  store: MessageStore;
  parsed: ParsedCache;
}

/** A query flag: ?x=1 / ?x=true turn it on. */
const flagSchema = { type: 'string', enum: ['1', '0', 'true', 'false', ''] } as const;
const isOn = (v: string | undefined) => v === '1' || v === 'true';

const idsBody = {
  type: 'object',
  properties: { ids: { type: 'array', items: { type: 'string' }, maxItems: 100_000 } },
  additionalProperties: false,
} as const;

/** Registers /api/messages routes. */
export async function messagesRoutes(app: FastifyInstance, { store, parsed }: MessagesRouteDeps): Promise<void> {
  const load = (id: string): StoredMessage => {
    const m = store.get(id);
    if (!m) throw notFound(`message ${id}`);
    return m;
  };
  const errors = { 400: errorSchema, 404: errorSchema };

  app.get<{ Querystring: { limit: number; cursor?: string; query?: string; inbox?: string } }>(
    '/api/messages',
    { schema: { summary: 'List or search messages, newest first', querystring: listQuery, response: { 200: listResponse, 400: errorSchema } } },
    async (request) => {
      const { limit, cursor, query, inbox } = request.query;
      const filter = query?.trim() ? compileOrThrow(query) : null;
      const page = store.list({ limit, cursor: cursor ?? null, inbox: inbox || null, filter });
      return { ...page, messages: page.messages.map(summaryOf) };
    },
  );

  app.get(
    '/api/inboxes',
    {
      schema: {
        summary: 'Inboxes with total and unread counts',
        response: { 200: { type: 'object', required: ['inboxes'], properties: { inboxes: { type: 'array', items: inboxSchema } } } },
      },
    },
    async () => ({ inboxes: store.inboxes() }),
  );

  app.get(
    '/api/tags',
    {
      schema: {
        summary: 'Tags with message counts',
        response: { 200: { type: 'object', required: ['tags'], properties: { tags: { type: 'array', items: tagSchema } } } },
      },
    },
    async () => ({ tags: store.tags() }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/messages/:id',
    { schema: { summary: 'One message: parsed view, envelope, parts', params: idParams, response: { 200: detailSchema, ...errors } } },
    async (request) => {
      const m = load(request.params.id);
      const p = await parsed.get(m);
      return { ...detailOf(m, p), remoteResources: p.html ? countRemoteResources(p.html) : 0 };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { download?: string } }>(
    '/api/messages/:id/raw',
    {
      schema: {
        summary: 'The exact bytes received (message/rfc822)',
        params: idParams,
        querystring: { type: 'object', properties: { download: flagSchema } },
      },
    },
    async (request, reply) => {
      const m = load(request.params.id);
      reply.type('message/rfc822');
      if (isOn(request.query.download)) reply.header('Content-Disposition', contentDisposition(`${m.id}.eml`, 'message.eml'));
      return reply.send(m.raw);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/messages/:id/headers',
    {
      schema: {
        summary: 'All headers, decoded, in message order',
        params: idParams,
        response: { 200: { type: 'object', required: ['headers'], properties: { headers: { type: 'array', items: headerSchema } } }, ...errors },
      },
    },
    async (request) => ({ headers: (await parsed.get(load(request.params.id))).headers }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/messages/:id/text',
    { schema: { summary: 'The text body (text/plain)', params: idParams } },
    async (request, reply) => {
      const p = await parsed.get(load(request.params.id));
      return reply.type('text/plain; charset=utf-8').send(p.text ?? '');
    },
  );

  app.get<{ Params: { id: string }; Querystring: { remote?: string } }>(
    '/api/messages/:id/html',
    {
      schema: {
        summary: 'HTML for the sandboxed preview frame; remote content blocked unless remote=1',
        params: idParams,
        querystring: { type: 'object', properties: { remote: flagSchema } },
      },
    },
    async (request, reply) => {
      const p = await parsed.get(load(request.params.id), true);
      return sendPreview(reply, p, isOn(request.query.remote));
    },
  );

  app.get<{ Params: { id: string; partId: string } }>(
    '/api/messages/:id/parts/:partId',
    {
      schema: {
        summary: 'Decoded bytes of one part (always as an attachment)',
        params: { type: 'object', required: ['id', 'partId'], properties: { ...idParams.properties, partId: { type: 'string', pattern: '^[0-9.]{1,64}$' } } },
      },
    },
    async (request, reply) => {
      const m = load(request.params.id);
      const part = (await parsed.get(m)).parts.find((x) => x.id === request.params.partId);
      if (!part) throw notFound(`part ${request.params.partId} of message ${m.id}`);
      reply.type(safeContentType(part.contentType));
      reply.header('Content-Disposition', contentDisposition(part.filename, `part-${part.id}`));
      reply.header('Content-Security-Policy', "sandbox; default-src 'none'");
      return reply.send(part.content);
    },
  );

  app.patch<{ Params: { id: string }; Body: { read: boolean } }>(
    '/api/messages/:id',
    {
      schema: {
        summary: 'Mark one message read or unread',
        params: idParams,
        body: { type: 'object', required: ['read'], properties: { read: { type: 'boolean' } }, additionalProperties: false },
        response: { 200: summarySchema, ...errors },
      },
    },
    async (request) => {
      const m = load(request.params.id);
      store.setRead([m.id], request.body.read);
      return summaryOf(m);
    },
  );

  app.patch<{ Body: { read: boolean; ids?: string[] } }>(
    '/api/messages',
    {
      schema: {
        summary: 'Mark the listed messages (or all) read or unread',
        body: { type: 'object', required: ['read'], properties: { read: { type: 'boolean' }, ids: idsBody.properties.ids }, additionalProperties: false },
        response: { 200: countResponse('updated'), 400: errorSchema },
      },
    },
    async (request) => {
      const { ids, read } = request.body;
      return { updated: store.setRead(ids ?? { all: true }, read) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/messages/:id',
    { schema: { summary: 'Delete one message', params: idParams, response: { 200: countResponse('deleted'), ...errors } } },
    async (request) => {
      if (store.delete([request.params.id]) === 0) throw notFound(`message ${request.params.id}`);
      return { deleted: 1 };
    },
  );

  app.delete<{ Body: { ids?: string[] } | undefined }>(
    '/api/messages',
    {
      // No body at all means "delete all"; validate it as an empty object.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        summary: 'Delete the listed messages, or all when no ids are given',
        body: idsBody,
        response: { 200: countResponse('deleted'), 400: errorSchema },
      },
    },
    async (request) => {
      const ids = request.body?.ids;
      if (ids && ids.length === 0) throw new ApiError(400, 'bad_request', 'ids is empty; omit it to delete all messages');
      return { deleted: ids ? store.delete(ids) : store.clear() };
    },
  );
}
