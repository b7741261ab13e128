// Typed errors the client throws: what happened, in words a failing test can show as-is.

/** The server answered with an error status. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** Machine-readable code from the body, e.g. `not_found`, `invalid_query`. */
    readonly code: string,
    message: string,
    /** The request, e.g. `GET /api/messages/abc`. */
    readonly request: string,
  ) {
    super(`${message} (${status} ${code} at ${request})`);
  }
}

/** A message that arrived in the meantime, as named in a WaitTimeoutError. */
export interface ArrivedMessage {
  id: string;
  subject: string;
  from: string | null;
  to: string[];
}

/** A wait ended without the wanted message(s). */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
  constructor(
    message: string,
    /** The query waited for (or `<predicate>`). */
    readonly query: string,
    /** How long the wait lasted, in ms. */
    readonly timeout: number,
    /** How many in-scope messages arrived meanwhile. */
    readonly arrived: number,
    /** The last few of them. */
    readonly recent: ArrivedMessage[],
    /** Matches found when fewer than the count wanted. */
    readonly found = 0,
  ) {
    super(message);
  }
}

/** The server could not be reached at all. */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
}
