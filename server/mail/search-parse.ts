// The search language, first half: query text -> syntax tree. Pure. Every malformed query throws
// QueryError with the character offset of the problem; nothing is silently ignored.
//
//   query   := and
//   and     := orchain ( ["AND"] orchain )*        (OR binds tighter than AND, as in Gmail)
//   orchain := unary ( "OR" unary )*
//   unary   := ["-" | "!"] ( "(" and ")" | term )
//   term    := [key ":"] value          value := ( bare-chars | "quoted \"text\"" )+

import { foldSpace } from './fold.js';
import { isTimeZone, localTimeZone, parseQueryDate, parseQuerySize } from './search-date.js';

/** A malformed query; `position` is the character offset (0-based) of the problem. */
export class QueryError extends Error {
  override name = 'QueryError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/** Fields matched as folded substrings of the message's search view. */
export type TextField = 'text' | 'subject' | 'body' | 'attachment' | 'message-id' | AddressField | 'addressed';
export type AddressField = 'from' | 'to' | 'cc' | 'bcc' | 'reply-to';

/** One filter, with its value already validated and folded. */
export type Filter =
  | { kind: 'text'; field: TextField; value: string }
  | { kind: 'tag'; value: string }
  | { kind: 'inbox'; value: string }
  | { kind: 'is'; value: 'read' | 'unread' | 'tagged' }
  | { kind: 'has'; value: 'attachment' | 'inline' }
  | { kind: 'size'; op: 'larger' | 'smaller'; bytes: number }
  | { kind: 'date'; op: 'before' | 'after'; ms: number }
  | { kind: 'header'; name: string; value: string | null };

/** The syntax tree. `all` is the empty query. */
export type QueryNode =
  | { type: 'all' }
  | { type: 'and'; nodes: QueryNode[] }
  | { type: 'or'; nodes: QueryNode[] }
  | { type: 'not'; node: QueryNode }
  | { type: 'term'; filter: Filter; position: number };

export interface ParseOptions {
  /** IANA zone in which dates without an offset are read; defaults to the server's zone. */
  tz?: string | null;
}

const MAX_TERMS = 100; // each term costs a pass over the candidates; bounds the work one query can ask for
const MAX_DEPTH = 32; // parenthesis nesting; bounds recursion in the parser and the matcher

const KEYS = new Set([
  'from', 'to', 'cc', 'bcc', 'reply-to', 'addressed', 'subject', 'message-id', 'body', 'attachment',
  'tag', 'inbox', 'is', 'has', 'larger', 'smaller', 'before', 'after', 'header',
]);
const IS_VALUES: Record<string, 'read' | 'unread' | 'tagged'> = { read: 'read', unread: 'unread', tagged: 'tagged' };
const HAS_VALUES: Record<string, 'attachment' | 'inline'> = { attachment: 'attachment', attachments: 'attachment', inline: 'inline', inlines: 'inline' };
const HEADER_NAME = /^[!-9;-<>-~]+$/; // RFC 5322 field name, minus '=' which separates the value

type Token =
  | { t: '(' | ')' | 'OR' | 'AND'; pos: number; neg: boolean }
  | { t: 'term'; pos: number; neg: boolean; key: string | null; value: string; valuePos: number; quoted: boolean };

const startsTerm = (t: Token | undefined) => t !== undefined && (t.t === 'term' || t.t === '(');
const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
// eslint-disable-next-line no-control-regex
const norm = (s: string) => foldSpace(s.replace(/[\u0000-\u0002]/g, ' ')); // the view's separators never match

/** Splits the query into tokens; quotes group, `\"` and `\\` escape inside quotes. */
function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    if (isSpace(q[i])) {
      i++;
      continue;
    }
    const pos = i;
    let neg = false;
    if ((q[i] === '-' || q[i] === '!') && i + 1 <= q.length) {
      if (i + 1 === q.length || isSpace(q[i + 1]) || q[i + 1] === ')') throw new QueryError(`'${q[i]}' must be followed by a term to exclude`, pos);
      neg = true;
      i++;
    }
    if (q[i] === '(' || q[i] === ')') {
      if (q[i] === ')' && neg) throw new QueryError(`'${q[pos]}' must be followed by a term to exclude`, pos);
      out.push({ t: q[i] as '(' | ')', pos: i, neg });
      i++;
      continue;
    }
    let key: string | null = null;
    const keyMatch = /^([a-zA-Z-]+):/.exec(q.slice(i, i + 20));
    if (keyMatch && KEYS.has(keyMatch[1]!.toLowerCase())) {
      key = keyMatch[1]!.toLowerCase();
      i += keyMatch[0].length;
    }
    const valuePos = i;
    let value = '';
    let quoted = false;
    while (i < q.length && !isSpace(q[i]) && q[i] !== '(' && q[i] !== ')') {
      if (q[i] === '"') {
        const open = i++;
        quoted = true;
        for (;;) {
          if (i >= q.length) throw new QueryError('unterminated quote', open);
          const c = q[i]!;
          if (c === '\\' && (q[i + 1] === '"' || q[i + 1] === '\\')) {
            value += q[i + 1];
            i += 2;
          } else if (c === '"') {
            i++;
            break;
          } else {
            value += c;
            i++;
          }
        }
      } else value += q[i++];
    }
    if (!key && !quoted && !neg && (value === 'OR' || value === 'AND')) out.push({ t: value, pos, neg: false });
    else out.push({ t: 'term', pos, neg, key, value, valuePos, quoted });
  }
  checkParentheses(out);
  return out;
}

/**
 * Unbalanced parentheses are the mistake to report first: "subject:(unclosed" is an unclosed
 * '(' at character 9, not a subject: without a value at character 1.
 */
function checkParentheses(tokens: readonly Token[]): void {
  const open: number[] = [];
  for (const t of tokens) {
    if (t.t === '(') open.push(t.pos);
    else if (t.t === ')' && open.pop() === undefined) throw new QueryError("')' has no matching '('", t.pos);
  }
  if (open.length) throw new QueryError("'(' is never closed", open[0]!);
}

/** Parses query text into a tree; throws QueryError when malformed. */
export function parseQuery(query: string, options: ParseOptions = {}): QueryNode {
  const tz = options.tz || localTimeZone();
  if (!isTimeZone(tz)) throw new QueryError(`unknown time zone "${tz}" in the tz parameter`, 0);
  const tokens = tokenize(query);
  let terms = 0;
  for (const t of tokens) {
    if (t.t === 'term' && ++terms > MAX_TERMS) throw new QueryError(`too many terms (at most ${MAX_TERMS})`, t.pos);
  }
  let k = 0;
  let depth = 0;

  // Gmail's precedence: OR binds tighter than the (implicit or explicit) AND.
  function parseAnd(): QueryNode {
    const nodes: QueryNode[] = [];
    for (;;) {
      const tok = tokens[k];
      if (!tok || tok.t === ')') break;
      if (tok.t === 'OR') throw new QueryError('OR needs a term on its left', tok.pos);
      if (tok.t === 'AND') {
        if (nodes.length === 0) throw new QueryError('AND needs a term on its left', tok.pos);
        k++;
        if (!startsTerm(tokens[k])) throw new QueryError('AND needs a term on its right', tok.pos);
        continue;
      }
      nodes.push(parseOrChain());
    }
    return nodes.length === 1 ? nodes[0]! : { type: 'and', nodes };
  }

  function parseOrChain(): QueryNode {
    const nodes = [parseUnary()];
    while (tokens[k]?.t === 'OR') {
      const orPos = tokens[k]!.pos;
      k++;
      if (!startsTerm(tokens[k])) throw new QueryError('OR needs a term on its right', orPos);
      nodes.push(parseUnary());
    }
    return nodes.length === 1 ? nodes[0]! : { type: 'or', nodes };
  }

  function parseUnary(): QueryNode {
    const tok = tokens[k++]!;
    let node: QueryNode;
    if (tok.t === '(') {
      if (tokens[k]?.t === ')') throw new QueryError('empty parentheses', tok.pos);
      if (++depth > MAX_DEPTH) throw new QueryError(`parentheses nested deeper than ${MAX_DEPTH}`, tok.pos);
      node = parseAnd();
      depth--;
      if (tokens[k]?.t !== ')') throw new QueryError("'(' is never closed", tok.pos);
      k++;
    } else if (tok.t === 'term') {
      node = { type: 'term', filter: filterOf(tok, tz), position: tok.pos };
    } else throw new QueryError(`unexpected ${tok.t}`, tok.pos);
    return tok.neg ? { type: 'not', node } : node;
  }

  if (tokens.length === 0) return { type: 'all' };
  const root = parseAnd();
  if (k < tokens.length) throw new QueryError("')' has no matching '('", tokens[k]!.pos);
  return root;
}

function filterOf(tok: Extract<Token, { t: 'term' }>, tz: string): Filter {
  const { key, value, valuePos } = tok;
  if (key === null) {
    const v = norm(value);
    if (!v) throw new QueryError('empty phrase', tok.pos);
    return { kind: 'text', field: 'text', value: v };
  }
  const raw = value.trim();
  if (!raw) throw new QueryError(`${key}: needs a value right after the colon (to search for several words, quote them: ${key}:"two words")`, tok.valuePos);
  switch (key) {
    case 'is': {
      const v = IS_VALUES[raw.toLowerCase()];
      if (!v) throw new QueryError(`unknown is: value "${raw}" (expected read, unread or tagged)`, valuePos);
      return { kind: 'is', value: v };
    }
    case 'has': {
      const v = HAS_VALUES[raw.toLowerCase()];
      if (!v) throw new QueryError(`unknown has: value "${raw}" (expected attachment or inline)`, valuePos);
      return { kind: 'has', value: v };
    }
    case 'larger':
    case 'smaller': {
      const bytes = parseQuerySize(raw);
      if (bytes === null) throw new QueryError(`bad size "${raw}" for ${key}: (expected e.g. 500k, 2M, 1.5MB or bytes)`, valuePos);
      return { kind: 'size', op: key, bytes };
    }
    case 'before':
    case 'after': {
      const ms = parseQueryDate(raw, tz);
      if (ms === null) throw new QueryError(`bad date "${raw}" for ${key}: (expected e.g. 2024-01-31, 2024-01-31T14:30 or 2024-01-31T14:30:00Z)`, valuePos);
      return { kind: 'date', op: key, ms };
    }
    case 'header': {
      const eq = raw.indexOf('=');
      const name = (eq === -1 ? raw : raw.slice(0, eq)).trim();
      if (!name || !HEADER_NAME.test(name)) throw new QueryError(`bad header name "${name}" for header: (expected header:Name or header:Name=value)`, valuePos);
      if (eq === -1) return { kind: 'header', name: name.toLowerCase(), value: null };
      const v = norm(raw.slice(eq + 1));
      if (!v) throw new QueryError(`header:${name}= needs a value (use header:${name} to test for presence)`, valuePos + eq + 1);
      return { kind: 'header', name: name.toLowerCase(), value: v };
    }
    default: {
      const v = norm(key === 'message-id' ? raw.replace(/^<|>$/g, '') : raw);
      if (!v) throw new QueryError(`${key}: needs a value`, tok.pos);
      if (key === 'tag' || key === 'inbox') return { kind: key, value: v };
      return { kind: 'text', field: key as TextField, value: v };
    }
  }
}
