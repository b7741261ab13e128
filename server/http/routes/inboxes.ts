// Inboxes API: list with counts, delete one inbox's mail. Every message route takes `inbox` to scope.

import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/index.js';
import { countResponse, errorSchema, inboxSchema } from '../schemas.js';

/** Registers /api/inboxes routes. */
export async function inboxesRoutes(app: FastifyInstance, { useCases }: { useCases: App }): Promise<void> {
  app.get(
    '/api/inboxes',
    {
      schema: {
        summary: 'Inboxes with total and unread counts',
        response: { 200: { type: 'object', required: ['inboxes'], properties: { inboxes: { type: 'array', items: inboxSchema } } } },
      },
    },
    async () => ({ inboxes: await useCases.listInboxes() }),
  );

  app.delete<{ Params: { name: string } }>(
    '/api/inboxes/:name',
    {
      schema: {
        summary: "Delete an inbox's mail (the inbox disappears with its last message)",
        params: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 256 } } },
        response: { 200: countResponse('deleted'), 404: errorSchema },
      },
    },
    async (request) => ({ deleted: await useCases.deleteInbox(request.params.name) }),
  );
}
