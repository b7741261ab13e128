// JSON schemas of the native API: request validation, fast serialisation, and the source the
// OpenAPI document is generated from. Shapes mirror server/mail/types.ts.

import { ID_PATTERN } from '../mail/id.js';
import { MAX_PAGE } from '../app/index.js';

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const bool = { type: 'boolean' } as const;
const int = { type: 'integer' } as const;

export const addressSchema = {
  type: 'object',
  required: ['name', 'address'],
  properties: { name: str, address: str },
} as const;

const addressList = { type: 'array', items: addressSchema } as const;

export const partSchema = {
  type: 'object',
  required: ['id', 'filename', 'contentType', 'size', 'checksum', 'contentId', 'disposition', 'related'],
  properties: {
    id: str,
    filename: nullableStr,
    contentType: str,
    size: int,
    checksum: { ...str, description: 'SHA-256 of the decoded bytes, hex' },
    contentId: nullableStr,
    disposition: nullableStr,
    related: bool,
  },
} as const;

const summaryProperties = {
  id: str,
  inbox: str,
  receivedAt: { ...str, format: 'date-time' },
  size: { ...int, description: 'raw size in bytes' },
  read: bool,
  tags: { type: 'array', items: str },
  from: { anyOf: [addressSchema, { type: 'null' }] },
  to: addressList,
  cc: addressList,
  bcc: { ...addressList, description: 'Bcc header plus envelope recipients named in no To/Cc header' },
  subject: str,
  snippet: str,
  date: { ...nullableStr, description: 'Date header, ISO 8601' },
  messageId: nullableStr,
  attachments: int,
  inline: int,
  parseError: { ...nullableStr, description: 'set when the message could not be parsed; raw bytes are still kept' },
} as const;

export const summarySchema = {
  type: 'object',
  required: Object.keys(summaryProperties),
  properties: summaryProperties,
} as const;

export const envelopeSchema = {
  type: 'object',
  required: ['mailFrom', 'rcptTo', 'remoteAddress', 'heloName', 'authUser', 'secure'],
  properties: {
    mailFrom: str,
    rcptTo: { type: 'array', items: str },
    remoteAddress: str,
    heloName: str,
    authUser: nullableStr,
    secure: bool,
  },
} as const;

export const headerSchema = { type: 'object', required: ['name', 'value'], properties: { name: str, value: str } } as const;

export const detailSchema = {
  type: 'object',
  required: [...Object.keys(summaryProperties), 'replyTo', 'headers', 'text', 'html', 'envelope', 'parts', 'remoteResources'],
  properties: {
    ...summaryProperties,
    replyTo: addressList,
    headers: { type: 'array', items: headerSchema },
    text: nullableStr,
    html: nullableStr,
    envelope: envelopeSchema,
    parts: { type: 'array', items: partSchema },
    remoteResources: { ...int, description: 'remote images/CSS the preview blocks until asked' },
  },
} as const;

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str, field: { ...str, description: 'the parameter or body property at fault, when there is one' } } } },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: ID_PATTERN } },
} as const;

export const listQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 50 },
    cursor: { type: 'string', pattern: '^[0-9a-z]{1,12}$' },
    query: { type: 'string', maxLength: 4096, description: 'search language; empty matches everything' },
    tz: { type: 'string', maxLength: 64, description: 'IANA time zone for before:/after: dates; default: the server\'s' },
    inbox: { type: 'string', maxLength: 256 },
  },
  additionalProperties: false,
} as const;

export const listResponse = {
  type: 'object',
  required: ['messages', 'total', 'unread', 'nextCursor'],
  properties: {
    messages: { type: 'array', items: summarySchema },
    total: int,
    unread: int,
    nextCursor: nullableStr,
  },
} as const;

export const countResponse = (name: string) => ({ type: 'object', required: [name], properties: { [name]: int } }) as const;

export const inboxSchema = { type: 'object', required: ['name', 'total', 'unread'], properties: { name: str, total: int, unread: int } } as const;
export const tagSchema = { type: 'object', required: ['name', 'count'], properties: { name: str, count: int } } as const;
