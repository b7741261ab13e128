// Failure injection over the native API: the rule list with fire counts (add, replace, patch,
// delete, clear, reset counts), the magic-address switch, and the rejected list.

import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/index.js';
import type { FaultRuleInput } from '../../faults/rules.js';
import { errorSchema } from '../schemas.js';
import { rejectedSchema, ruleInputSchema, rulePatchSchema, ruleSchema, rulesResponse } from '../unhappy-schemas.js';

const ruleId = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' } } } as const;
const errors = { 400: errorSchema, 404: errorSchema, 409: errorSchema };

/** Registers /api/faults/* and /api/rejected. */
export async function faultRoutes(app: FastifyInstance, { useCases }: { useCases: App }): Promise<void> {
  app.get('/api/faults/rules', { schema: { summary: 'Failure-injection rules in evaluation order, with fire counts', response: { 200: rulesResponse } } }, async () => useCases.listFaultRules());

  app.post<{ Body: FaultRuleInput; Querystring: { position?: number } }>(
    '/api/faults/rules',
    {
      schema: {
        summary: 'Add a rule (at the end, or at ?position=)',
        body: ruleInputSchema,
        querystring: { type: 'object', properties: { position: { type: 'integer', minimum: 0 } }, additionalProperties: false },
        response: { 201: ruleSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await useCases.addFaultRule(request.body, request.query.position)),
  );

  app.get<{ Params: { id: string } }>(
    '/api/faults/rules/:id',
    { schema: { summary: 'One rule with its fire counts', params: ruleId, response: { 200: ruleSchema, 404: errorSchema } } },
    async (request) => useCases.getFaultRule(request.params.id),
  );

  app.put<{ Params: { id: string }; Body: FaultRuleInput }>(
    '/api/faults/rules/:id',
    { schema: { summary: 'Replace a rule (counts kept); creates it when the id is new', params: ruleId, body: ruleInputSchema, response: { 200: ruleSchema, 201: ruleSchema, ...errors } } },
    async (request, reply) => {
      const { rule, created } = await useCases.putFaultRule(request.params.id, request.body);
      return reply.code(created ? 201 : 200).send(rule);
    },
  );

  app.patch<{ Params: { id: string }; Body: Partial<FaultRuleInput> }>(
    '/api/faults/rules/:id',
    { schema: { summary: 'Change some fields of a rule, e.g. {"enabled": false}', params: ruleId, body: rulePatchSchema, response: { 200: ruleSchema, ...errors } } },
    async (request) => useCases.patchFaultRule(request.params.id, request.body),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/faults/rules/:id',
    { schema: { summary: 'Remove a rule', params: ruleId, response: { 204: { type: 'null' }, 404: errorSchema } } },
    async (request, reply) => {
      await useCases.deleteFaultRule(request.params.id);
      return reply.code(204).send();
    },
  );

  app.delete(
    '/api/faults/rules',
    { schema: { summary: 'Remove every rule', response: { 200: { type: 'object', required: ['deleted'], properties: { deleted: { type: 'integer' } } } } } },
    async () => ({ deleted: await useCases.clearFaultRules() }),
  );

  app.post(
    '/api/faults/reset-counts',
    { schema: { summary: "Zero every rule's matched/fired counts", response: { 200: rulesResponse } } },
    async () => useCases.resetFaultCounts(),
  );

  app.put<{ Body: { magicAddresses: boolean } }>(
    '/api/faults/settings',
    {
      schema: {
        summary: 'Turn magic addresses on or off at run time',
        body: { type: 'object', required: ['magicAddresses'], properties: { magicAddresses: { type: 'boolean' } }, additionalProperties: false },
        response: { 200: { type: 'object', required: ['magicAddresses'], properties: { magicAddresses: { type: 'boolean' } } } },
      },
    },
    async (request) => ({ magicAddresses: await useCases.setMagicAddresses(request.body.magicAddresses) }),
  );

  app.get<{ Querystring: { limit: number; before?: number } }>(
    '/api/rejected',
    {
      schema: {
        summary: 'Refused, cut-off and dropped SMTP attempts, newest first',
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, before: { type: 'integer', minimum: 1, description: 'page: entries with seq below this' } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            required: ['attempts', 'total', 'dropped'],
            properties: { attempts: { type: 'array', items: rejectedSchema }, total: { type: 'integer' }, dropped: { type: 'integer', description: 'older entries forgotten to stay bounded' } },
          },
        },
      },
    },
    async (request) => useCases.listRejected(request.query.limit, request.query.before),
  );

  app.delete('/api/rejected', { schema: { summary: 'Empty the rejected list', response: { 204: { type: 'null' } } } }, async (_request, reply) => {
    await useCases.clearRejected();
    return reply.code(204).send();
  });
}
