// POST /api/v1/send: Mailpit's "inject a message from JSON". The request is validated (keys
// matched case-insensitively, as Go does), composed into a real MIME message (mail/compose.ts),
// and stored through the same use case as any injected message (app/receive.ts). Errors are Mailpit's JSON {"Error": "..."}
// with 400, or 413 for oversized bodies.

import type { FastifyInstance } from 'fastify';
import { DomainError, type App } from '../../app/index.js';
import { composeMime, type ComposeAttachment, type ComposeInput } from '../../mail/compose.js';
import type { Envelope } from '../../mail/types.js';
import { STATUS_OF } from '../errors.js';
import type { CompatOptions } from './index.js';
import { field, sendJson } from './mailpit-common.js';

export interface MailpitSendDeps extends CompatOptions {
  useCases: App;
}

class SendError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new SendError(400, message);
const ADDRESS = /^[^\s@<>",;:()[\]\\]+@[^\s@<>",;:()[\]\\]+$/;
/** Headers the request may not set through Headers (Mailpit's list). */
const PROTECTED = new Set(['to', 'from', 'cc', 'bcc', 'reply-to', 'date', 'subject', 'content-type', 'mime-version']);

function text(body: unknown, name: string): string {
  const v = field(body, name);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw invalid(`json: cannot unmarshal ${name}: expected a string`);
  return v;
}

function list(body: unknown, name: string): unknown[] {
  const v = field(body, name);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalid(`json: cannot unmarshal ${name}: expected an array`);
  return v;
}

function mailbox(entry: unknown, role: string): { name: string; address: string } {
  const email = typeof entry === 'string' ? entry : text(entry, 'Email');
  const name = typeof entry === 'string' ? '' : text(entry, 'Name');
  if (!ADDRESS.test(email.trim())) throw invalid(`invalid ${role} address: ${email}`);
  if (/[\r\n]/.test(name)) throw invalid(`invalid ${role} name: ${JSON.stringify(name)}`);
  return { name, address: email.trim() };
}

/** Attachment content: plain base64 or a data: URL carrying base64. */
function decodeContent(content: string, filename: string): Buffer {
  const data = content.startsWith('data:') ? content.slice(content.indexOf(',') + 1) : content;
  const clean = data.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) throw invalid(`invalid attachment content (base64 expected): ${filename}`);
  return Buffer.from(clean, 'base64');
}

/** Validates a send request and turns it into compose input plus the SMTP-like envelope. */
export function composeOptions(body: unknown): { mail: ComposeInput; envelope: Omit<Envelope, 'remoteAddress'> } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('request body must be a JSON object');
  const fromValue = field(body, 'From');
  if (!fromValue || typeof fromValue !== 'object') throw invalid('invalid From address: ');
  const from = mailbox(fromValue, 'From');
  const to = list(body, 'To').map((e) => mailbox(e, 'To'));
  const cc = list(body, 'Cc').map((e) => mailbox(e, 'Cc'));
  const bcc = list(body, 'Bcc').map((e) => mailbox(e, 'Bcc'));
  const replyTo = list(body, 'ReplyTo').map((e) => mailbox(e, 'Reply-To'));
  const tags = list(body, 'Tags').map((t) => {
    if (typeof t !== 'string') throw invalid('json: cannot unmarshal Tags: expected strings');
    return t.trim();
  }).filter(Boolean);

  const headers: Record<string, string> = {};
  const headersValue = field(body, 'Headers');
  if (headersValue !== undefined && headersValue !== null) {
    if (typeof headersValue !== 'object' || Array.isArray(headersValue)) throw invalid('json: cannot unmarshal Headers: expected an object');
    for (const [name, value] of Object.entries(headersValue as Record<string, unknown>)) {
      const lower = name.toLowerCase();
      if (PROTECTED.has(lower) || (lower === 'x-tags' && tags.length > 0)) throw invalid(`cannot overwrite header: ${JSON.stringify(name)}`);
      if (!/^[!-9;-~]+$/.test(name)) throw invalid(`invalid header name: ${JSON.stringify(name)}`);
      if (typeof value !== 'string' || /[\r\n]/.test(value)) throw invalid(`invalid header value for ${JSON.stringify(name)}`);
      headers[name] = value;
    }
  }
  if (tags.length) headers['X-Tags'] = tags.join(', ');

  const attachments: ComposeAttachment[] = list(body, 'Attachments').map((a, i) => {
    const filename = text(a, 'Filename');
    const content = text(a, 'Content');
    if (!filename) throw invalid(`attachment ${i + 1} has no Filename`);
    const contentType = text(a, 'ContentType');
    const cid = text(a, 'ContentID');
    return {
      filename,
      content: decodeContent(content, filename),
      ...(contentType ? { contentType } : {}),
      ...(cid ? { cid } : {}),
    };
  });

  const subject = text(body, 'Subject');
  const textBody = text(body, 'Text');
  const html = text(body, 'HTML');
  const mail: ComposeInput = {
    from,
    to,
    cc, // Bcc recipients go to the envelope only, as over SMTP
    replyTo,
    subject,
    text: textBody || !html ? textBody : null,
    html: html || null,
    attachments,
    headers,
    date: new Date(),
  };
  const envelope = {
    mailFrom: from.address,
    rcptTo: [...to, ...cc, ...bcc].map((a) => a.address),
    heloName: '',
    authUser: null,
    secure: false,
  };
  return { mail, envelope };
}

/** Registers POST /api/v1/send. */
export async function mailpitSendRoutes(app: FastifyInstance, { useCases, maxMessageSize }: MailpitSendDeps): Promise<void> {
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = err instanceof SendError ? err.statusCode : err instanceof DomainError ? STATUS_OF[err.kind] : err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 413 : (err.statusCode ?? 500);
    const message = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'http: request body too large' : status >= 500 ? 'internal server error' : err.message;
    if (status >= 500) request.log.error({ err }, 'send failed');
    return reply.code(status).type('application/json').send(JSON.stringify({ Error: message }) + '\n');
  });

  // Base64 grows content by 4/3, plus JSON and headers: the body cap follows the message cap.
  const bodyLimit = Math.ceil(maxMessageSize * 1.4) + 64 * 1024;
  app.post('/api/v1/send', { bodyLimit, schema: { hide: true } }, async (request, reply) => {
    const { mail, envelope } = composeOptions(request.body);
    // Tags travel as an X-Tags header and become tags at ingest, as in Mailpit.
    const stored = await useCases.appendMessage(await composeMime(mail), { ...envelope, remoteAddress: request.ip });
    return sendJson(reply, { ID: stored.id });
  });
}
