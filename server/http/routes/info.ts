// Server info and health: /api/info, /livez, /readyz.

import type { FastifyInstance } from 'fastify';

export interface InfoRouteDeps {
  /** Everything /api/info reports (version, counts, counters). */
  info: () => Record<string, unknown>;
  /** True once every listener is up and until shutdown begins. */
  ready: () => boolean;
}

/** Registers the info and health routes. */
export async function infoRoutes(app: FastifyInstance, { info, ready }: InfoRouteDeps): Promise<void> {
  app.get('/api/info', { schema: { summary: 'Version, counts and counters' } }, async () => info());
  app.get('/livez', { schema: { summary: 'Liveness: the process answers' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { summary: 'Readiness: SMTP and HTTP are listening' } }, async (_request, reply) => {
    if (!ready()) return reply.code(503).send({ status: 'starting' });
    return { status: 'ok' };
  });
}
