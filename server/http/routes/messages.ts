// The native messages API: list, read, raw, headers, text, preview HTML, parts, mark read, delete.

import { partFileName } from '../../mail/part-name.js';
import type { FastifyInstance } from 'fastify';
import type { StoredMessage } from '../../mail/types.js';
import { detailOf, summaryOf } from '../../mail/view.js';
import { countRemoteResources } from '../../mail/html.js';
import type { MessageStore } from '../../store/store.js';
import { ApiError, notFound } from '../errors.js';
import type { ParsedCache } from '../parsed-cache.js';
import { contentDisposition, safeContentType } from '../download.js';
import { countResponse, detailSchema, errorSchema, headerSchema, idParams, listQuery, listResponse, summarySchema } from '../schemas.js';
import { sendPreview } from '../preview.js';
import { normalizeTag } from '../../mail/tags.js';
import { isScoped, scopeOf, searchParamsSchema, type SearchParams } from '../query.js';

export { compileOrThrow } from '../query.js';

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

const tagList = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 100 } as const;

/** Body of the bulk PATCH: what to change, and which messages (ids, or a scope). */
interface BulkBody extends SearchParams {
  read?: boolean;
  tags?: string[];
  addTags?: string[];
  removeTags?: string[];
  ids?: string[];
}

/** Rejects tags with no usable characters (they would otherwise vanish silently). */
function checkTags(...lists: Array<readonly string[] | undefined>): void {
  for (const list of lists) {
    for (const t of list ?? []) {
      if (!normalizeTag(t)) throw new ApiError(400, 'bad_request', `tag ${JSON.stringify(t)} has no usable characters (letters, digits, - _ . @ and spaces)`);
    }
  }
}

/** The explicit ids of a bulk request, or null when it targets a scope; ids plus a scope is a 400. */
function targetIds(params: SearchParams & { ids?: string[] }): string[] | null {
  if (!params.ids) return null;
  if (isScoped(params)) throw new ApiError(400, 'bad_request', 'give either ids or inbox/query, not both');
  return params.ids;
}

/** A documented non-JSON 200 answer (not serialized: the handlers send strings and buffers). */
const bytes = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string' } } } });

/** Registers /api/messages routes. */
export async function messagesRoutes(app: FastifyInstance, { store, parsed }: MessagesRouteDeps): Promise<void> {
  const load = (id: string): StoredMessage => {
    const m = store.get(id);
    if (!m) throw notFound(`message ${id}`);
    return m;
  };
  const errors = { 400: errorSchema, 404: errorSchema };

  app.get<{ Querystring: SearchParams & { limit: number; cursor?: string } }>(
    '/api/messages',
    { schema: { summary: 'List or search messages, newest first', querystring: listQuery, response: { 200: listResponse, 400: errorSchema } } },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = store.list({ limit, cursor: cursor ?? null, ...scopeOf(request.query) });
      return { ...page, messages: page.messages.map(summaryOf) };
    },
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
        response: { 200: bytes('message/rfc822', 'the message exactly as received'), ...errors },
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
    { schema: { summary: 'The text body (text/plain)', params: idParams, response: { 200: bytes('text/plain', 'the text body'), ...errors } } },
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
        response: { 200: bytes('text/html', 'the HTML under a sandboxing Content-Security-Policy'), ...errors },
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
        response: { 200: bytes('application/octet-stream', 'the decoded part, with its own content type'), ...errors },
      },
    },
    async (request, reply) => {
      const m = load(request.params.id);
      const part = (await parsed.get(m)).parts.find((x) => x.id === request.params.partId);
      if (!part) throw notFound(`part ${request.params.partId} of message ${m.id}`);
      reply.type(safeContentType(part.contentType));
      reply.header('Content-Disposition', contentDisposition(part.filename, partFileName(part)));
      reply.header('Content-Security-Policy', "sandbox; default-src 'none'");
      return reply.send(part.content);
    },
  );

  app.patch<{ Params: { id: string }; Body: { read?: boolean; tags?: string[] } }>(
    '/api/messages/:id',
    {
      schema: {
        summary: 'Mark one message read or unread and/or replace its tags',
        params: idParams,
        body: { type: 'object', minProperties: 1, properties: { read: { type: 'boolean' }, tags: tagList }, additionalProperties: false },
        response: { 200: summarySchema, ...errors },
      },
    },
    async (request) => {
      const m = load(request.params.id);
      const { read, tags } = request.body;
      checkTags(tags);
      if (read !== undefined) store.setRead([m.id], read);
      if (tags) store.updateTags([m.id], { set: tags });
      return summaryOf(m);
    },
  );

  app.patch<{ Body: BulkBody }>(
    '/api/messages',
    {
      schema: {
        summary: 'Mark read/unread and/or change tags of the listed messages, or of all in scope (inbox, query)',
        body: {
          type: 'object',
          minProperties: 1,
          properties: { read: { type: 'boolean' }, tags: tagList, addTags: tagList, removeTags: tagList, ids: idsBody.properties.ids, ...searchParamsSchema },
          additionalProperties: false,
        },
        response: { 200: countResponse('updated'), 400: errorSchema },
      },
    },
    async (request) => {
      const body = request.body;
      const { read, tags, addTags, removeTags } = body;
      const tagging = tags !== undefined || addTags !== undefined || removeTags !== undefined;
      if (read === undefined && !tagging) throw new ApiError(400, 'bad_request', 'nothing to change: give read, tags, addTags or removeTags');
      checkTags(tags, addTags);
      const targets = targetIds(body) ?? store.select(scopeOf(body)).map((m) => m.id);
      const updated = new Set<string>();
      if (read !== undefined) {
        for (const id of targets) if (store.get(id)?.read === !read) updated.add(id);
        store.setRead(targets, read);
      }
      if (tagging) for (const m of store.updateTags(targets, { set: tags, add: addTags, remove: removeTags })) updated.add(m.id);
      return { updated: updated.size };
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

  app.delete<{ Body: (SearchParams & { ids?: string[] }) | undefined; Querystring: SearchParams }>(
    '/api/messages',
    {
      // No body at all means "delete all"; validate it as an empty object.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        summary: 'Delete the listed messages, or all in scope (inbox, query; in the body or the query string), or everything',
        body: { ...idsBody, properties: { ...idsBody.properties, ...searchParamsSchema } },
        querystring: { type: 'object', properties: searchParamsSchema, additionalProperties: false },
        response: { 200: countResponse('deleted'), 400: errorSchema },
      },
    },
    async (request) => {
      const params: SearchParams & { ids?: string[] } = { ...request.query, ...(request.body ?? {}) };
      if (params.ids && params.ids.length === 0) throw new ApiError(400, 'bad_request', 'ids is empty; omit it to delete all messages');
      const ids = targetIds(params);
      if (ids) return { deleted: store.delete(ids) };
      if (!params.query?.trim()) return { deleted: store.clear(params.inbox || null) };
      return { deleted: store.delete(store.select(scopeOf(params)).map((m) => m.id)) };
    },
  );
}
