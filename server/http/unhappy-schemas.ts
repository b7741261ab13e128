// JSON schemas for failure injection, the rejected list, sessions/transcripts, release and
// webhooks. Shapes mirror server/faults/rules.ts, faults/rejected-log.ts, sessions/sessions.ts,
// outbound/relay.ts and outbound/webhooks.ts; the web UI reads them as types from there.

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const bool = { type: 'boolean' } as const;
const strList = { type: 'array', items: str } as const;

const stage = { type: 'string', enum: ['connect', 'ehlo', 'auth', 'mail', 'rcpt', 'data'] } as const;
const delayMs = { type: 'integer', minimum: 0, maximum: 120_000 } as const;

export const actionSchema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['reject', 'tempfail', 'delay', 'disconnect', 'drop', 'slow'] },
    code: { type: 'integer', minimum: 400, maximum: 599, description: 'reject: 5xx (default 550); tempfail: 4xx (default 451)' },
    enhanced: { type: 'string', pattern: '^[45]\\.\\d{1,3}\\.\\d{1,3}$' },
    text: { type: 'string', maxLength: 200, description: 'reply text; {from}, {to} and {client} are filled in' },
    delayMs: { ...delayMs, description: 'wait this long first (required for delay)' },
    bytesPerSecond: { type: 'integer', minimum: 1 },
    maxBytesPerSecond: { type: 'integer', minimum: 1 },
  },
  additionalProperties: false,
} as const;

export const whenSchema = {
  type: 'object',
  required: ['mode'],
  properties: {
    mode: { type: 'string', enum: ['always', 'probability', 'every', 'first', 'rate'] },
    probability: { type: 'number', minimum: 0, maximum: 1 },
    seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
    n: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 0 },
    windowMs: { type: 'integer', minimum: 1, maximum: 3_600_000 },
  },
  additionalProperties: false,
} as const;

const pattern = { type: 'string', maxLength: 512, description: 'glob (* and ?, case-insensitive) or /regex/flags' } as const;

export const matchSchema = {
  type: 'object',
  properties: {
    from: pattern,
    to: pattern,
    client: pattern,
    helo: pattern,
    authUser: pattern,
    subject: pattern,
    inbox: pattern,
    header: { type: 'object', required: ['name', 'value'], properties: { name: { type: 'string', maxLength: 100 }, value: pattern }, additionalProperties: false },
  },
  additionalProperties: false,
} as const;

const ruleInputProperties = {
  id: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
  name: { type: 'string', maxLength: 200 },
  enabled: bool,
  stage,
  match: matchSchema,
  when: whenSchema,
  action: actionSchema,
} as const;

export const ruleInputSchema = { type: 'object', required: ['stage', 'action'], properties: ruleInputProperties, additionalProperties: false } as const;
export const rulePatchSchema = { type: 'object', properties: ruleInputProperties, additionalProperties: false } as const;

export const ruleSchema = {
  type: 'object',
  required: ['id', 'name', 'enabled', 'stage', 'match', 'when', 'action', 'stats'],
  properties: {
    ...ruleInputProperties,
    stats: {
      type: 'object',
      required: ['matched', 'fired', 'lastFiredAt'],
      properties: { matched: int, fired: int, lastFiredAt: nullableStr },
    },
  },
} as const;

export const rulesResponse = {
  type: 'object',
  required: ['rules', 'magicAddresses'],
  properties: { rules: { type: 'array', items: ruleSchema }, magicAddresses: bool },
} as const;

export const rejectedSchema = {
  type: 'object',
  required: ['seq', 'at', 'sessionId', 'client', 'stage', 'command', 'envelope', 'rule', 'outcome', 'reply'],
  properties: {
    seq: int,
    at: str,
    sessionId: str,
    client: str,
    stage,
    command: { ...nullableStr, description: 'The command line refused (AUTH secrets masked), "DATA" for the message, null at connect' },
    envelope: { type: 'object', required: ['mailFrom', 'rcptTo'], properties: { mailFrom: nullableStr, rcptTo: strList } },
    rule: { anyOf: [{ type: 'object', required: ['id', 'name'], properties: { id: str, name: str } }, { type: 'null' }] },
    outcome: { type: 'string', enum: ['reject', 'tempfail', 'disconnect', 'drop', 'error'] },
    reply: str,
  },
} as const;

export const sessionSchema = {
  type: 'object',
  required: ['id', 'startedAt', 'endedAt', 'client', 'localPort', 'secure', 'tls', 'heloName', 'authUser', 'messages', 'rejections', 'outcome'],
  properties: {
    id: str,
    startedAt: str,
    endedAt: nullableStr,
    client: { type: 'object', required: ['address', 'port'], properties: { address: str, port: int } },
    localPort: int,
    secure: bool,
    tls: { anyOf: [{ type: 'object', required: ['protocol', 'cipher'], properties: { protocol: nullableStr, cipher: nullableStr } }, { type: 'null' }] },
    heloName: str,
    authUser: nullableStr,
    messages: strList,
    rejections: int,
    outcome: { type: 'string', enum: ['open', 'delivered', 'rejected', 'disconnected', 'nothing'] },
  },
} as const;

export const entrySchema = {
  type: 'object',
  required: ['ms', 'dir', 'text'],
  properties: { ms: int, dir: { type: 'string', enum: ['client', 'server', 'note'] }, text: str },
} as const;

export const transcriptSchema = {
  type: 'object',
  required: ['session', 'entries', 'omitted'],
  properties: { messageId: str, session: sessionSchema, entries: { type: 'array', items: entrySchema }, omitted: int },
} as const;

export const releaseRecordSchema = {
  type: 'object',
  required: ['at', 'to', 'ok', 'response', 'code', 'error', 'rejected', 'auto', 'attempt'],
  properties: { at: str, to: strList, ok: bool, response: nullableStr, code: nullableInt, error: nullableStr, rejected: strList, auto: bool, attempt: int },
} as const;

export const queueStatsSchema = {
  type: 'object',
  properties: { queued: int, inFlight: int, waitingRetry: int, delivered: int, failed: int, retried: int, dropped: int, capacity: int, skipped: int },
} as const;
