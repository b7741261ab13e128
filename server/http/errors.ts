// API errors: the one mapping of the use-case layer's DomainError to HTTP (status by kind, the
// native JSON body {"error":{"code","message","field"?}}), one fastify error handler that also
// maps what fastify itself refuses (bad JSON, wrong content type, body too large, failed
// validation) and 404/405 for unknown routes and methods. Internals never leak. ApiError is for
// the few refusals that belong to HTTP itself (a dialect's own parameter rules).

import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorObject } from 'ajv';
import { DomainError, type DomainErrorKind } from '../app/index.js';
import { describeValidation } from './validation.js';
import { errorSchema } from './schemas.js';

/** An error the API reports as-is. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The JSON error body. */
export function errorBody(code: string, message: string, field?: string) {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad_request'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json'],
};

/** The HTTP status of each kind of domain error. */
export const STATUS_OF: Record<DomainErrorKind, number> = {
  'not-found': 404,
  invalid: 400,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
  'too-large': 413,
  'too-many': 429,
};

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

interface RouteSchema {
  hide?: boolean;
  params?: unknown;
  querystring?: unknown;
  body?: unknown;
  response?: Record<string, unknown>;
}

/**
 * Adds the errors a documented route can answer to its response schema (and so to the OpenAPI
 * document): 400 when it takes any input, 404 when a path parameter names a resource. Routes
 * hidden from the document (the Mailpit and MailHog dialects) keep their peers' answers.
 */
function documentErrors(schema: RouteSchema | undefined): void {
  if (!schema || schema.hide || !schema.response) return;
  if ((schema.params || schema.querystring || schema.body) && !schema.response[400]) schema.response[400] = errorSchema;
  if (schema.params && !schema.response[404]) schema.response[404] = errorSchema;
}

/** Installs the one error handler and the JSON 404/405 for unknown routes and methods. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (err instanceof ApiError) return reply.code(err.statusCode).send(errorBody(err.code, err.message, err.field));
    if (err instanceof DomainError) return reply.code(STATUS_OF[err.kind]).send(errorBody(err.code, err.message, err.field));
    const fe = err as FastifyError & { validation?: ErrorObject[]; validationContext?: string };
    if (fe.validation) {
      const { message, field } = describeValidation(fe.validation, fe.validationContext);
      return reply.code(400).send(errorBody('bad_request', message, field));
    }
    const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
    if (mapped) return reply.code(mapped[0]).send(errorBody(mapped[1], fe.message));
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(fe.statusCode).send(errorBody('bad_request', fe.message));
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send(errorBody('internal', 'internal server error'));
  });

  // Every route's path as a pattern, so an unknown method on a known path is a 405 with Allow.
  const routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  app.addHook('onRoute', (route) => {
    documentErrors(route.schema as RouteSchema | undefined);
    const source = '^' + route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/:[^/]+/g, '[^/]+') + '/?$';
    let entry = routes.find((r) => r.pattern.source === source);
    if (!entry) routes.push((entry = { pattern: new RegExp(source), methods: new Set() }));
    for (const m of [route.method].flat()) entry.methods.add(m.toUpperCase());
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!.replace(/\/{2,}/g, '/');
    const allowed = new Set<string>();
    for (const r of routes) if (r.pattern.test(path)) for (const m of r.methods) allowed.add(m);
    if (allowed.size && !allowed.has(request.method)) {
      const allow = METHODS.filter((m) => allowed.has(m)).join(', ');
      return reply.code(405).header('allow', allow).send(errorBody('method_not_allowed', `${request.method} is not allowed on ${path}; use ${allow}`));
    }
    return reply.code(404).send(errorBody('not_found', `no route for ${request.method} ${path}`));
  });
}
