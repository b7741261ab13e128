// Tags API: list with counts, rename and delete globally. Setting tags on messages is a PATCH on
// /api/messages (routes/messages.ts).

import type { FastifyInstance } from 'fastify';
import { fold } from '../../mail/fold.js';
import { normalizeTag } from '../../mail/tags.js';
import type { MessageStore } from '../../store/store.js';
import { ApiError, notFound } from '../errors.js';
import { countResponse, errorSchema, tagSchema } from '../schemas.js';

const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } } as const;

/** Registers /api/tags routes. */
export async function tagsRoutes(app: FastifyInstance, { store }: { store: MessageStore }): Promise<void> {
  const exists = (name: string) => {
    const key = fold(normalizeTag(name) ?? '');
    return store.tags().some((t) => fold(t.name) === key);
  };

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

  app.put<{ Params: { name: string }; Body: { name: string } }>(
    '/api/tags/:name',
    {
      schema: {
        summary: 'Rename a tag on every message (merging into an existing tag of that name)',
        params: nameParams,
        body: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 } }, additionalProperties: false },
        response: { 200: countResponse('updated'), 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      if (!normalizeTag(request.body.name)) throw new ApiError(400, 'bad_request', `"${request.body.name}" is not a usable tag name (letters, digits, - _ . @ and spaces)`);
      if (!exists(request.params.name)) throw notFound(`tag ${request.params.name}`);
      return { updated: store.renameTag(request.params.name, request.body.name) };
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/api/tags/:name',
    { schema: { summary: 'Remove a tag from every message', params: nameParams, response: { 200: countResponse('updated'), 404: errorSchema } } },
    async (request) => {
      if (!exists(request.params.name)) throw notFound(`tag ${request.params.name}`);
      return { updated: store.deleteTag(request.params.name) };
    },
  );
}
