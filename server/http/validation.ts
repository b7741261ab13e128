// Request validation: the one file that uses ajv directly (fastify's own validator, pinned to the
// version fastify ships). Query strings and path parameters are text, so their numbers and lists
// are coerced ("?limit=5"); JSON bodies are not: a string where the schema wants an array or a
// number is a 400, never silently converted. Every failure becomes one message naming the field.

import { Ajv, type ErrorObject } from 'ajv';
import type { FastifyInstance } from 'fastify';

const common = { useDefaults: true, removeAdditional: false, allErrors: false, strict: false } as const;
const coercing = new Ajv({ ...common, coerceTypes: 'array' });
const exact = new Ajv({ ...common, coerceTypes: false });

export function installValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? exact : coercing).compile(schema));
}

const WHERE: Record<string, string> = { body: 'property', querystring: 'parameter', params: 'path parameter', headers: 'header' };

/** One line and the field it is about, from the first ajv error of a failed request. */
export function describeValidation(errors: readonly ErrorObject[], context: string | undefined): { message: string; field?: string } {
  const e = errors[0];
  if (!e) return { message: 'invalid request' };
  const kind = WHERE[context ?? ''] ?? 'field';
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const field = path ? `${path}.${name}` : name;
      return { message: `unknown ${kind} "${field}"`, field };
    }
    case 'required': {
      const name = String(params.missingProperty);
      const field = path ? `${path}.${name}` : name;
      return { message: `${kind} "${field}" is required`, field };
    }
    case 'type':
      return path ? { message: `${kind} "${path}" must be ${article(String(params.type))}`, field: path } : { message: `the ${context === 'body' ? 'JSON body' : kind} must be ${article(String(params.type))}` };
    case 'pattern':
      return { message: `${kind} "${path}" is malformed`, field: path };
    case 'enum':
      return { message: `${kind} "${path}" must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, field: path };
    default:
      return path ? { message: `${kind} "${path}" ${e.message ?? 'is invalid'}`, field: path } : { message: `the ${context === 'body' ? 'JSON body' : kind} ${e.message ?? 'is invalid'}` };
  }
}

function article(type: string): string {
  const t = type.replace(/,/g, ' or ');
  return /^(array|integer|object)/.test(t) ? `an ${t}` : `a ${t}`;
}
