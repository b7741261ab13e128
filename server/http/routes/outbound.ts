// Release and webhooks over the native API: release a message to the configured upstream, its
// release history, relay settings and auto-relay queue, webhook delivery status.

import type { FastifyInstance } from 'fastify';
import type { AutoRelay } from '../../outbound/auto-relay.js';
import type { App } from '../../app/index.js';
import type { Relay } from '../../outbound/relay.js';
import type { Webhooks } from '../../outbound/webhooks.js';
import { errorBody } from '../errors.js';
import { errorSchema, idParams } from '../schemas.js';
import { queueStatsSchema, releaseRecordSchema } from '../unhappy-schemas.js';

export interface OutboundRouteDeps {
  useCases: App;
  /** The relay's settings, for GET /api/relay (releases go through the use cases). */
  relay: Relay;
  autoRelay: AutoRelay | null;
  autoQuery: string;
  webhooks: Webhooks | null;
}

const MAX_RELEASE_RECIPIENTS = 100;

/** Registers release, relay and webhook routes. */
export async function outboundRoutes(app: FastifyInstance, deps: OutboundRouteDeps): Promise<void> {
  const { useCases, relay } = deps;

  app.post<{ Params: { id: string }; Body: { to: string[] } }>(
    '/api/messages/:id/release',
    {
      schema: {
        summary: 'Send the message as captured (Bcc header removed) to the configured upstream SMTP server',
        params: idParams,
        body: {
          type: 'object',
          required: ['to'],
          properties: { to: { type: 'array', items: { type: 'string', maxLength: 320 }, minItems: 1, maxItems: MAX_RELEASE_RECIPIENTS } },
          additionalProperties: false,
        },
        response: {
          200: releaseRecordSchema,
          400: errorSchema,
          403: errorSchema,
          404: errorSchema,
          502: { type: 'object', required: ['error', 'result'], properties: { ...errorSchema.properties, result: releaseRecordSchema } },
        },
      },
    },
    async (request, reply) => {
      const record = await useCases.releaseMessage(request.params.id, request.body.to.map((a) => a.trim()));
      if (record.ok) return record;
      return reply.code(502).send({ ...errorBody('upstream_failed', record.error ?? 'the upstream server refused the message'), result: record });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/messages/:id/releases',
    {
      schema: {
        summary: 'Release and auto-relay attempts for this message, oldest first',
        params: idParams,
        response: { 200: { type: 'object', required: ['releases'], properties: { releases: { type: 'array', items: releaseRecordSchema } } }, 404: errorSchema },
      },
    },
    async (request) => ({ releases: await useCases.releaseHistory(request.params.id) }),
  );

  app.get(
    '/api/relay',
    {
      schema: {
        summary: 'Release settings (no password) and the auto-relay queue',
        response: {
          200: {
            type: 'object',
            required: ['configured', 'host', 'port', 'security', 'auth', 'allowedRecipients', 'from', 'auto'],
            properties: {
              configured: { type: 'boolean' },
              host: { type: 'string' },
              port: { type: 'integer' },
              security: { type: 'string', enum: ['starttls', 'tls', 'none'] },
              auth: { type: 'boolean' },
              allowedRecipients: { type: ['string', 'null'], description: 'regular expression source; null allows none' },
              from: { type: ['string', 'null'] },
              auto: {
                type: 'object',
                required: ['enabled', 'query', 'queue'],
                properties: { enabled: { type: 'boolean' }, query: { type: ['string', 'null'] }, queue: { anyOf: [queueStatsSchema, { type: 'null' }] } },
              },
            },
          },
        },
      },
    },
    async () => ({
      ...relay.describe(),
      auto: deps.autoRelay ? { enabled: true, query: deps.autoQuery || null, queue: deps.autoRelay.stats() } : { enabled: false, query: null, queue: null },
    }),
  );

  app.get(
    '/api/webhooks',
    {
      schema: {
        summary: 'Webhook endpoints with delivery counts, the queue (drops counted) and recent deliveries',
        response: {
          200: {
            type: 'object',
            properties: {
              enabled: { type: 'boolean' },
              signed: { type: 'boolean' },
              query: { type: ['string', 'null'] },
              endpoints: { type: 'array', items: { type: 'object', properties: { url: { type: 'string' }, delivered: { type: 'integer' }, failed: { type: 'integer' }, lastStatus: { type: ['integer', 'null'] }, lastError: { type: ['string', 'null'] }, lastAttemptAt: { type: ['string', 'null'] } } } },
              queue: { anyOf: [queueStatsSchema, { type: 'null' }] },
              recent: {
                type: 'array',
                items: { type: 'object', properties: { id: { type: 'string' }, messageId: { type: 'string' }, url: { type: 'string' }, state: { type: 'string' }, attempts: { type: 'integer' }, lastStatus: { type: ['integer', 'null'] }, lastError: { type: ['string', 'null'] }, updatedAt: { type: 'string' } } },
              },
            },
          },
        },
      },
    },
    async () => deps.webhooks?.status() ?? { enabled: false, signed: false, query: null, endpoints: [], queue: null, recent: [] },
  );
}
