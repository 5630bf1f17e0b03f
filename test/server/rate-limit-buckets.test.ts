// The token buckets and the admission behind the rate limits, on a clock the test moves: a burst, then the
// refill rate; a refusal blocks the connection until its wait is over; sockets without hello per address.
import { describe, expect, it } from "vitest";
import { Admission, DEFAULT_LIMITS, MIN_RETRY_AFTER_MS, TokenBucket } from "../../server/rate-limit.js";

describe("a token bucket", () => {
  it("lets a burst through, then one token per 1/perSecond, never more than the burst", () => {
    const bucket = new TokenBucket({ burst: 3, perSecond: 10 }, 0);
    for (let i = 0; i < 3; i++) {
      expect(bucket.waitMs(0)).toBe(0);
      bucket.take(0);
    }
    expect(bucket.waitMs(0)).toBe(100);
    expect(bucket.waitMs(60)).toBe(40);
    expect(bucket.waitMs(100)).toBe(0);
    bucket.take(100);
    // A long quiet spell fills it to the burst, not beyond.
    expect(bucket.isFull(10_000)).toBe(true);
    for (let i = 0; i < 3; i++) bucket.take(10_000);
    expect(bucket.waitMs(10_000)).toBe(100);
  });
});

describe("the admission", () => {
  it("refuses a connection's frames once its bucket is empty, and every frame until the wait is over", () => {
    const admission = new Admission({ ...DEFAULT_LIMITS, connection: { burst: 2, perSecond: 4 } });
    const conn = admission.open("10.0.0.1", 0)!;
    expect(admission.admit(conn, undefined, 0)).toEqual({ retryAfterMs: 0, first: false });
    expect(admission.admit(conn, undefined, 0)).toEqual({ retryAfterMs: 0, first: false });
    expect(admission.admit(conn, undefined, 0)).toEqual({ retryAfterMs: 250, first: true });
    // At 200 ms the bucket has most of a token, but the connection waits until 250: later frames do not overtake.
    expect(admission.admit(conn, undefined, 200)).toEqual({ retryAfterMs: 50, first: false });
    expect(admission.admit(conn, undefined, 250)).toEqual({ retryAfterMs: 0, first: false });
    expect(admission.admit(conn, undefined, 250).retryAfterMs).toBeGreaterThanOrEqual(MIN_RETRY_AFTER_MS);
  });

  it("shares a customer's bucket between their connections, and not with other customers", () => {
    const admission = new Admission({
      ...DEFAULT_LIMITS,
      connection: { burst: 10, perSecond: 1 },
      customer: { burst: 2, perSecond: 1 },
    });
    const a = admission.open("10.0.0.1", 0)!;
    const b = admission.open("10.0.0.2", 0)!;
    expect(admission.admit(a, "auth:kenny", 0).retryAfterMs).toBe(0);
    expect(admission.admit(b, "auth:kenny", 0).retryAfterMs).toBe(0);
    expect(admission.admit(b, "auth:kenny", 0).retryAfterMs).toBe(1000);
    // Another customer is not held back by Kenny's bucket.
    const c = admission.open("10.0.0.1", 0)!;
    for (let i = 0; i < 2; i++) expect(admission.admit(c, "auth:other", 0).retryAfterMs).toBe(0);
    // A full bucket of a customer without connections is forgotten; one in use is kept.
    admission.prune(5_000, (key) => key === "auth:kenny");
    expect(admission.admit(a, "auth:kenny", 5_000).retryAfterMs).toBe(0);
  });

  it("caps sockets without hello per address; a hello or a close frees the place", () => {
    const admission = new Admission({ ...DEFAULT_LIMITS, unauthenticatedPerAddress: 2 });
    const first = admission.open("10.0.0.1", 0)!;
    const second = admission.open("10.0.0.1", 0)!;
    expect(admission.open("10.0.0.1", 0)).toBeNull();
    expect(admission.open("10.0.0.9", 0)).not.toBeNull();
    admission.greeted(first);
    admission.greeted(first); // counted once
    const third = admission.open("10.0.0.1", 0);
    expect(third).not.toBeNull();
    expect(admission.open("10.0.0.1", 0)).toBeNull();
    admission.greeted(second);
    expect(admission.open("10.0.0.1", 0)).not.toBeNull();
  });
});
