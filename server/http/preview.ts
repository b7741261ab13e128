// The preview response: mail HTML under a CSP that sandboxes the document (no scripts, opaque
// origin even when opened directly in a tab) and blocks every network fetch except, on request,
// remote images/CSS/fonts.

import type { FastifyReply } from 'fastify';
import type { ParsedMessage } from '../mail/parse.js';
import { previewDocument } from '../mail/html.js';

/** The preview CSP; `remote` widens only images, styles and fonts to http(s). */
export function previewCsp(remote: boolean): string {
  const r = remote ? ' https: http:' : '';
  return [
    'sandbox allow-popups allow-popups-to-escape-sandbox',
    "default-src 'none'",
    `img-src data:${r}`,
    `style-src 'unsafe-inline'${r}`,
    `font-src data:${r}`,
    "script-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "media-src 'none'",
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** Sends the preview document with its security headers. */
export function sendPreview(reply: FastifyReply, parsed: ParsedMessage, remote: boolean): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('Content-Security-Policy', previewCsp(remote))
    .header('Cache-Control', 'no-store')
    .header('X-Frame-Options', 'SAMEORIGIN')
    .send(previewDocument(parsed.html, parsed.text));
}
