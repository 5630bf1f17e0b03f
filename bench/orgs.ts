// The organisations the benchmarks run: one queue, a live workstream, N reps with deterministic tokens; masking
// and sentiment on, as in production. `bulk` adds a workstream whose conversations cost more than any rep's
// capacity, so that they stay queued in the same queue (a backlog nobody can take right now); `persistent` adds a
// persistent workstream, whose customers sign in with an identity signed by the org's secret.
import { signIdentity } from "../src/protocol/identity.js";
import type { SignedIdentity } from "../src/protocol/messages.js";

export const BENCH_SECRET = "bench-secret-0123456789abcdef-0123456789abcdef";

export function repToken(i: number): string {
  return `bench-rep-${String(i).padStart(5, "0")}-token-Zk3v9QpL`;
}

export interface BenchOrgOptions {
  reps: number;
  capacity: number;
  bulk?: boolean;
  /** A persistent workstream (`persistent`) beside the live one, for authenticated customers. */
  persistent?: boolean;
  offerTimeoutSeconds?: number;
}

/** The org file (as JSON, before parsing) of a benchmark. */
export function benchOrgJson(options: BenchOrgOptions): Record<string, unknown> {
  const users = [];
  for (let i = 0; i < options.reps; i++) {
    users.push({
      id: `r${i}`,
      name: `Rep ${i} Bench`,
      role: "rep",
      capacity: options.capacity,
      queues: ["general"],
      token: repToken(i),
    });
  }
  const timeout = options.offerTimeoutSeconds ?? 120;
  return {
    name: "Bench Org",
    secret: BENCH_SECRET,
    autoBusyAtCapacity: true,
    masking: true,
    queues: [{ id: "general", name: "General" }],
    workstreams: [
      {
        id: "live",
        name: "Live chat",
        mode: "live",
        queue: "general",
        offerTimeoutSeconds: timeout,
        capacityCost: 1,
        sentimentThreshold: "slightly negative",
      },
      ...(options.bulk
        ? [
            {
              id: "bulk",
              name: "Bulk",
              mode: "live",
              queue: "general",
              offerTimeoutSeconds: timeout,
              capacityCost: Math.min(100, options.capacity + 1),
              sentimentThreshold: "slightly negative",
            },
          ]
        : []),
      ...(options.persistent
        ? [
            {
              id: "persistent",
              name: "Persistent chat",
              mode: "persistent",
              queue: "general",
              offerTimeoutSeconds: timeout,
              capacityCost: 1,
              sentimentThreshold: "slightly negative",
            },
          ]
        : []),
    ],
    users,
    wrapUpReasons: [
      { id: "resolved", label: "Resolved" },
      { id: "other", label: "Other" },
    ],
    // The load generator pushes thousands of messages a second through a few connections from one address: the
    // rate limits (docs/org-file.md) are set out of its way, so that the benchmarks measure the server.
    limits: {
      connection: { burst: 1_000_000, perSecond: 1_000_000 },
      customer: { burst: 1_000_000, perSecond: 1_000_000 },
      unauthenticatedPerAddress: 1_000_000,
    },
  };
}

/** The signed identity of bench customer `i` (P9: a persistent chat needs one), signed with the bench org's secret. */
export function customerIdentity(i: number): SignedIdentity {
  return signIdentity(BENCH_SECRET, { id: `bench-customer-${i}`, name: `Customer ${letters(i)}` });
}

// ---- message texts ------------------------------------------------------------------------------------

const CUSTOMER_TEXTS = [
  "Hi, my parcel was supposed to arrive on Tuesday and the tracking page has not moved since the weekend, can you check what is going on with it please",
  "I was charged twice for the same order and I would like one of the payments refunded as soon as possible, this is really annoying and frustrating",
  "Thanks, that helps a lot. Could you also tell me whether the replacement will be sent to the same address as before or do I need to confirm it again",
  "The app keeps logging me out every few minutes on my phone, I already reinstalled it twice and cleared the cache but nothing changed at all so far",
  "Order 58213 still shows as pending payment although the money left my account yesterday morning, please sort this out before the weekend if you can",
  "You can reach me on +44 7966 197542 in the afternoon if it is easier to explain on the phone, otherwise this chat is fine for me as well thanks",
];

const REP_TEXTS = [
  "Thank you for waiting. I can see the parcel left our warehouse on Monday and is with the courier now, it should reach you within two working days",
  "I am sorry about the double charge. I have asked the payments team to refund the second payment, it usually shows on your statement in three days",
  "The replacement goes to the address on your account. If you would like it delivered somewhere else, tell me the new address and I will update it",
  "Could you tell me which version of the app you have and which phone you are using? That will help me find out why the session keeps expiring",
];

/**
 * A chat message of about 200 bytes with a tag the load generator reads back: `~C` (from a customer) or `~R`
 * (from a rep), the send time and the conversation index in letters (digits would be masked), then `~`.
 * One customer message in ten holds an order number and one in thirty a phone number, so masking does its work.
 */
export function messageText(role: "C" | "R", sentMicros: number, conversation: number, n: number): string {
  const tag = `~${role}${letters(sentMicros)}.${letters(conversation)}~ `;
  if (role === "R") return tag + REP_TEXTS[n % REP_TEXTS.length]!;
  const pick = n % 30 === 0 ? 5 : n % 10 === 0 ? 4 : n % 4;
  return tag + CUSTOMER_TEXTS[pick]!;
}

const A = 97;

/** A non-negative integer in base 26 with the letters a–z. */
export function letters(value: number): string {
  let v = Math.max(0, Math.floor(value));
  let out = "";
  do {
    out = String.fromCharCode(A + (v % 26)) + out;
    v = Math.floor(v / 26);
  } while (v > 0);
  return out;
}

/** Reads a tag starting at `from` (just after `~C` / `~R`): [sentMicros, conversation], or null. */
export function readTag(text: string, from: number): [number, number] | null {
  let value = 0;
  let i = from;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i) - A;
    if (c < 0 || c >= 26) break;
    value = value * 26 + c;
  }
  if (text.charCodeAt(i) !== 46 /* . */) return null;
  let conversation = 0;
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i) - A;
    if (c < 0 || c >= 26) break;
    conversation = conversation * 26 + c;
  }
  if (text.charCodeAt(i) !== 126 /* ~ */) return null;
  return [value, conversation];
}
