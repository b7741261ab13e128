// Tags API: list with counts, rename and delete globally. Setting tags on messages is a PATCH on
// /api/messages (routes/messages.ts).

import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/index.js';
import { countResponse, errorSchema, tagSchema } from '../schemas.js';

const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } } as const;

/** Registers /api/tags routes. */
export async function tagsRoutes(app: FastifyInstance, { useCases }: { useCases: App }): Promise<void> {
  app.get(
    '/api/tags',
    {
      schema: {
        summary: 'Tags with message counts',
        response: { 200: { type: 'object', required: ['tags'], properties: { tags: { type: 'array', items: tagSchema } } } },
      },
    },
    async () => ({ tags: await useCases.listTags() }),
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
    async (request) => ({ updated: await useCases.renameTag(request.params.name, request.body.name) }),
  );

  app.delete<{ Params: { name: string } }>(
    '/api/tags/:name',
    { schema: { summary: 'Remove a tag from every message', params: nameParams, response: { 200: countResponse('updated'), 404: errorSchema } } },
    async (request) => ({ updated: await useCases.deleteTag(request.params.name) }),
  );
}
