// Protocol v1 golden fixtures: every client frame decodes and re-encodes to the same JSON, every server
// frame decodes and matches its TypeScript type exactly, so any wire change is a visible diff in
// test/protocol/fixtures. Negative cases pin the error codes a client gets for bad frames.
// docs/protocol.md describes every frame; the last block checks it names every code and frame type.
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { canonicalJson, verifyConversationToken, verifyIdentity } from "../../src/protocol/identity.js";
import {
  CloseCode,
  MAX_MESSAGE_LENGTH,
  PROTOCOL_VERSION,
  customerRequestSchema,
  decodeClientFrame,
  decodeServerFrame,
  repRequestSchema,
  reqIdOf,
  supervisorRequestSchema,
} from "../../src/protocol/messages.js";
import type {
  Ack,
  Consoles,
  ErrorFrame,
  EventFrame,
  Hello,
  ProtocolErrorCode,
  ServerFrame,
  TypingFrame,
  Welcome,
} from "../../src/protocol/messages.js";
import type { ResponseTargets } from "../../src/protocol/response-targets.js";
import type {
  AuthorView,
  Change,
  ConversationState,
  ConversationView,
  CustomerConversationView,
  CustomerView,
  HistoryItemView,
  Figures,
  NoteView,
  RatingView,
  MessageView,
  Mode,
  NoticeCode,
  OfferKind,
  OfferStatus,
  OfferView,
  OrgView,
  Presence,
  PresenceReason,
  PresenceReasons,
  Snapshot,
  SystemMessageCode,
  TodayView,
  UserView,
} from "../../src/protocol/views.js";
import type { ErrorCode } from "../../server/core/model.js";
import type { QuickReply } from "../../src/protocol/quick-replies.js";
import type { ChosenBy, PassedOver, RepVerdict, RoutingDecision, WhyAnswer } from "../../src/protocol/why.js";
import { serverFixtures } from "./fixtures/index.js";

type Role = "rep" | "supervisor" | "customer";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const DOC = fileURLToPath(new URL("../../docs/protocol.md", import.meta.url));

interface Fixture {
  name: string;
  raw: string;
  json: Record<string, unknown>;
}

const fixtures: Fixture[] = readdirSync(FIXTURES)
  .filter((file) => file.endsWith(".json"))
  .sort()
  .map((file) => {
    const raw = readFileSync(`${FIXTURES}${file}`, "utf8");
    return { name: file.slice(0, -".json".length), raw, json: JSON.parse(raw) as Record<string, unknown> };
  });
const clientFixtures = fixtures.filter((f) => !f.name.startsWith("server."));
const serverFiles = fixtures.filter((f) => f.name.startsWith("server."));

function roleOf(name: string): Role {
  const prefix = name.split(".")[0];
  if (prefix === "rep" || prefix === "supervisor" || prefix === "customer") return prefix;
  throw new Error(`fixture ${name}: the file name must start with rep., supervisor., customer. or server.`);
}

function typesOf(schema: { options: readonly { shape: { type: { value: string } } }[] }): string[] {
  return schema.options.map((o) => o.shape.type.value);
}

function fixture(name: string): Fixture {
  const found = fixtures.find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found;
}

// ---- a small structural checker tied to the wire types ---------------------------------------------
// `obj<T>(shape)` must list exactly the keys of T (the compiler checks it), with optional keys wrapped in
// `optional(...)`; at run time it refuses missing required keys and any key T does not have.

type Check = (value: unknown, path: string) => void;
interface Optional {
  optional: Check;
}
type IsOptional<T, K extends keyof T> = Record<never, never> extends Pick<T, K> ? true : false;
type Shape<T> = { [K in keyof T]-?: IsOptional<T, K> extends true ? Optional : Check };

function fail(path: string, message: string): never {
  throw new Error(`${path}: ${message}`);
}

const anything: Check = () => undefined;
const str: Check = (v, p) => {
  if (typeof v !== "string") fail(p, `expected a string, got ${JSON.stringify(v)}`);
};
const int: Check = (v, p) => {
  if (typeof v !== "number" || !Number.isInteger(v)) fail(p, `expected an integer, got ${JSON.stringify(v)}`);
};
const num: Check = (v, p) => {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(p, `expected a number, got ${JSON.stringify(v)}`);
};
const bool: Check = (v, p) => {
  if (typeof v !== "boolean") fail(p, `expected a boolean, got ${JSON.stringify(v)}`);
};
const step: Check = (v, p) => {
  int(v, p);
  if ((v as number) < -3 || (v as number) > 3) fail(p, `expected a sentiment step -3…3, got ${String(v)}`);
};
const nullable =
  (check: Check): Check =>
  (v, p) => {
    if (v !== null) check(v, p);
  };
const optional = (check: Check): Optional => ({ optional: check });
const arr =
  (check: Check): Check =>
  (v, p) => {
    if (!Array.isArray(v)) fail(p, "expected an array");
    v.forEach((item, i) => check(item, `${p}[${i}]`));
  };
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
const rec =
  (check: Check): Check =>
  (v, p) => {
    if (!isRecord(v)) fail(p, "expected an object");
    for (const [key, value] of Object.entries(v)) check(value, `${p}.${key}`);
  };
/** Exactly these values; the Record makes the compiler check the list is complete. */
function oneOf<T extends string>(values: Record<T, true>): Check {
  return (v, p) => {
    if (typeof v !== "string" || !Object.hasOwn(values, v))
      fail(p, `expected one of ${Object.keys(values).join(", ")}, got ${JSON.stringify(v)}`);
  };
}
const lit = (...values: string[]): Check => oneOf(Object.fromEntries(values.map((v) => [v, true])));

function looseObj(shape: Record<string, Check | Optional>): Check {
  return (v, p) => {
    if (!isRecord(v)) fail(p, "expected an object");
    for (const key of Object.keys(v)) if (!Object.hasOwn(shape, key)) fail(`${p}.${key}`, "unexpected field");
    for (const [key, spec] of Object.entries(shape)) {
      if (typeof spec === "function") {
        if (!Object.hasOwn(v, key)) fail(`${p}.${key}`, "missing");
        spec(v[key], `${p}.${key}`);
      } else if (Object.hasOwn(v, key)) {
        spec.optional(v[key], `${p}.${key}`);
      }
    }
  };
}
const obj = <T>(shape: Shape<T>): Check => looseObj(shape as Record<string, Check | Optional>);

/** A union told apart by `field`; the Record makes the compiler check every variant is there. */
function union<T extends Record<D, string>, D extends keyof T & string>(
  field: D,
  variants: Record<T[D], Check>,
): Check {
  return (v, p) => {
    if (!isRecord(v)) fail(p, "expected an object");
    const tag = v[field];
    if (typeof tag !== "string" || !Object.hasOwn(variants, tag))
      fail(`${p}.${field}`, `unknown ${field} ${JSON.stringify(tag)}`);
    variants[tag as T[D]](v, p);
  };
}

const presence = oneOf<Presence>({ available: true, busy: true, dnd: true, away: true, offline: true, rona: true });
const conversationState = oneOf<ConversationState>({
  open: true,
  active: true,
  waiting: true,
  wrapup: true,
  closed: true,
});
const mode = oneOf<Mode>({ live: true, persistent: true });
const offerKind = oneOf<OfferKind>({
  route: true,
  transfer: true,
  conference: true,
  supervisor_transfer: true,
  consult: true,
});
const offerStatus = oneOf<OfferStatus>({
  pending: true,
  accepted: true,
  rejected: true,
  timed_out: true,
  withdrawn: true,
});
const noticeCode = oneOf<NoticeCode>({
  rona: true,
  presence_set: true,
  sentiment_alert: true,
  customer_ended: true,
  aborted: true,
  offer_withdrawn: true,
  transfer_rejected: true,
  transfer_not_accepted: true,
  conference_declined: true,
  consult_declined: true,
  consult_joined: true,
  consult_left: true,
  supervisor_transfer: true,
  force_closed: true,
  consult_ended: true,
  customer_back: true,
});

type StaffAuthor = Exclude<AuthorView, { role: "customer" } | { role: "system" }>;
const staffAuthor = obj<StaffAuthor>({ role: lit("rep", "supervisor"), id: str, name: str });
const author = union<AuthorView, "role">("role", {
  customer: obj<Extract<AuthorView, { role: "customer" }>>({ role: lit("customer"), name: str }),
  rep: staffAuthor,
  supervisor: staffAuthor,
  system: obj<Extract<AuthorView, { role: "system" }>>({ role: lit("system") }),
});

const systemMessageCode = oneOf<SystemMessageCode>({
  rep_joined: true,
  rep_left: true,
  queue_position: true,
  average_wait: true,
  outside_hours: true,
  ended: true,
  customer_ended: true,
  force_closed: true,
  waiting_expired: true,
  aborted: true,
});

const message = obj<MessageView>({
  id: str,
  at: int,
  author,
  text: str,
  clientId: optional(str),
  sentiment: optional(step),
  code: optional(systemMessageCode),
});

const note = obj<NoteView>({
  id: str,
  at: int,
  author: obj<NoteView["author"]>({ role: lit("rep", "supervisor"), id: str, name: str }),
  text: str,
  kind: optional(lit("consult", "whisper")),
});

const customer = obj<CustomerView>({
  name: str,
  authenticated: bool,
  email: optional(str),
  phone: optional(str),
  account: optional(str),
  caseTitle: optional(str),
});

const score: Check = (v, p) => {
  int(v, p);
  if ((v as number) < 1 || (v as number) > 5) fail(p, `expected a rating 1…5, got ${String(v)}`);
};
const rating = obj<RatingView>({ score, comment: optional(str), at: int });

type Transfer = NonNullable<ConversationView["transfer"]>;
const conversation = obj<ConversationView>({
  id: str,
  state: conversationState,
  mode,
  workstreamId: str,
  workstreamName: str,
  queueId: str,
  queueName: str,
  title: str,
  customer,
  proactive: bool,
  context: rec(str),
  ownerId: nullable(str),
  ownerName: nullable(str),
  lastOwnerId: nullable(str),
  participants: arr(str),
  consultants: arr(str),
  conferenceRequested: nullable(
    obj<NonNullable<ConversationView["conferenceRequested"]>>({ repId: str, repName: str }),
  ),
  assignedAt: nullable(int),
  offeredTo: nullable(obj<NonNullable<ConversationView["offeredTo"]>>({ repId: str, repName: str, expiresAt: int })),
  transfer: nullable(
    obj<Transfer>({
      by: oneOf<Transfer["by"]>({ rep: true, supervisor: true }),
      fromRepId: nullable(str),
      target: obj<Transfer["target"]>({
        kind: oneOf<Transfer["target"]["kind"]>({ queue: true, rep: true }),
        id: str,
        name: str,
      }),
    }),
  ),
  supervisors: rec(oneOf<"monitor" | "join">({ monitor: true, join: true })),
  wrapUpBy: arr(str),
  sentiment: step,
  alert: bool,
  createdAt: int,
  queuedAt: nullable(int),
  waitingUntil: nullable(int),
  customerWaitingSince: nullable(int),
  firstResponseAt: nullable(int),
  customerEnded: bool,
  aborted: nullable(str),
  closedAt: nullable(int),
  closedBy: nullable(str),
  messageCount: int,
  rating: optional(rating),
  messages: optional(arr(message)),
  notes: optional(arr(note)),
});

const historyItem = obj<HistoryItemView>({
  id: str,
  state: conversationState,
  mode,
  createdAt: int,
  closedAt: nullable(int),
  queueName: str,
  workstreamName: str,
  repName: nullable(str),
  wrapUpReason: nullable(str),
  title: str,
});

const customerConversation = obj<CustomerConversationView>({
  id: str,
  state: conversationState,
  mode,
  repName: nullable(str),
  ended: bool,
  messageCount: int,
  rateUntil: optional(int),
  rating: optional(rating),
  messages: optional(arr(message)),
});

const offer = obj<OfferView>({
  id: str,
  conversationId: str,
  kind: offerKind,
  status: offerStatus,
  createdAt: int,
  expiresAt: int,
  byName: nullable(str),
  title: str,
  customerName: str,
  queueName: str,
  proactive: bool,
  arrivedAt: int,
  preview: arr(message),
  sentiment: int,
  alert: bool,
  returning: optional(bool),
});

const presenceReason = obj<PresenceReason>({ id: str, label: str });

const user = obj<UserView>({
  id: str,
  name: str,
  role: lit("rep", "supervisor"),
  presence,
  presenceReason: optional(presenceReason),
  presenceSince: optional(int),
  capacity: int,
  used: int,
  conversations: int,
  queues: arr(str),
});

const org = obj<OrgView>({
  name: str,
  masking: bool,
  supervisor: obj<OrgView["supervisor"]>({
    monitor: bool,
    assign: bool,
    transfer: bool,
    forceClose: bool,
    setPresence: bool,
  }),
  queues: arr(obj<OrgView["queues"][number]>({ id: str, name: str })),
  workstreams: arr(
    obj<OrgView["workstreams"][number]>({
      id: str,
      name: str,
      mode,
      queueId: str,
      sentimentThreshold: step,
      responseTargets: optional(
        obj<ResponseTargets>({
          warnSeconds: optional(int),
          alertSeconds: optional(int),
          firstResponseSeconds: optional(int),
        }),
      ),
    }),
  ),
  wrapUpReasons: arr(obj<OrgView["wrapUpReasons"][number]>({ id: str, label: str })),
  quickReplies: optional(
    arr(obj<QuickReply>({ id: str, title: str, text: str, tags: optional(arr(str)), workstreams: optional(arr(str)) })),
  ),
  presenceReasons: optional(
    obj<PresenceReasons>({
      busy: optional(arr(presenceReason)),
      dnd: optional(arr(presenceReason)),
      away: optional(arr(presenceReason)),
    }),
  ),
});

const snapshot = obj<Snapshot>({
  org,
  me: nullable(user),
  users: arr(user),
  conversations: arr(conversation),
  customerConversations: arr(customerConversation),
  offers: arr(offer),
});

type ChangeOf<K extends Change["kind"]> = Extract<Change, { kind: K }>;
const change = union<Change, "kind">("kind", {
  conversation: obj<ChangeOf<"conversation">>({ kind: lit("conversation"), conversation }),
  gone: obj<ChangeOf<"gone">>({ kind: lit("gone"), conversationId: str }),
  customer_conversation: obj<ChangeOf<"customer_conversation">>({
    kind: lit("customer_conversation"),
    conversation: customerConversation,
  }),
  message: obj<ChangeOf<"message">>({ kind: lit("message"), conversationId: str, message }),
  note: obj<ChangeOf<"note">>({ kind: lit("note"), conversationId: str, note }),
  offer: obj<ChangeOf<"offer">>({ kind: lit("offer"), offer }),
  user: obj<ChangeOf<"user">>({ kind: lit("user"), user }),
  org: obj<ChangeOf<"org">>({ kind: lit("org"), org }),
  offer_ended: obj<ChangeOf<"offer_ended">>({
    kind: lit("offer_ended"),
    offerId: str,
    conversationId: str,
    status: oneOf<ChangeOf<"offer_ended">["status"]>({
      accepted: true,
      rejected: true,
      timed_out: true,
      withdrawn: true,
    }),
  }),
  notice: obj<ChangeOf<"notice">>({ kind: lit("notice"), code: noticeCode, text: str, conversationId: optional(str) }),
});

/** Every error code a server may send: the protocol's and the routing core's. */
const ERROR_CODES = {
  "protocol/malformed": true,
  "protocol/unknown_type": true,
  "protocol/invalid": true,
  "protocol/too_big": true,
  "protocol/version": true,
  "protocol/not_ready": true,
  "protocol/rate_limited": true,
  "auth/invalid_token": true,
  "auth/invalid_identity": true,
  "auth/forbidden": true,
  "server/busy": true,
  "server/unavailable": true,
  "server/internal": true,
  "conversation/not_found": true,
  "conversation/not_active": true,
  "conversation/not_open": true,
  "conversation/wrong_state": true,
  "conversation/not_yours": true,
  "conversation/aborted": true,
  "conversation/persistent_only": true,
  "conversation/live_only": true,
  "conversation/customer_cannot_end": true,
  "offer/not_found": true,
  "offer/not_pending": true,
  "presence/invalid": true,
  "presence/unknown_reason": true,
  "rep/not_found": true,
  "rep/unavailable": true,
  "rep/at_capacity": true,
  "rep/not_in_queue": true,
  "queue/not_found": true,
  "workstream/not_found": true,
  "workstream/closed": true,
  "workstream/authentication_required": true,
  "message/empty": true,
  "message/too_long": true,
  "message/reserved_characters": true,
  "wrapup/not_in_wrapup": true,
  "wrapup/unknown_reason": true,
  "wrapup/pending": true,
  "transfer/pending": true,
  "transfer/invalid_target": true,
  "conference/pending": true,
  "conference/not_in_conference": true,
  "consult/not_consulting": true,
  "supervisor/monitor_disabled": true,
  "supervisor/assign_disabled": true,
  "supervisor/transfer_disabled": true,
  "supervisor/force_close_disabled": true,
  "supervisor/set_presence_disabled": true,
  "supervisor/own_conversation": true,
  "supervisor/not_joined": true,
  "rating/not_ended": true,
  "rating/not_answered": true,
  "rating/already_given": true,
  "rating/expired": true,
  "rating/invalid": true,
} satisfies Record<ProtocolErrorCode | ErrorCode, true>;

const serverFrame = union<ServerFrame, "type">("type", {
  welcome: obj<Welcome>({
    type: lit("welcome"),
    v: int,
    seq: int,
    session: obj<Welcome["session"]>({
      role: lit("rep", "supervisor", "customer"),
      userId: nullable(str),
      name: nullable(str),
      conversationToken: optional(str),
    }),
    epoch: str,
    mode: lit("snapshot", "resume"),
    snapshotReason: optional(lit("epoch", "ahead", "too_far_back", "missing_events")),
    snapshot: nullable(snapshot),
    serverTime: int,
  }),
  ack: obj<Ack>({ type: lit("ack"), reqId: str, result: optional(rec(anything)) }),
  error: obj<ErrorFrame>({
    type: lit("error"),
    reqId: optional(str),
    code: oneOf(ERROR_CODES),
    message: str,
    retryAfterMs: optional(int),
  }),
  event: obj<EventFrame>({ type: lit("event"), seq: int, at: int, changes: arr(change) }),
  consoles: obj<Consoles>({ type: lit("consoles"), count: int }),
  typing: obj<TypingFrame>({
    type: lit("typing"),
    conversationId: str,
    from: lit("customer", "rep"),
    name: optional(str),
  }),
});

/** The documented worked example (docs/protocol.md, "Signed customer identities"). */
const EXAMPLE_SECRET = "example-secret-for-docs-only-0123456789";

// ---- client frames ---------------------------------------------------------------------------------

describe("client frame fixtures", () => {
  it("there is a fixture for every request type of every role, and for every hello variant", () => {
    const have = (role: Role) =>
      new Set(clientFixtures.filter((f) => roleOf(f.name) === role).map((f) => f.json.type as string));
    const supervisorOnly = typesOf(supervisorRequestSchema).filter((t) => !typesOf(repRequestSchema).includes(t));
    expect([...have("customer")].sort()).toEqual(["hello", ...typesOf(customerRequestSchema)].sort());
    expect([...have("rep")].sort()).toEqual(["hello", ...typesOf(repRequestSchema)].sort());
    expect([...have("supervisor")].sort()).toEqual(["hello", ...supervisorOnly].sort());
    const customerHellos = clientFixtures
      .filter((f) => roleOf(f.name) === "customer" && f.json.type === "hello")
      .map((f) => f.json);
    expect(customerHellos.some((h) => "identity" in h)).toBe(true);
    expect(customerHellos.some((h) => "conversationToken" in h)).toBe(true);
    expect(customerHellos.some((h) => !("identity" in h) && !("conversationToken" in h))).toBe(true);
    expect(clientFixtures.some((f) => f.json.type === "hello" && typeof f.json.lastSeq === "number")).toBe(true);
  });

  it.each(clientFixtures.map((f) => [f.name, f] as const))(
    "%s decodes for its role and re-encodes to the same JSON",
    (name, f) => {
      const role = roleOf(name);
      expect(
        name.split(".")[1]?.startsWith(f.json.type as string),
        "the name after the role starts with the frame type",
      ).toBe(true);
      // A hello is decoded before the connection has a role; every other frame with the sender's role.
      const decoded = decodeClientFrame(f.raw, f.json.type === "hello" ? null : role);
      if (!decoded.ok) throw new Error(`${name}: ${decoded.code} ${decoded.message}`);
      expect(JSON.parse(JSON.stringify(decoded.value))).toStrictEqual(f.json);
      if (decoded.value.type === "hello") {
        expect(decoded.value.v).toBe(PROTOCOL_VERSION);
        expect(decoded.value.role).toBe(role);
      } else {
        expect(decoded.value.reqId).toBe(f.json.reqId);
      }
    },
  );

  it("a frame of a known type is checked as its role's union of requests checks it: the same value, the same issues", () => {
    const unions = { customer: customerRequestSchema, rep: repRequestSchema, supervisor: supervisorRequestSchema };
    for (const f of clientFixtures.filter((x) => x.json.type !== "hello")) {
      const role = roleOf(f.name) as keyof typeof unions;
      for (const json of [f.json, { ...f.json, reqId: 7 }, { ...f.json, unknown: true }, { type: f.json.type }]) {
        const viaUnion = unions[role].safeParse(json);
        const decoded = decodeClientFrame(JSON.stringify(json), role);
        if (viaUnion.success) expect(decoded, f.name).toEqual({ ok: true, value: viaUnion.data });
        else {
          const issues = viaUnion.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join(".") || "frame"}: ${i.message}`)
            .join("; ");
          expect(decoded, f.name).toEqual({
            ok: false,
            code: "protocol/invalid",
            message: `Invalid \`${String(json.type)}\`: ${issues}`,
          });
        }
      }
    }
  });

  it("a supervisor may send every rep request; a rep may send none of the supervisor's", () => {
    for (const f of clientFixtures.filter((x) => x.json.type !== "hello")) {
      const role = roleOf(f.name);
      if (role === "rep") expect(decodeClientFrame(f.raw, "supervisor").ok, f.name).toBe(true);
      if (role === "supervisor") {
        expect(decodeClientFrame(f.raw, "rep"), f.name).toMatchObject({ ok: false, code: "auth/forbidden" });
        expect(decodeClientFrame(f.raw, "customer"), f.name).toMatchObject({ ok: false, code: "auth/forbidden" });
      }
    }
  });

  it("the signed identity in customer.hello-identity is the documented worked example and verifies (P9)", () => {
    const hello = fixture("customer.hello-identity").json as Extract<Hello, { role: "customer" }>;
    const { sig, ...fields } = hello.identity!;
    expect(canonicalJson(fields)).toBe(
      '{"account":"Fabrikam Ltd","email":"kenny@example.com","expires":1893456000000,"id":"cust-1042","name":"Kenny Smith"}',
    );
    expect(sig).toBe("3b3cffeaf4458fc0fcc493cdec5e25f012db3313419baabae8f93e3fd5c74d5d");
    expect(verifyIdentity(EXAMPLE_SECRET, hello.identity!, 1741944600000)).toBe(true);
    // Key order on the wire does not matter; every signed byte does.
    expect(
      verifyIdentity(
        EXAMPLE_SECRET,
        {
          sig,
          name: "Kenny Smith",
          id: "cust-1042",
          expires: 1893456000000,
          account: "Fabrikam Ltd",
          email: "kenny@example.com",
        },
        0,
      ),
    ).toBe(true);
    expect(verifyIdentity(EXAMPLE_SECRET, { ...hello.identity!, name: "Kenny Smyth" }, 0)).toBe(false);
    expect(verifyIdentity(EXAMPLE_SECRET, hello.identity!, 1893456000001), "expired").toBe(false);
  });

  it("the conversation tokens in the fixtures are the server's, scoped to one conversation", () => {
    const token = (fixture("customer.hello-conversation-token").json as { conversationToken: string })
      .conversationToken;
    expect(verifyConversationToken(EXAMPLE_SECRET, token)).toEqual({
      conversationId: "c1",
      customerKey: "visitor:57d6df0e67ad4a66ba43c4f0",
    });
    expect((fixture("server.ack-start").json as unknown as Ack).result?.conversationToken).toBe(token);
    const welcome = fixture("server.welcome-snapshot-customer").json as unknown as Welcome;
    expect(verifyConversationToken(EXAMPLE_SECRET, welcome.session.conversationToken!)).toEqual({
      conversationId: "c2",
      customerKey: "auth:cust-1042",
    });
    expect(verifyConversationToken("another-secret-of-at-least-32-chars!!", token)).toBeNull();
  });

  it("a conversation token with anything added, removed or changed around its two parts does not verify", () => {
    const token = (fixture("customer.hello-conversation-token").json as { conversationToken: string })
      .conversationToken;
    const [payload, sig] = token.split(".") as [string, string];
    for (const variant of [
      `${token}.anything`,
      `${token}.`,
      `${token}\n`,
      ` ${token}`,
      `x.${token}`,
      `${payload}.${sig}.${sig}`,
      `${payload}..${sig}`,
      `${payload}.${sig.toUpperCase()}`,
      `${payload}=.${sig}`,
      `${payload}.${sig.slice(0, 63)}`,
    ]) {
      expect(verifyConversationToken(EXAMPLE_SECRET, variant), JSON.stringify(variant)).toBeNull();
    }
    expect(verifyConversationToken(EXAMPLE_SECRET, token)).not.toBeNull();
  });
});

// ---- server frames ---------------------------------------------------------------------------------

describe("server frame fixtures", () => {
  it("the typed fixture index holds exactly the server.*.json files", () => {
    expect(Object.keys(serverFixtures).sort()).toEqual(serverFiles.map((f) => f.name).sort());
    for (const f of serverFiles)
      expect(serverFixtures[f.name as keyof typeof serverFixtures], f.name).toStrictEqual(f.json);
  });

  it.each(serverFiles.map((f) => [f.name, f] as const))("%s decodes and matches its wire type exactly", (name, f) => {
    const frame = decodeServerFrame(f.raw);
    expect(frame).not.toBeNull();
    expect(frame).toStrictEqual(f.json);
    expect(name.split(".")[1]?.startsWith(frame!.type)).toBe(true);
    serverFrame(frame, name);
  });

  it("cover both welcome modes, every Change kind and errors with and without reqId", () => {
    const frames = serverFiles.map((f) => f.json as unknown as ServerFrame);
    const welcomes = frames.filter((f): f is Welcome => f.type === "welcome");
    expect(new Set(welcomes.map((w) => w.mode))).toEqual(new Set(["snapshot", "resume"]));
    expect(welcomes.every((w) => (w.mode === "resume") === (w.snapshot === null))).toBe(true);
    expect(new Set(welcomes.map((w) => w.session.role))).toEqual(new Set(["rep", "customer"]));
    const kinds = new Set(frames.flatMap((f) => (f.type === "event" ? f.changes.map((c) => c.kind) : [])));
    const allKinds = {
      conversation: true,
      customer_conversation: true,
      message: true,
      note: true,
      offer: true,
      user: true,
      offer_ended: true,
      notice: true,
      org: true,
      gone: true,
    } satisfies Record<Change["kind"], true>;
    expect([...kinds].sort()).toEqual(Object.keys(allKinds).sort());
    const errors = frames.filter((f): f is ErrorFrame => f.type === "error");
    expect(errors.some((e) => e.reqId !== undefined) && errors.some((e) => e.reqId === undefined)).toBe(true);
  });

  it("ack results have the documented shapes", () => {
    const result = (name: keyof typeof serverFixtures) => (serverFixtures[name] as { result?: unknown }).result;
    looseObj({ conversationId: str, resumed: bool, conversationToken: str })(result("server.ack-start"), "start");
    const sent = looseObj({ conversationId: str, messageId: str, duplicate: optional(bool) });
    sent(result("server.ack-send"), "send");
    sent(result("server.ack-send-duplicate"), "send (retry)");
    looseObj({ conversationId: str })(result("server.ack-accept"), "accept");
    looseObj({ state: conversationState, mode, queuePosition: optional(int), averageWaitMinutes: optional(int) })(
      result("server.ack-status"),
      "status",
    );
    looseObj({ conversationId: str, exceededBy: int })(result("server.ack-assign"), "assign");
    looseObj({ queues: arr(looseObj({ id: str, name: str, open: int })), reps: arr(user), at: int })(
      result("server.ack-targets"),
      "targets",
    );
    looseObj({ items: arr(conversation) })(result("server.ack-open_items"), "open_items");
    looseObj({ today: looseObj({ since: int, accepted: int, ended: int, transferred: int }) })(
      result("server.ack-today"),
      "today",
    );
    looseObj({ items: arr(historyItem) })(result("server.ack-history"), "history");
    looseObj({ conversation })(result("server.ack-history_conversation"), "history_conversation");
    looseObj({ messages: arr(message), more: bool, notes: optional(arr(note)) })(
      result("server.ack-messages"),
      "messages",
    );
    looseObj({ kept: bool, consoles: int })(result("server.ack-presence-kept"), "presence (ifLastConsole)");
    const logEvent: Check = (v, p) => {
      if (!isRecord(v)) fail(p, "expected an object");
      int(v.seq, `${p}.seq`);
      int(v.at, `${p}.at`);
      str(v.type, `${p}.type`);
    };
    looseObj({ events: arr(logEvent), lastSeq: int })(result("server.ack-events"), "events");
    looseObj({ events: arr(logEvent), lastSeq: int })(result("server.ack-events-rating"), "events (a rating)");
    const passedOver: Record<PassedOver, true> = {
      not_in_queue: true,
      presence: true,
      holds_it: true,
      capacity: true,
      declined: true,
      outside_hours: true,
      affinity: true,
      longer_idle: true,
    };
    const chosenBy: Record<ChosenBy, true> = {
      affinity: true,
      longest_idle: true,
      supervisor: true,
      pick: true,
      returning: true,
      transfer: true,
    };
    const decision = obj<RoutingDecision>({
      seq: nullable(int),
      at: int,
      queueId: str,
      chosen: nullable(
        obj<NonNullable<RoutingDecision["chosen"]>>({ repId: str, by: oneOf(chosenBy), override: bool }),
      ),
      reps: arr(
        obj<RepVerdict>({
          repId: str,
          name: str,
          passedOver: nullable(oneOf(passedOver)),
          presence,
          used: int,
          capacity: int,
          idleSince: int,
        }),
      ),
      declinesForgotten: bool,
      offerEnded: optional(lit("rejected", "timed_out", "withdrawn")),
    });
    obj<WhyAnswer>({
      conversationId: str,
      state: lit("open", "active", "waiting", "wrapup", "closed"),
      queueId: str,
      ownerId: nullable(str),
      decisions: arr(decision),
    })(result("server.ack-why"), "why");
    const figures = obj<Figures>({
      at: int,
      since: int,
      queues: arr(
        obj<Figures["queues"][number]>({
          queueId: str,
          answered: int,
          abandoned: int,
          serviceLevel: nullable(num),
          asaSeconds: nullable(num),
          arrivals: arr(nullable(int)),
          waiting: arr(nullable(int)),
          serviceLevels: arr(nullable(num)),
        }),
      ),
      reps: arr(
        obj<Figures["reps"][number]>({
          repId: str,
          occupancy: nullable(num),
          today: optional(obj<TodayView>({ since: int, accepted: int, ended: int, transferred: int })),
        }),
      ),
    });
    obj<{ figures: Figures }>({ figures })(result("server.ack-figures"), "figures");
    expect(result("server.ack")).toBeUndefined();
  });

  it("the structural check refuses what the types refuse", () => {
    const event = structuredClone(serverFixtures["server.event-message"]) as unknown as EventFrame;
    const check = (frame: unknown) => () => serverFrame(frame, "frame");
    expect(check(event)).not.toThrow();
    expect(check({ ...event, extra: 1 })).toThrow(/frame\.extra: unexpected field/);
    expect(check({ ...event, type: "events" })).toThrow(/unknown type/);
    expect(check({ ...event, changes: [{ kind: "message", conversationId: "c1" }] })).toThrow(/message: missing/);
    expect(check({ ...event, changes: [{ kind: "notice", code: "lunch", text: "x" }] })).toThrow(
      /code: expected one of/,
    );
    expect(check({ type: "error", code: "conversation/gone", message: "x" })).toThrow(/code/);
  });
});

// ---- negative cases --------------------------------------------------------------------------------

describe("decodeClientFrame refuses bad frames with a code and a message", () => {
  const send = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({ type: "send", reqId: "r1", conversationId: "c1", text: "hi", ...extra });

  it("malformed JSON", () => {
    expect(decodeClientFrame('{"type": "send", ', "rep")).toMatchObject({ ok: false, code: "protocol/malformed" });
    expect(decodeClientFrame("", null)).toMatchObject({ ok: false, code: "protocol/malformed" });
  });

  it("a frame that is not a JSON object", () => {
    for (const raw of ["[1,2]", '"hello"', "42", "null", "true"]) {
      expect(decodeClientFrame(raw, "rep"), raw).toMatchObject({ ok: false, code: "protocol/malformed" });
    }
  });

  it("a frame without a string type", () => {
    expect(decodeClientFrame('{"reqId":"r1"}', "rep")).toMatchObject({ ok: false, code: "protocol/malformed" });
    expect(decodeClientFrame('{"type":7,"reqId":"r1"}', "customer")).toMatchObject({
      ok: false,
      code: "protocol/malformed",
    });
  });

  it("an unknown type", () => {
    const result = decodeClientFrame('{"type":"dance","reqId":"r1"}', "supervisor");
    expect(result).toMatchObject({ ok: false, code: "protocol/unknown_type" });
    expect(!result.ok && result.message).toContain("dance");
  });

  it("a type that exists for another role: auth/forbidden", () => {
    expect(decodeClientFrame('{"type":"monitor","reqId":"r1","conversationId":"c1"}', "rep")).toMatchObject({
      ok: false,
      code: "auth/forbidden",
    });
    expect(decodeClientFrame('{"type":"accept","reqId":"r1","offerId":"o1"}', "customer")).toMatchObject({
      ok: false,
      code: "auth/forbidden",
    });
    expect(decodeClientFrame('{"type":"status","reqId":"r1","conversationId":"c1"}', "rep")).toMatchObject({
      ok: false,
      code: "auth/forbidden",
    });
    expect(decodeClientFrame('{"type":"start","reqId":"r1","workstream":"live"}', "supervisor")).toMatchObject({
      ok: false,
      code: "auth/forbidden",
    });
  });

  it("an unknown presence is told the values a client may send, and rona is not among them", () => {
    const result = decodeClientFrame('{"type":"presence","reqId":"r1","presence":"lunch"}', "rep");
    expect(result).toEqual({
      ok: false,
      code: "protocol/invalid",
      message: "Invalid `presence`: presence: expected one of available, busy, dnd, away, offline",
    });
  });

  it("any request before hello: protocol/not_ready", () => {
    expect(decodeClientFrame(send(), null)).toMatchObject({ ok: false, code: "protocol/not_ready" });
    expect(decodeClientFrame('{"type":"dance"}', null)).toMatchObject({ ok: false, code: "protocol/not_ready" });
  });

  it.each([
    ["a missing field", send({ conversationId: undefined }), "rep", "conversationId"],
    ["a field of the wrong type", send({ text: 42 }), "customer", "text"],
    ["an empty id", send({ conversationId: "" }), "rep", "conversationId"],
    ["a missing reqId", send({ reqId: undefined }), "rep", "reqId"],
    ["a reqId over 64 characters", send({ reqId: "r".repeat(65) }), "rep", "reqId"],
    ["a clientId over 128 characters", send({ clientId: "k".repeat(129) }), "customer", "clientId"],
    ["an unknown presence", '{"type":"presence","reqId":"r1","presence":"lunch"}', "rep", "presence"],
    [
      "a transfer target of an unknown kind",
      '{"type":"transfer","reqId":"r1","conversationId":"c1","target":{"kind":"bot","id":"b1"}}',
      "rep",
      "target",
    ],
    [
      "an override that is not a boolean",
      '{"type":"assign","reqId":"r1","conversationId":"c1","target":{"kind":"rep","id":"bob"},"override":"yes"}',
      "supervisor",
      "override",
    ],
    [
      "a context value that is not a string",
      '{"type":"start","reqId":"r1","workstream":"live","context":{"timeOnPage":95}}',
      "customer",
      "context",
    ],
    [
      "more than 32 context variables",
      JSON.stringify({
        type: "start",
        reqId: "r1",
        workstream: "live",
        context: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, "v"])),
      }),
      "customer",
      "at most 32 context variables",
    ],
  ] as const)("%s: protocol/invalid naming the field", (_what, raw, role, field) => {
    const result = decodeClientFrame(raw, role);
    expect(result).toMatchObject({ ok: false, code: "protocol/invalid" });
    expect(!result.ok && result.message).toContain(field);
  });

  it.each([
    ["no token", { type: "hello", v: 1, role: "rep" }, "token"],
    ["an unknown role", { type: "hello", v: 1, role: "admin", token: "x".repeat(20) }, "role"],
    ["a version that is not a number", { type: "hello", v: "1", role: "rep", token: "x".repeat(20) }, "v"],
    ["a negative lastSeq", { type: "hello", v: 1, role: "rep", token: "x".repeat(20), lastSeq: -1 }, "lastSeq"],
    [
      "a signature that is not 64 hex digits",
      { type: "hello", v: 1, role: "customer", identity: { id: "cust-1", sig: "abc" } },
      "identity.sig",
    ],
  ] as const)("a hello with %s: protocol/invalid naming the field", (_what, hello, field) => {
    const result = decodeClientFrame(JSON.stringify(hello), null);
    expect(result).toMatchObject({ ok: false, code: "protocol/invalid" });
    expect(!result.ok && result.message).toContain(field);
  });

  it("a hello of another protocol version still decodes: the server answers protocol/version and closes 4009", () => {
    const decoded = decodeClientFrame(
      JSON.stringify({ type: "hello", v: 2, role: "rep", token: "x".repeat(20) }),
      null,
    );
    expect(decoded.ok && decoded.value.type === "hello" && decoded.value.v).toBe(2);
  });

  it("oversize text: the codec refuses more than 4 × 1000 UTF-16 units; the 1000-character limit (L5) is the core's", () => {
    const over = decodeClientFrame(send({ text: "a".repeat(MAX_MESSAGE_LENGTH * 4 + 1) }), "rep");
    expect(over).toMatchObject({ ok: false, code: "protocol/invalid" });
    expect(!over.ok && over.message).toContain("text");
    expect(decodeClientFrame(send({ text: "a".repeat(MAX_MESSAGE_LENGTH * 4) }), "rep").ok).toBe(true);
    // 1001 characters pass the codec; the routing core answers message/too_long (docs/protocol.md, Limits).
    expect(decodeClientFrame(send({ text: "a".repeat(MAX_MESSAGE_LENGTH + 1) }), "customer").ok).toBe(true);
  });

  it("unknown fields are dropped, not echoed", () => {
    const decoded = decodeClientFrame(send({ colour: "red" }), "rep");
    expect(decoded.ok && decoded.value).toStrictEqual({ type: "send", reqId: "r1", conversationId: "c1", text: "hi" });
  });

  it("`send` is decoded by every role as its schema decodes it, at every bound: the same value in the same order, the same issues", () => {
    const unions = { customer: customerRequestSchema, rep: repRequestSchema, supervisor: supervisorRequestSchema };
    const max = MAX_MESSAGE_LENGTH * 4;
    const variants: Record<string, unknown>[] = [
      {},
      { clientId: "k1" },
      { clientId: "k".repeat(128) },
      { clientId: "k".repeat(129) },
      { clientId: "" },
      { clientId: null },
      { clientId: 7 },
      { text: "" },
      { text: "a".repeat(max) },
      { text: "é".repeat(max + 1) },
      { text: "😀".repeat(max / 2) },
      { text: "😀".repeat(max / 2 + 1) },
      { text: null },
      { text: undefined },
      { reqId: "" },
      { reqId: "r".repeat(64) },
      { reqId: "r".repeat(65) },
      { reqId: 1 },
      { reqId: undefined },
      { conversationId: "" },
      { conversationId: "c".repeat(128) },
      { conversationId: "c".repeat(129) },
      { conversationId: ["c1"] },
      { conversationId: undefined },
      { colour: "red", ["__proto__"]: { text: "x" } },
      { toString: "x", constructor: 1, clientId: "k1" },
    ];
    for (const [role, union] of Object.entries(unions)) {
      for (const extra of variants) {
        const raw = send(extra);
        const json: unknown = JSON.parse(raw);
        const viaUnion = union.safeParse(json);
        const decoded = decodeClientFrame(raw, role as keyof typeof unions);
        const label = `${role} ${raw.slice(0, 120)}`;
        if (viaUnion.success) {
          expect(decoded, label).toStrictEqual({ ok: true, value: viaUnion.data });
          expect(decoded.ok && Object.keys(decoded.value), label).toEqual(Object.keys(viaUnion.data));
        } else {
          expect(decoded, label).toMatchObject({ ok: false, code: "protocol/invalid" });
          expect(!decoded.ok && decoded.message, label).toContain(viaUnion.error.issues[0]!.message);
        }
      }
    }
    // Fields in another order come out in the schema's.
    const reordered = decodeClientFrame(
      '{"clientId":"k","text":"t","conversationId":"c1","reqId":"r1","type":"send"}',
      "rep",
    );
    expect(reordered.ok && JSON.stringify(reordered.value)).toBe(
      '{"type":"send","reqId":"r1","conversationId":"c1","text":"t","clientId":"k"}',
    );
  });

  it("reqIdOf recovers the reqId of a refused request, so that its error can be matched", () => {
    expect(reqIdOf('{"type":"monitor","reqId":"r9","conversationId":"c1"}')).toBe("r9");
    expect(reqIdOf(send({ text: 42 }))).toBe("r1");
    expect(reqIdOf(send({ reqId: "r".repeat(65) }))).toBeUndefined();
    expect(reqIdOf("{not json")).toBeUndefined();
  });

  it("decodeServerFrame checks only the envelope", () => {
    expect(decodeServerFrame('{"type":"hello"}')).toBeNull();
    expect(decodeServerFrame("{oops")).toBeNull();
    expect(decodeServerFrame("null")).toBeNull();
    expect(decodeServerFrame('{"type":"ack","reqId":"r1"}')).toEqual({ type: "ack", reqId: "r1" });
  });
});

// ---- the document ----------------------------------------------------------------------------------

describe("docs/protocol.md", () => {
  it("names every error code, close code, request type, Change kind and notice code", () => {
    const doc = readFileSync(DOC, "utf8");
    for (const code of Object.keys(ERROR_CODES)) expect(doc, code).toContain(`\`${code}\``);
    for (const [name, code] of Object.entries(CloseCode)) expect(doc, name).toContain(`| ${code} |`);
    for (const type of new Set([...typesOf(customerRequestSchema), ...typesOf(supervisorRequestSchema)]))
      expect(doc, type).toContain(`\`${type}\``);
    for (const kind of [
      "conversation",
      "customer_conversation",
      "message",
      "offer",
      "user",
      "offer_ended",
      "notice",
      "gone",
    ])
      expect(doc, kind).toContain(`\`${kind}\``);
    const notices: Record<NoticeCode, true> = {
      rona: true,
      presence_set: true,
      sentiment_alert: true,
      customer_ended: true,
      aborted: true,
      offer_withdrawn: true,
      transfer_rejected: true,
      transfer_not_accepted: true,
      conference_declined: true,
      consult_declined: true,
      consult_joined: true,
      consult_left: true,
      supervisor_transfer: true,
      force_closed: true,
      consult_ended: true,
      customer_back: true,
    };
    for (const code of Object.keys(notices)) expect(doc, code).toContain(`\`${code}\``);
  });

  it("shows the worked example's canonical JSON and signature", () => {
    const doc = readFileSync(DOC, "utf8");
    expect(doc).toContain(EXAMPLE_SECRET);
    expect(doc).toContain(
      '{"account":"Fabrikam Ltd","email":"kenny@example.com","expires":1893456000000,"id":"cust-1042","name":"Kenny Smith"}',
    );
    expect(doc).toContain("3b3cffeaf4458fc0fcc493cdec5e25f012db3313419baabae8f93e3fd5c74d5d");
  });
});
