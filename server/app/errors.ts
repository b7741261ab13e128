// The one error type of the use-case layer. A use case says what went wrong in domain terms (a
// kind, a message a user can act on, the field at fault); each front door maps the kind to its
// own vocabulary: an HTTP status and JSON body, a dialect's text error, later a POP3 -ERR, an IMAP
// NO or an MCP tool error. `code` carries the native API's stable machine-readable codes
// (invalid_query, invalid_cursor, ...), defaulting per kind.

/** What kind of failure: front doors map these, never the message text. */
export type DomainErrorKind =
  | 'not-found'
  | 'invalid'
  | 'conflict'
  | 'forbidden'
  | 'unavailable'
  /** Bigger than a configured limit (a message over --max-message-size). */
  | 'too-large'
  /** More at once than a configured limit (held waits). */
  | 'too-many';

export interface DomainErrorOptions {
  /** The input at fault: a parameter or body field name such as "query" or "cursor". */
  field?: string | undefined;
  /** A stable code for the native API; defaults per kind. */
  code?: string | undefined;
}

const DEFAULT_CODES: Record<DomainErrorKind, string> = {
  'not-found': 'not_found',
  invalid: 'bad_request',
  conflict: 'conflict',
  forbidden: 'forbidden',
  unavailable: 'unavailable',
  'too-large': 'payload_too_large',
  'too-many': 'too_many_requests',
};

/** A failure of a use case, for any front door to report. */
export class DomainError extends Error {
  override name = 'DomainError';
  readonly field: string | undefined;
  readonly code: string;

  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.field = options.field;
    this.code = options.code ?? DEFAULT_CODES[kind];
  }
}

/** "message X not found", "tag Y not found". */
export const notFound = (what: string) => new DomainError('not-found', `${what} not found`);

/** A bad input, naming the field when there is one. */
export const invalid = (message: string, field?: string, code?: string) => new DomainError('invalid', message, { field, code });
