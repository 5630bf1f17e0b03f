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

/**
 * What the admission keeps per connection: the connection's own bucket (every frame of it takes a token) and where it
 * stands. One object, not a record holding a bucket: it is kept for every open connection.
 */
export class Admittance extends TokenBucket {
  /** Counted against its address until its hello succeeds or it closes. */
  waiting = true;
  /**
   * After a refusal, every frame until then is refused too, so that a client's retries keep their order. 0 until the
   * first refusal (a small integer, where -Infinity would be a number boxed on the heap).
   */
  blockedUntil = 0;

  constructor(
    readonly address: string,
    limit: BucketLimit,
    now: number,
  ) {
    super(limit, now);
  }
}

/**
 * The limits of one server: sockets without hello per remote address, a bucket per connection and one per
 * customer (shared by all their connections). No I/O: the gateway asks, and answers the client.
 */
export class Admission {
  private readonly customers = new Map<string, TokenBucket>();
  private readonly waiting = new Map<string, number>();

  /** Replaced when the org file is reloaded: new sockets and new customers get the new limits. */
  constructor(public limits: Limits) {}

  /** A new socket from `address`: its admittance, or null when that address has too many sockets without hello. */
  open(address: string, now: number): Admittance | null {
    const waiting = this.waiting.get(address) ?? 0;
    if (waiting >= this.limits.unauthenticatedPerAddress) return null;
    this.waiting.set(address, waiting + 1);
    return new Admittance(address, this.limits.connection, now);
  }

  /** The socket said hello, or closed: it no longer counts against its address. */
  greeted(admittance: Admittance): void {
    if (!admittance.waiting) return;
    admittance.waiting = false;
    const left = (this.waiting.get(admittance.address) ?? 1) - 1;
    if (left > 0) this.waiting.set(admittance.address, left);
    else this.waiting.delete(admittance.address);
  }

  /**
   * One frame of a connection (of customer `customerKey`, if a customer): 0 when admitted, else how many
   * milliseconds to wait; `first` is true for the connection's first refusal ever.
   */
  admit(
    admittance: Admittance,
    customerKey: string | undefined,
    now: number,
  ): { retryAfterMs: number; first: boolean } {
    const left = admittance.blockedUntil - now;
    if (left > 0) return { retryAfterMs: Math.ceil(left), first: false };
    const buckets: TokenBucket[] = [admittance];
    if (customerKey !== undefined) buckets.push(this.customerBucket(customerKey, now));
    const retryAfterMs = Math.ceil(admit(buckets, now));
    if (retryAfterMs === 0) return { retryAfterMs, first: false };
    const first = admittance.blockedUntil === 0;
    admittance.blockedUntil = now + retryAfterMs;
    return { retryAfterMs, first };
  }

  /** Forget the buckets of customers that are full again and have no connection. */
  prune(now: number, connected: (customerKey: string) => boolean): void {
    for (const [key, bucket] of this.customers) if (bucket.isFull(now) && !connected(key)) this.customers.delete(key);
  }

  private customerBucket(key: string, now: number): TokenBucket {
    let bucket = this.customers.get(key);
    if (!bucket) this.customers.set(key, (bucket = new TokenBucket(this.limits.customer, now)));
    return bucket;
  }
}
