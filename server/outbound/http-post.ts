// One HTTP(S) POST to an operator-configured URL, to the address target-guard.ts checked: the
// connection is pinned to it, redirects are never followed, the response body is read only up to
// a small limit, and the whole exchange has a deadline.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { resolveTarget } from './target-guard.js';

export interface PostResult {
  status: number;
  /** The start of the response body (up to bodyLimit characters). */
  text: string;
}

export class PostTimeout extends Error {
  override name = 'TimeoutError';
}

/** POSTs body to url; rejects on network errors, refused targets (OutboundTargetRefused) and the deadline. */
export async function postTo(
  url: URL,
  init: { headers: Record<string, string>; body: string; timeoutMs: number; allowPrivate: boolean; what: string; bodyLimit: number },
): Promise<PostResult> {
  const deadline = Date.now() + init.timeoutMs;
  const target = await resolveTarget(init.what, url.hostname, init.allowPrivate);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: 'POST',
      headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
      lookup: (_host, options, callback) => (options.all ? callback(null, [target]) : callback(null, target.address, target.family)),
    }, (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < init.bodyLimit) text += chunk;
        else res.destroy(); // enough to show; the rest is not read
      });
      res.on('error', () => {});
      res.on('close', () => resolve({ status: res.statusCode ?? 0, text: text.slice(0, init.bodyLimit) }));
    });
    const timer = setTimeout(() => req.destroy(new PostTimeout(`timed out after ${init.timeoutMs} ms`)), Math.max(1, deadline - Date.now()));
    req.on('error', reject);
    req.on('close', () => clearTimeout(timer));
    req.end(init.body);
  });
}
