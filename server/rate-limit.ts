// Rate limits: token buckets per connection and per customer, and a cap on sockets that have not said hello yet,
// per remote address. The org file's `limits` sets them (docs/org-file.md); the defaults below leave normal use
// alone (a rep typing fast or pasting, `cc-agent seed`) and stop a flood after its first burst.

/** A bucket's size and refill: `burst` requests at once, then `perSecond` on average. */
export interface BucketLimit {
  burst: number;
  perSecond: number;
}

export interface Limits {
  /** Every frame a connection sends, whatever its role (hello included). */
  connection: BucketLimit;
  /** Every frame of one customer, over all their connections (a visitor's key is per connection). */
  customer: BucketLimit;
  /** Sockets from one remote address that are open and have not completed a hello. */
  unauthenticatedPerAddress: number;
  /** A customer's resume replays at most this many events of the log; further back gets a snapshot. */
  customerResumeEvents: number;
}

export const DEFAULT_LIMITS: Limits = {
  connection: { burst: 100, perSecond: 20 },
  customer: { burst: 40, perSecond: 5 },
  unauthenticatedPerAddress: 50,
  customerResumeEvents: 1000,
};

/** The shortest wait a refusal asks for: a client that obeys it does not retry in a tight loop. */
export const MIN_RETRY_AFTER_MS = 50;

/** A token bucket on a clock in milliseconds. Starts full. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limit: BucketLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.at = now;
  }

  private refill(now: number): void {
    if (now > this.at) {
      this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) / 1000) * this.limit.perSecond);
      this.at = now;
    }
  }

  /** Milliseconds until a token is there (0: there is one now). Takes nothing. */
  waitMs(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    if (this.limit.perSecond <= 0) return Number.POSITIVE_INFINITY;
    return Math.ceil(((1 - this.tokens) / this.limit.perSecond) * 1000);
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  /** Full again: nothing to remember about this sender. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.limit.burst;
  }
}

/**
 * Admit one frame against every bucket it counts in: all or none take a token. Returns 0 when admitted, or how
 * many milliseconds to wait before trying again.
 */
export function admit(buckets: readonly TokenBucket[], now: number): number {
  let wait = 0;
  for (const bucket of buckets) wait = Math.max(wait, bucket.waitMs(now));
  if (wait > 0) return Math.max(MIN_RETRY_AFTER_MS, wait);
  for (const bucket of buckets) bucket.take(now);
  return 0;
}
