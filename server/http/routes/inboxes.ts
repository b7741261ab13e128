// Inboxes API: list with counts, delete one inbox's mail. Every message route takes `inbox` to scope.

import type { FastifyInstance } from 'fastify';
import type { MessageStore } from '../../store/store.js';
import { countResponse, errorSchema, inboxSchema } from '../schemas.js';
import { notFound } from '../errors.js';
import { normalizeInbox } from '../../mail/inbox-route.js';

/** Registers /api/inboxes routes. */
export async function inboxesRoutes(app: FastifyInstance, { store }: { store: MessageStore }): Promise<void> {
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

  app.delete<{ Params: { name: string } }>(
    '/api/inboxes/:name',
    {
      schema: {
        summary: "Delete an inbox's mail (the inbox disappears with its last message)",
        params: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 256 } } },
        response: { 200: countResponse('deleted'), 404: errorSchema },
      },
    },
    async (request) => {
      const name = normalizeInbox(request.params.name);
      if (!store.inboxes().some((i) => i.name === name)) throw notFound(`inbox ${request.params.name}`);
      return { deleted: store.clear(name) };
    },
  );
}
