// SMTP sessions and transcripts over the native API: recent sessions (open, delivered, rejected,
// cut off), one session's transcript, and the transcript kept with a message.

import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/index.js';
import { errorSchema, idParams } from '../schemas.js';
import { entrySchema, sessionSchema, transcriptSchema } from '../unhappy-schemas.js';

/** Registers /api/sessions and /api/messages/:id/transcript. */
export async function sessionRoutes(app: FastifyInstance, { useCases }: { useCases: App }): Promise<void> {
  app.get<{ Querystring: { limit: number } }>(
    '/api/sessions',
    {
      schema: {
        summary: 'Recent SMTP sessions, open ones first, then newest first (bounded by --sessions-log-size)',
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } }, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            required: ['sessions', 'recording'],
            properties: { sessions: { type: 'array', items: sessionSchema }, recording: { type: 'boolean', description: 'false when started with --transcripts false' } },
          },
        },
      },
    },
    async (request) => useCases.listSessions(request.query.limit),
  );

  app.get<{ Params: { id: string } }>(
    '/api/sessions/:id',
    {
      schema: {
        summary: "One session with its transcript (AUTH secrets masked, DATA summarised by size)",
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } } },
        response: {
          200: { type: 'object', required: ['session', 'entries', 'omitted'], properties: { session: sessionSchema, entries: { type: 'array', items: entrySchema }, omitted: { type: 'integer' } } },
          404: errorSchema,
        },
      },
    },
    async (request) => useCases.sessionDetail(request.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/api/messages/:id/transcript',
    { schema: { summary: 'The SMTP transcript of the session that delivered this message', params: idParams, response: { 200: transcriptSchema, 404: errorSchema } } },
    async (request) => useCases.messageTranscript(request.params.id),
  );
}
