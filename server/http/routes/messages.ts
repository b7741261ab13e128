// The native messages API: list, read, raw, headers, text, preview HTML, parts, mark read, delete.

import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/index.js';
import { partFileName } from '../../mail/part-name.js';
import { summaryOf } from '../../mail/view.js';
import { contentDisposition, safeContentType } from '../download.js';
import { countResponse, detailSchema, errorSchema, headerSchema, idParams, listQuery, listResponse, summarySchema } from '../schemas.js';
import { sendPreview } from '../preview.js';
import { searchParamsSchema, type SearchParams } from '../query.js';

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

/** A documented non-JSON 200 answer (not serialized: the handlers send strings and buffers). */
const bytes = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string' } } } });

/** Registers /api/messages routes. */
export async function messagesRoutes(app: FastifyInstance, { useCases }: { useCases: App }): Promise<void> {
  const errors = { 400: errorSchema, 404: errorSchema };

  app.get<{ Querystring: SearchParams & { limit: number; cursor?: string } }>(
    '/api/messages',
    { schema: { summary: 'List or search messages, newest first', querystring: listQuery, response: { 200: listResponse, 400: errorSchema } } },
    async (request) => {
      const page = await useCases.listMessages(request.query);
      return { ...page, messages: page.messages.map(summaryOf) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/messages/:id',
    { schema: { summary: 'One message: parsed view, envelope, parts', params: idParams, response: { 200: detailSchema, ...errors } } },
    async (request) => useCases.messageDetail(request.params.id),
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
      const raw = await useCases.readRaw(request.params.id);
      reply.type('message/rfc822');
      if (isOn(request.query.download)) reply.header('Content-Disposition', contentDisposition(`${request.params.id}.eml`, 'message.eml'));
      return reply.send(raw);
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
    async (request) => ({ headers: (await useCases.parsedMessage(await useCases.getMessage(request.params.id))).headers }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/messages/:id/text',
    { schema: { summary: 'The text body (text/plain)', params: idParams, response: { 200: bytes('text/plain', 'the text body'), ...errors } } },
    async (request, reply) => {
      const p = await useCases.parsedMessage(await useCases.getMessage(request.params.id));
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
      const p = await useCases.parsedMessage(await useCases.getMessage(request.params.id), { inlineImages: true });
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
      const { part } = await useCases.messagePart(request.params.id, request.params.partId);
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
    async (request) => summaryOf(await useCases.updateMessage(request.params.id, request.body)),
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
      const { read, tags, addTags, removeTags, ...target } = request.body;
      return { updated: await useCases.changeMessages(target, { read, tags, addTags, removeTags }) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/messages/:id',
    { schema: { summary: 'Delete one message', params: idParams, response: { 200: countResponse('deleted'), ...errors } } },
    async (request) => {
      await useCases.deleteMessage(request.params.id);
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
      return { deleted: await useCases.deleteMessages({ ...request.query, ...(request.body ?? {}) }) };
    },
  );
}
