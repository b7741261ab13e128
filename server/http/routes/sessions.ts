// SMTP sessions and transcripts over the native API: recent sessions (open, delivered, rejected,
// cut off), one session's transcript, and the transcript kept with a message.

import type { FastifyInstance } from 'fastify';
import type { SessionRegistry } from '../../sessions/sessions.js';
import type { App } from '../../app/index.js';
import { ApiError } from '../errors.js';
import { errorSchema, idParams } from '../schemas.js';
import { entrySchema, sessionSchema, transcriptSchema } from '../unhappy-schemas.js';

export interface SessionRouteDeps {
  sessions: SessionRegistry;
  useCases: App;
}

/** Registers /api/sessions and /api/messages/:id/transcript. */
export async function sessionRoutes(app: FastifyInstance, { sessions, useCases }: SessionRouteDeps): Promise<void> {
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
    async (request) => ({ sessions: sessions.list(request.query.limit), recording: sessions.recording }),
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
    async (request) => {
      const d = sessions.detail(request.params.id);
      if (!d) throw new ApiError(404, 'not_found', `session ${request.params.id} not found (it may have aged out)`);
      return d;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/messages/:id/transcript',
    { schema: { summary: 'The SMTP transcript of the session that delivered this message', params: idParams, response: { 200: transcriptSchema, 404: errorSchema } } },
    async (request) => {
      const { id } = request.params;
      await useCases.getMessage(id); // not-found first: an unknown message, not a missing transcript
      const t = sessions.transcript(id);
      if (!t) throw new ApiError(404, 'no_transcript', `message ${id} has no transcript (transcripts off, or it did not come through SMTP)`);
      return t;
    },
  );
}
