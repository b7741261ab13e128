// Failure injection over the native API: the rule list with fire counts (add, replace, patch,
// delete, clear, reset counts), the magic-address switch, and the rejected list.

import type { FastifyInstance } from 'fastify';
import { RuleLookupError, type FaultController } from '../../faults/controller.js';
import type { RejectedLog } from '../../faults/rejected-log.js';
import { RuleError, type FaultRuleInput } from '../../faults/rules.js';
import { ApiError } from '../errors.js';
import { errorSchema } from '../schemas.js';
import { rejectedSchema, ruleInputSchema, rulePatchSchema, ruleSchema, rulesResponse } from '../unhappy-schemas.js';

export interface FaultRouteDeps {
  faults: FaultController;
  rejected: RejectedLog;
}

/** Turns rule-domain errors into API errors. */
function mapped<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof RuleError) throw new ApiError(400, 'invalid_rule', err.message);
    if (err instanceof RuleLookupError) throw new ApiError(err.code === 'not_found' ? 404 : 409, err.code, err.message);
    throw err;
  }
}

const ruleId = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' } } } as const;
const errors = { 400: errorSchema, 404: errorSchema, 409: errorSchema };

/** Registers /api/faults/* and /api/rejected. */
export async function faultRoutes(app: FastifyInstance, { faults, rejected }: FaultRouteDeps): Promise<void> {
  const all = () => ({ rules: faults.list(), magicAddresses: faults.magicAddresses });

  app.get('/api/faults/rules', { schema: { summary: 'Failure-injection rules in evaluation order, with fire counts', response: { 200: rulesResponse } } }, async () => all());

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
    async (request, reply) => reply.code(201).send(mapped(() => faults.add(request.body, request.query.position))),
  );

  app.get<{ Params: { id: string } }>(
    '/api/faults/rules/:id',
    { schema: { summary: 'One rule with its fire counts', params: ruleId, response: { 200: ruleSchema, 404: errorSchema } } },
    async (request) => {
      const rule = faults.get(request.params.id);
      if (!rule) throw new ApiError(404, 'not_found', `rule ${request.params.id} not found`);
      return rule;
    },
  );

  app.put<{ Params: { id: string }; Body: FaultRuleInput }>(
    '/api/faults/rules/:id',
    { schema: { summary: 'Replace a rule (counts kept); creates it when the id is new', params: ruleId, body: ruleInputSchema, response: { 200: ruleSchema, 201: ruleSchema, ...errors } } },
    async (request, reply) => {
      const { id } = request.params;
      if (!faults.get(id)) return reply.code(201).send(mapped(() => faults.add({ ...request.body, id })));
      return mapped(() => faults.replace(id, request.body));
    },
  );

  app.patch<{ Params: { id: string }; Body: Partial<FaultRuleInput> }>(
    '/api/faults/rules/:id',
    { schema: { summary: 'Change some fields of a rule, e.g. {"enabled": false}', params: ruleId, body: rulePatchSchema, response: { 200: ruleSchema, ...errors } } },
    async (request) => mapped(() => faults.patch(request.params.id, request.body)),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/faults/rules/:id',
    { schema: { summary: 'Remove a rule', params: ruleId, response: { 204: { type: 'null' }, 404: errorSchema } } },
    async (request, reply) => {
      if (!faults.remove(request.params.id)) throw new ApiError(404, 'not_found', `rule ${request.params.id} not found`);
      return reply.code(204).send();
    },
  );

  app.delete(
    '/api/faults/rules',
    { schema: { summary: 'Remove every rule', response: { 200: { type: 'object', required: ['deleted'], properties: { deleted: { type: 'integer' } } } } } },
    async () => ({ deleted: faults.clear() }),
  );

  app.post(
    '/api/faults/reset-counts',
    { schema: { summary: "Zero every rule's matched/fired counts", response: { 200: rulesResponse } } },
    async () => {
      faults.resetStats();
      return all();
    },
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
    async (request) => {
      faults.magicAddresses = request.body.magicAddresses;
      return { magicAddresses: faults.magicAddresses };
    },
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
    async (request) => rejected.list(request.query.limit, request.query.before),
  );

  app.delete('/api/rejected', { schema: { summary: 'Empty the rejected list', response: { 204: { type: 'null' } } } }, async (_request, reply) => {
    rejected.clear();
    return reply.code(204).send();
  });
}
