import { UpstreamError } from '../errors';

/**
 * The bytes of upstream answers one client request may hold at once, across its N candidates: each
 * answer is capped on its own (UPSTREAM_MAX_ANSWER_MB), and N answers under that cap can still add up
 * to gigabytes. Bytes are taken as they are read; an answer that fails gives its bytes back, so when the
 * budget runs out the answer that hit it is dropped and the others read on (the request degrades).
 */
export class ByteBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Takes `bytes`, or takes nothing and says false when they do not fit. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }

  /** The candidate whose answer did not fit; not retried, since the same answer would not fit again. */
  exceeded(): UpstreamError {
    return new UpstreamError(
      502,
      `upstream: the answers to this request passed UPSTREAM_MAX_REQUEST_MB (${this.limit} bytes in all); this candidate was dropped to keep the others`,
      'upstream_error',
      'candidates_too_large',
      {},
      false,
    );
  }
}
