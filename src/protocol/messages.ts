// Wire protocol v1: JSON text frames over WebSocket. Client frames are validated here, at the edge,
// and nowhere else. docs/protocol.md describes every frame; test/protocol/fixtures holds one of each.
import { z } from "zod";

import { MAX_EVENTS_PAGE, MAX_MESSAGE_LENGTH, MAX_MESSAGES_PAGE } from "./wire.js";
import { MAX_RATING_COMMENT_LENGTH, PRESENCES } from "./vocabulary.js";

export {
  CloseCode,
  MAX_EVENTS_PAGE,
  MAX_FRAME_BYTES,
  MAX_MESSAGE_LENGTH,
  PROTOCOL_VERSION,
  TYPING_INTERVAL_MS,
  decodeServerFrame,
} from "./wire.js";
export type {
  Ack,
  Consoles,
  ErrorFrame,
  EventFrame,
  ServerFrame,
  SnapshotReason,
  TypingFrame,
  Welcome,
} from "./wire.js";

/** The bounds of ids, request ids and texts (UTF-16 units), for the schemas and the hand check of `send` alike. */
const ID_MAX = 128;
/** Context variables of a start (PC6): each is a line of the conversation's details every rep on it sees. */
export const MAX_CONTEXT_VARIABLES = 32;
const REQ_ID_MAX = 64;
const TEXT_MAX = MAX_MESSAGE_LENGTH * 4;
const id = z.string().min(1).max(ID_MAX);
const reqId = z.string().min(1).max(REQ_ID_MAX);
const clientId = z.string().min(1).max(ID_MAX).optional();
const text = z.string().max(TEXT_MAX);
const target = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("queue"), id }),
  z.object({ kind: z.literal("rep"), id }),
]);
// `rona` decodes, to be refused by the server with presence/invalid (only the system sets it): it is not offered.
const presence = z.enum(PRESENCES, {
  error: "expected one of available, busy, dnd, away, offline",
});

/** An authenticated customer's identity, signed by the org's secret (P9). */
export const signedIdentitySchema = z.object({
  id,
  name: z.string().min(1).max(200).optional(),
  email: z.string().max(200).optional(),
  phone: z.string().max(64).optional(),
  account: z.string().max(200).optional(),
  caseTitle: z.string().max(200).optional(),
  /** Unix ms after which the signature is no longer accepted. */
  expires: z.number().int().optional(),
  /** hex HMAC-SHA256 over the canonical JSON of the other fields. */
  sig: z.string().regex(/^[0-9a-f]{64}$/),
});
export type SignedIdentity = z.infer<typeof signedIdentitySchema>;

export const helloSchema = z.discriminatedUnion("role", [
  z.object({
    type: z.literal("hello"),
    v: z.number().int(),
    role: z.enum(["rep", "supervisor"]),
    token: z.string().min(1).max(512),
    /** The last event seq this client saw; the server sends what it missed, or a fresh snapshot. */
    lastSeq: z.number().int().min(0).optional(),
    /** The `epoch` of the welcome that `lastSeq` came from: a resume needs both. */
    epoch: z.string().min(1).max(64).optional(),
    client: z.string().max(64).optional(),
  }),
  z.object({
    type: z.literal("hello"),
    v: z.number().int(),
    role: z.literal("customer"),
    identity: signedIdentitySchema.optional(),
    /** Token of a conversation this customer started earlier (visitors reconnecting). */
    conversationToken: z.string().max(512).optional(),
    lastSeq: z.number().int().min(0).optional(),
    /** The `epoch` of the welcome that `lastSeq` came from: a resume needs both. */
    epoch: z.string().min(1).max(64).optional(),
    client: z.string().max(64).optional(),
  }),
]);
export type Hello = z.infer<typeof helloSchema>;

const req = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), reqId, ...shape });

/**
 * "I am typing" (never what): relayed to the other side at most once per conversation and direction every
 * TYPING_INTERVAL_MS, never stored. Without a reqId it is answered with nothing, not even an error.
 */
const typing = z.object({ type: z.literal("typing"), reqId: reqId.optional(), conversationId: id });

/**
 * Read-only: a page of a conversation's messages, the `limit` latest before the message `before` (the latest of all
 * without it), oldest first, as the asker sees them. Answered `{messages, more}`: `more` says earlier ones exist.
 */
const messagesRequest = req("messages", {
  conversationId: id,
  before: id.optional(),
  limit: z.number().int().min(1).max(MAX_MESSAGES_PAGE).optional(),
});

/** Requests a customer may send. */
export const customerRequestSchema = z.discriminatedUnion("type", [
  req("start", {
    workstream: id,
    text: text.optional(),
    clientId,
    proactive: z.boolean().optional(),
    context: z
      .record(z.string().max(64), z.string().max(2048))
      .refine((context) => Object.keys(context).length <= MAX_CONTEXT_VARIABLES, {
        message: `at most ${MAX_CONTEXT_VARIABLES} context variables`,
      })
      .optional(),
  }),
  req("send", { conversationId: id, text, clientId }),
  req("end", { conversationId: id }),
  /**
   * CSAT: rate an ended conversation. The score's range and the comment's length in characters are the server's to
   * refuse (rating/invalid): here only what no request could mean.
   */
  req("rate", {
    conversationId: id,
    score: z.number().int(),
    comment: z
      .string()
      .max(MAX_RATING_COMMENT_LENGTH * 4)
      .optional(),
  }),
  req("status", { conversationId: id }),
  messagesRequest,
  typing,
]);

/** Requests a rep may send (supervisors may send them too). */
const repRequests = [
  /** ifLastConsole: set it only when this is the user's last open console (quitting one of several changes nothing). */
  /** reasonId: one of the org's reasons for that presence (org view `presenceReasons`). */
  req("presence", { presence, reasonId: id.optional(), ifLastConsole: z.boolean().optional() }),
  req("accept", { offerId: id }),
  req("reject", { offerId: id }),
  req("pick", { conversationId: id }),
  req("send", { conversationId: id, text, clientId }),
  req("transfer", { conversationId: id, target }),
  req("conference", { conversationId: id, repId: id }),
  req("end_conference", { conversationId: id }),
  req("consult", { conversationId: id, repId: id }),
  /** Without repId: leave a consult; with one: the rep ends that consultant's consult (or withdraws its request). */
  req("end_consult", { conversationId: id, repId: id.optional() }),
  req("close", { conversationId: id }),
  req("end", { conversationId: id }),
  req("wrapup", { conversationId: id, reasonId: id }),
  req("note", { conversationId: id, text }),
  typing,
  req("targets", {}),
  req("open_items", {}),
  /**
   * Read-only: your figures for Home's Today from `since` (your local midnight, ms), answered `{today: {since,
   * accepted, ended, transferred}}`; the server keeps two days.
   */
  req("today", { since: z.number().int().nonnegative() }),
  /** Read-only: the earlier conversations of the signed-in customer of a conversation you can see. */
  req("history", { conversationId: id }),
  /** Read-only: one conversation of that history, whole (`earlierId` must be one `history` lists). */
  req("history_conversation", { conversationId: id, earlierId: id }),
  messagesRequest,
] as const;

const supervisorRequests = [
  req("monitor", { conversationId: id }),
  req("join", { conversationId: id }),
  req("leave", { conversationId: id }),
  req("whisper", { conversationId: id, text }),
  req("assign", { conversationId: id, target, override: z.boolean().optional() }),
  req("supervisor_transfer", { conversationId: id, target }),
  req("force_close", { conversationId: id }),
  /** Set a rep's presence for them (the org's `supervisor.setPresence`); the rep is told who did it. */
  req("set_presence", { userId: id, presence, reasonId: id.optional() }),
  /** The event log from `fromSeq` (default 1), at most `limit` events (default and most 1000), masked for staff. */
  req("events", {
    fromSeq: z.number().int().min(1).optional(),
    limit: z.number().int().min(1).max(MAX_EVENTS_PAGE).optional(),
  }),
  /** The routing decisions behind where a conversation is, each rep's verdict at each (src/protocol/why.ts). */
  req("why", { conversationId: id }),
  /**
   * The live figures (docs/reports.md, "Live figures"), answered as `result.figures`; with `since` (your local
   * midnight, ms) each rep's figures of the day too, as a rep's `today` answers them.
   */
  req("figures", { since: z.number().int().nonnegative().optional() }),
] as const;

export const repRequestSchema = z.discriminatedUnion("type", [...repRequests]);
export const supervisorRequestSchema = z.discriminatedUnion("type", [...repRequests, ...supervisorRequests]);

export type CustomerRequest = z.infer<typeof customerRequestSchema>;
export type RepRequest = z.infer<typeof repRequestSchema>;
export type SupervisorRequest = z.infer<typeof supervisorRequestSchema>;
export type ClientRequest = CustomerRequest | SupervisorRequest;
export type ClientFrame = Hello | ClientRequest;

/** Protocol-level error codes (domain codes such as `conversation/not_active` come from the routing core). */
export type ProtocolErrorCode =
  | "protocol/malformed"
  | "protocol/unknown_type"
  | "protocol/invalid"
  | "protocol/too_big"
  | "protocol/version"
  | "protocol/not_ready"
  | "protocol/rate_limited"
  | "auth/invalid_token"
  | "auth/invalid_identity"
  | "auth/forbidden"
  | "server/busy"
  | "server/unavailable"
  | "server/internal";

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; code: ProtocolErrorCode; message: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "frame"}: ${i.message}`)
    .join("; ");
}

/** A role's requests by their type: a frame is checked against its own type's schema, found without a scan. */
type RequestSchemas = ReadonlyMap<string, z.ZodType<ClientFrame>>;
const byType = (schema: { options: readonly { shape: { type: { value: string } } }[] }): RequestSchemas =>
  new Map(schema.options.map((o) => [o.shape.type.value, o as unknown as z.ZodType<ClientFrame>]));
const REQUESTS: Record<"rep" | "supervisor" | "customer", RequestSchemas> = {
  customer: byType(customerRequestSchema),
  rep: byType(repRequestSchema),
  supervisor: byType(supervisorRequestSchema),
};

const isString = (v: unknown, min: number, max: number): v is string =>
  typeof v === "string" && v.length >= min && v.length <= max;

/**
 * `send`, every role's most frequent frame, checked by hand as its schema checks it (the same bounds, unknown fields
 * dropped, the value's fields in the schema's order): the same value, without zod's walk. Null when it is not valid,
 * for the schema to say why.
 */
function validSend(json: Record<string, unknown>): ClientFrame | null {
  const { reqId, conversationId, text, clientId } = json;
  if (
    !isString(reqId, 1, REQ_ID_MAX) ||
    !isString(conversationId, 1, ID_MAX) ||
    !isString(text, 0, TEXT_MAX) ||
    (clientId !== undefined && !isString(clientId, 1, ID_MAX))
  )
    return null;
  return clientId === undefined
    ? { type: "send", reqId, conversationId, text }
    : { type: "send", reqId, conversationId, text, clientId };
}

/** Decode a client frame for a role. Never throws. */
export function decodeClientFrame(
  raw: string,
  role: "rep" | "supervisor" | "customer" | null,
): DecodeResult<ClientFrame> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, code: "protocol/malformed", message: "The frame is not valid JSON." };
  }
  if (
    typeof json !== "object" ||
    json === null ||
    Array.isArray(json) ||
    typeof (json as { type?: unknown }).type !== "string"
  ) {
    return { ok: false, code: "protocol/malformed", message: "A frame is a JSON object with a string `type`." };
  }
  const type = (json as { type: string }).type;
  if (role === null || type === "hello") {
    if (type !== "hello") return { ok: false, code: "protocol/not_ready", message: "Send `hello` first." };
    const parsed = helloSchema.safeParse(json);
    return parsed.success
      ? { ok: true, value: parsed.data }
      : { ok: false, code: "protocol/invalid", message: `Invalid hello: ${describeIssues(parsed.error)}` };
  }
  const schema = REQUESTS[role].get(type);
  if (schema === undefined) {
    const anywhere = REQUESTS.supervisor.has(type) || REQUESTS.customer.has(type);
    return anywhere
      ? { ok: false, code: "auth/forbidden", message: `A ${role} cannot send \`${type}\`.` }
      : { ok: false, code: "protocol/unknown_type", message: `Unknown frame type \`${type.slice(0, 40)}\`.` };
  }
  // After the role's check, like every other type: the hand check only replaces the schema's walk.
  if (type === "send") {
    const sent = validSend(json as Record<string, unknown>);
    if (sent !== null) return { ok: true, value: sent };
  }
  // The union would pick this same schema by `type`: checking it directly gives the same result and the same issues.
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, code: "protocol/invalid", message: `Invalid \`${type}\`: ${describeIssues(parsed.error)}` };
}

/** The reqId of a frame, when it has one, so that even an invalid request gets a matching error. */
export function reqIdOf(raw: string): string | undefined {
  try {
    const json = JSON.parse(raw) as { reqId?: unknown };
    return typeof json?.reqId === "string" && json.reqId.length <= 64 ? json.reqId : undefined;
  } catch {
    return undefined;
  }
}
