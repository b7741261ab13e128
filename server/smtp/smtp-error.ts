// One refusal type for the whole SMTP door. Every 4xx/5xx reply is an SmtpError: the pipeline's
// own (limits, access, faults, storage) are thrown by the step that refuses, and the library's
// (syntax, sequence, its own limits) are wrapped by the adapter as they are sent. Either way the
// pipeline records it in one place (pipeline.ts: the rejected list, the counters, the transcript).

/** The counter a refusal adds to (SmtpCounters); none for the library's protocol refusals. */
export type RefusalCounter = 'rejectedSize' | 'rejectedBusy' | 'rejectedConnections' | 'rejectedRecipients' | 'aborted' | 'errors';

/** A rule or magic address that injected a refusal. */
export interface InjectedBy {
  rule: { id: string; name: string };
  outcome: 'reject' | 'tempfail';
}

export interface SmtpErrorDetails {
  /** RFC 3463 enhanced status code ("4.3.1"); null lets the library choose the one for the command. */
  enhanced?: string | null;
  counter?: RefusalCounter;
  injected?: InjectedBy;
}

const ENHANCED_AT_START = /^([245]\.\d{1,3}\.\d{1,3}) (.*)$/s;

export class SmtpError extends Error {
  override name = 'SmtpError';
  readonly code: number;
  readonly enhanced: string | null;
  /** The reply text after the code (and the enhanced code, when set). */
  readonly text: string;
  readonly counter: RefusalCounter | null;
  readonly injected: InjectedBy | null;

  constructor(code: number, text: string, details: SmtpErrorDetails = {}) {
    const enhanced = details.enhanced ?? null;
    super(enhanced ? `${enhanced} ${text}` : text);
    this.code = code;
    this.enhanced = enhanced;
    this.text = text;
    this.counter = details.counter ?? null;
    this.injected = details.injected ?? null;
  }

  /** A reply the library sent on its own, as an SmtpError ("503 5.5.1 Error: send HELO/EHLO first"). */
  static fromReply(code: number, reply: string): SmtpError {
    const body = reply.slice(4);
    const m = ENHANCED_AT_START.exec(body);
    return m ? new SmtpError(code, m[2]!, { enhanced: m[1]! }) : new SmtpError(code, body);
  }
}
