import { GatewayError, UpstreamError, type ErrorCode } from '../errors';

/**
 * Why a candidate has no answer, as the `bestofn` metadata reports it. One description for both paths:
 * the plain path's failed requests and the live path's failed or stopped streams.
 */
export interface CandidateFailure {
  status: number;
  message: string;
  code: string | null;
}

/**
 * A gateway error keeps its status, message and code; anything else is a bug or an unmapped failure, and
 * its raw message (which may name an internal detail) is not the client's to read.
 */
export function failureOf(err: unknown): CandidateFailure {
  const e = asGatewayError(err);
  return { status: e.status, message: e.message, code: e.code };
}

/** The error a failed candidate stands for when the request as a whole fails: a gateway error as it is, anything else as a bare 502. */
export const asGatewayError = (err: unknown): GatewayError =>
  err instanceof GatewayError ? err : new UpstreamError(502, 'upstream request failed');

/**
 * An upstream answer that refuses the request itself (400, 413, 422: the context is too long, a parameter
 * is wrong): every candidate asks with the same body, so every candidate would be refused the same way.
 * The first such answer fails the request at once; the rest are not sent, nor asked of the fallback.
 */
export const refusesRequest = (err: unknown): err is UpstreamError =>
  err instanceof UpstreamError && (err.status === 400 || err.status === 413 || err.status === 422);

/**
 * The request's deadline passed before this candidate was complete: the plain path's pending requests and
 * the live path's running streams are stopped with it. Built on demand: an Error captures a stack trace,
 * which the hot path should not pay for.
 */
export const deadlineError = (deadlineMs: number) =>
  new UpstreamError(
    504,
    `deadline of ${deadlineMs} ms passed before this candidate arrived`,
    'upstream_error',
    'deadline',
  );

/**
 * A live candidate the gateway stopped itself (`stopped` as LiveCandidate names it): the deadline, or a
 * choice to spend no more on it (early rejection, a confidence stop, a committed rival). 499 is nginx's
 * "client closed": the gateway, as the upstream's client, closed the stream.
 */
export function stoppedFailure(stopped: string, deadlineMs: number): CandidateFailure {
  if (stopped === 'deadline') return failureOf(deadlineError(deadlineMs));
  const code: ErrorCode | null = stopped === 'cancelled' ? null : 'rejected';
  return { status: 499, message: `candidate stopped: ${stopped}`, code };
}
