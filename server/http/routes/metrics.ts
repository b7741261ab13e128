// GET /metrics: Prometheus text exposition of one instance's registry.

import type { FastifyInstance } from 'fastify';

export interface MetricsRouteDeps {
  metrics: { readonly contentType: string; render(): Promise<string> };
}

/** Registers /metrics. */
export async function metricsRoutes(app: FastifyInstance, { metrics }: MetricsRouteDeps): Promise<void> {
  app.get('/metrics', { schema: { summary: 'Prometheus metrics (text exposition format)' } }, async (_request, reply) => {
    const body = await metrics.render();
    return reply.type(metrics.contentType).header('Cache-Control', 'no-store').send(body);
  });
}
