// Small HTTP helpers for tests against a running server.

import type { MessageDetail, MessageSummary } from '../../server/mail/types.js';

export interface ListBody {
  messages: MessageSummary[];
  total: number;
  unread: number;
  nextCursor: string | null;
}

export async function getJson<T = unknown>(url: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

export const list = async (base: string, query = '') => (await getJson<ListBody>(`${base}/api/messages${query}`)).body;
export const detail = async (base: string, id: string) => (await getJson<MessageDetail & { remoteResources: number }>(`${base}/api/messages/${id}`)).body;
export async function raw(base: string, id: string): Promise<Buffer> {
  return Buffer.from(await (await fetch(`${base}/api/messages/${id}/raw`)).arrayBuffer());
}

/**
 * The one way tests build a JSON request: `method` with `body` as JSON (a string is sent as it is,
 * for malformed and hostile bodies); no body, no Content-Type.
 */
export function jsonRequest(method: string, body?: unknown): RequestInit {
  if (body === undefined) return { method };
  return { method, headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** Every API error answer: `{ error: { code, message } }` (plus `field` on validation errors). */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}
