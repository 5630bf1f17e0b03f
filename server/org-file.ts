// The org file: queues, workstreams, users and settings, validated with defaults filled in.
// docs/org-file.md documents it; `demoOrgFile()` is what runs when no --org is given.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { DEFAULT_MASKING_REGIONS, isMaskingRegion } from "./core/masking.js";
import { parseSentimentStep } from "./core/sentiment.js";
import { DEFAULT_TEXTS } from "./core/org.js";
import type { Org } from "./core/org.js";
import { DEFAULT_LIMITS } from "./rate-limit.js";
import { checkReplyText } from "../src/protocol/quick-replies.js";
import type { QuickReply } from "../src/protocol/quick-replies.js";
import type { ResponseTargets } from "../src/protocol/response-targets.js";

const id = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "letters, digits, _ . - (at most 64)");

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A local time of day, "00:00" to "23:59": when something opens or starts. */
const startTime = z.string().regex(TIME_OF_DAY, 'a time of day "HH:MM" from "00:00" to "23:59"');
/** A local time of day, "00:00" to "24:00" (midnight at the end of the day): when something closes or ends. */
const endTime = z
  .string()
  .refine(
    (value) => TIME_OF_DAY.test(value) || value === "24:00",
    'a time of day "HH:MM" from "00:00" to "24:00" (midnight at the end of the day)',
  );

/**
 * An end earlier than the start is a span across midnight (22:00–06:00), which the core supports. The same time for
 * both would mean neither "never" nor "all day" clearly, so it is refused.
 */
function distinctTimes(startKey: string, endKey: string) {
  return (times: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const start = times[startKey];
    if (typeof start === "string" && TIME_OF_DAY.test(start) && start === times[endKey]) {
      ctx.addIssue({
        code: "custom",
        path: [endKey],
        message: `the same time as ${startKey} ("${start}"): end after the start, or earlier for a span across midnight; "00:00" to "24:00" is the whole day`,
      });
    }
  };
}

const hours = z
  .object({
    days: z.array(z.number().int().min(0).max(6)).min(1),
    open: startTime,
    close: endTime,
    utcOffsetMinutes: z
      .number()
      .int()
      .min(-14 * 60)
      .max(14 * 60)
      .default(0),
  })
  .superRefine(distinctTimes("open", "close"));

const sentimentThreshold = z.union([z.number().int().min(-3).max(3), z.string()]).transform((value, ctx) => {
  const step = typeof value === "number" ? value : parseSentimentStep(value);
  if (step === undefined) {
    ctx.addIssue({ code: "custom", message: 'a step of the 7-step scale, e.g. "slightly negative" or -1' });
    return z.NEVER;
  }
  return step;
});

/** A week: a persistent workstream may promise an answer within days, never more than this. */
const MAX_TARGET_SECONDS = 7 * 86_400;
const targetSeconds = z.number().int().positive().max(MAX_TARGET_SECONDS);

/** How long a customer may wait for an answer: watch from `warnSeconds`, past target from `alertSeconds`. */
const responseTargets = z
  .object({
    warnSeconds: targetSeconds.optional(),
    alertSeconds: targetSeconds.optional(),
    firstResponseSeconds: targetSeconds.optional(),
  })
  .strict()
  .refine(
    (t) => t.warnSeconds === undefined || t.alertSeconds === undefined || t.warnSeconds < t.alertSeconds,
    "warnSeconds must be less than alertSeconds: a wait is watched before it is past the target",
  );

const workstream = z.object({
  id,
  name: z.string().min(1),
  mode: z.enum(["live", "persistent"]),
  queue: id,
  affinity: z.boolean().optional(),
  autoAssignReturning: z.boolean().default(false),
  offerTimeoutSeconds: z.number().positive().max(3600).default(30),
  capacityCost: z.number().int().min(0).max(100).default(1),
  waitingExpiryDays: z.number().positive().max(365).default(28),
  sentimentThreshold: sentimentThreshold.default(-1),
  operatingHours: hours.nullable().default(null),
  serviceLevelSeconds: z.number().positive().max(86_400).optional(),
  responseTargets: responseTargets.optional(),
  texts: z
    .object(Object.fromEntries(Object.keys(DEFAULT_TEXTS).map((k) => [k, z.string().min(1).optional()])))
    .default({}),
});

const user = z.object({
  id,
  name: z.string().min(1),
  role: z.enum(["rep", "supervisor"]).default("rep"),
  capacity: z.number().int().min(0).max(100).default(3),
  queues: z.array(id).default([]),
  /** The user's secret token. Keep the org file readable only by its owner. */
  token: z.string().min(16, "tokens must have at least 16 characters"),
});

const proactiveRule = z
  .object({
    id,
    workstream: id,
    audience: z.enum(["all", "authenticated", "returning"]).default("all"),
    days: z.array(z.number().int().min(0).max(6)).default([0, 1, 2, 3, 4, 5, 6]),
    from: startTime.default("00:00"),
    to: endTime.default("24:00"),
    utcOffsetMinutes: z.number().int().default(0),
    urlPattern: z.string().default("*"),
    timeOnPageSeconds: z.number().min(0).default(30),
    message: z.string().min(1).default("Hi! Can we help you with anything?"),
  })
  .superRefine(distinctTimes("from", "to"));

/** An ISO 3166 region code whose national phone number formats masking knows ("SE", "DE", "US"). */
const maskingRegion = z.string().superRefine((code, ctx) => {
  if (isMaskingRegion(code)) return;
  const upper = code.toUpperCase();
  const message =
    upper === "UK"
      ? `"${code}" is not an ISO 3166 region code: the United Kingdom is "GB"`
      : isMaskingRegion(upper)
        ? `"${code}" must be written in capitals: "${upper}"`
        : `"${code}" is not an ISO 3166 region code with phone numbers of its own (for example "US", "SE", "DE")`;
  ctx.addIssue({ code: "custom", message });
});

/** `"masking": true` is short for `{ "enabled": true }`: the regions default to the US. */
const masking = z.preprocess(
  (value) => (typeof value === "boolean" ? { enabled: value } : value),
  z
    .object({
      enabled: z.boolean().default(true),
      regions: z
        .array(maskingRegion)
        .refine((codes) => new Set(codes).size === codes.length, "a region is named twice")
        .default([...DEFAULT_MASKING_REGIONS]),
    })
    .default({ enabled: true, regions: [...DEFAULT_MASKING_REGIONS] }),
);

/** `https://www.contoso.example` or `http://localhost:8080`: what a browser sends in `Origin`. */
function isWebOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === "https:" || url.protocol === "http:") && url.origin === value.replace(/\/$/, "").toLowerCase()
    );
  } catch {
    return false;
  }
}

const bucketLimit = (defaults: { burst: number; perSecond: number }) =>
  z
    .object({
      burst: z.number().int().min(1).max(1_000_000).default(defaults.burst),
      perSecond: z.number().positive().max(1_000_000).default(defaults.perSecond),
    })
    .default(defaults);

/** Rate limits (server/rate-limit.ts): every field optional, defaults from DEFAULT_LIMITS. */
const limits = z
  .object({
    connection: bucketLimit(DEFAULT_LIMITS.connection),
    customer: bucketLimit(DEFAULT_LIMITS.customer),
    unauthenticatedPerAddress: z.number().int().min(1).max(1_000_000).default(DEFAULT_LIMITS.unauthenticatedPerAddress),
    customerResumeEvents: z.number().int().min(0).max(20_000).default(DEFAULT_LIMITS.customerResumeEvents),
  })
  .default(DEFAULT_LIMITS);

const quickReply = z.object({
  id,
  title: z.string().min(1, "a quick reply needs a title").max(80),
  text: z
    .string()
    .min(1, "a quick reply needs a text")
    .max(1000)
    .superRefine((text, ctx) => {
      const problem = checkReplyText(text);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  tags: z.array(z.string().min(1).max(40)).optional(),
  workstreams: z.array(id).optional(),
});

const presenceReasonList = z
  .array(z.object({ id, label: z.string().min(1, "a presence reason needs a label").max(40) }))
  .optional();

/** Reasons a rep may give per presence: only the presences that keep offers away take them. */
const presenceReasons = z
  .strictObject(
    { busy: presenceReasonList, dnd: presenceReasonList, away: presenceReasonList },
    { error: "reasons are listed for busy, dnd and away only" },
  )
  .default({});

export const orgFileSchema = z
  .object({
    name: z.string().min(1),
    /** Signs customer identities (P9) and conversation tokens. */
    secret: z.string().min(32, "the secret must have at least 32 characters"),
    autoBusyAtCapacity: z.boolean().default(true),
    masking,
    supervisor: z
      .object({
        monitor: z.boolean().default(true),
        assign: z.boolean().default(true),
        transfer: z.boolean().default(true),
        forceClose: z.boolean().default(true),
        /** Setting a rep's presence acts on a person, not a conversation: off unless the org turns it on. */
        setPresence: z.boolean().default(false),
      })
      .default({ monitor: true, assign: true, transfer: true, forceClose: true, setPresence: false }),
    queues: z.array(z.object({ id, name: z.string().min(1) })).min(1),
    workstreams: z.array(workstream).min(1),
    users: z.array(user).min(1),
    wrapUpReasons: z.array(z.object({ id, label: z.string().min(1) })).min(1),
    quickReplies: z.array(quickReply).default([]),
    presenceReasons,
    widget: z
      .object({
        allowedOrigins: z
          .array(
            z.string().refine(isWebOrigin, "an origin: scheme, host and port only, e.g. https://www.contoso.example"),
          )
          .default([]),
        proactive: z.boolean().default(false),
        rules: z.array(proactiveRule).default([]),
      })
      .default({ allowedOrigins: [], proactive: false, rules: [] }),
    limits,
  })
  .superRefine((org, ctx) => {
    const queues = new Set(org.queues.map((q) => q.id));
    const unique = (list: { id: string }[], what: string) => {
      const ids = new Set<string>();
      for (const item of list) {
        if (ids.has(item.id)) ctx.addIssue({ code: "custom", message: `duplicate ${what} id "${item.id}"` });
        ids.add(item.id);
      }
    };
    unique(org.queues, "queue");
    unique(org.workstreams, "workstream");
    unique(org.users, "user");
    unique(org.wrapUpReasons, "wrap-up reason");
    unique(org.quickReplies, "quick reply");
    for (const [presence, list] of Object.entries(org.presenceReasons)) unique(list ?? [], `${presence} reason`);
    for (const ws of org.workstreams) {
      if (!queues.has(ws.queue))
        ctx.addIssue({ code: "custom", message: `workstream "${ws.id}" names unknown queue "${ws.queue}"` });
      if (ws.mode === "persistent" && ws.affinity === false)
        ctx.addIssue({ code: "custom", message: `persistent workstream "${ws.id}" must keep affinity on` });
    }
    const workstreams = new Set(org.workstreams.map((w) => w.id));
    for (const r of org.quickReplies) {
      for (const w of r.workstreams ?? [])
        if (!workstreams.has(w))
          ctx.addIssue({ code: "custom", message: `quick reply "${r.id}" names unknown workstream "${w}"` });
    }
    for (const r of org.widget.rules) {
      if (!workstreams.has(r.workstream))
        ctx.addIssue({ code: "custom", message: `widget rule "${r.id}" names unknown workstream "${r.workstream}"` });
    }
    for (const u of org.users) {
      for (const q of u.queues)
        if (!queues.has(q)) ctx.addIssue({ code: "custom", message: `user "${u.id}" is in unknown queue "${q}"` });
    }
    const tokens = new Set<string>();
    for (const u of org.users) {
      if (tokens.has(u.token))
        ctx.addIssue({ code: "custom", message: `user "${u.id}" shares a token with another user` });
      tokens.add(u.token);
    }
  });

export type OrgFile = z.output<typeof orgFileSchema>;

export class OrgFileError extends Error {}

export function parseOrgFile(json: unknown, source = "org file"): OrgFile {
  const parsed = orgFileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(top)"}: ${issueText(i, json)}`);
    throw new OrgFileError(`${source} is not valid:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** An issue in the admin's words: a key left out is "required" (zod says "expected string, received undefined"). */
function issueText(issue: z.core.$ZodIssue, json: unknown): string {
  if (issue.code !== "invalid_type") return issue.message;
  let value: unknown = json;
  for (const key of issue.path)
    value = typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value === undefined ? `is required (${issue.expected})` : issue.message;
}

export function loadOrgFile(path: string): OrgFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new OrgFileError(`Cannot read the org file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OrgFileError(`The org file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseOrgFile(json, `The org file ${path}`);
}

/** The targets that are set: the core's records hold no `undefined` (they are stored as JSON). */
function withoutUnset(targets: { [K in keyof ResponseTargets]?: number | undefined }): ResponseTargets {
  return Object.fromEntries(Object.entries(targets).filter(([, v]) => v !== undefined));
}

/** The routing core's view of the org file: no secrets, no tokens. */
export function toOrg(file: OrgFile): Org {
  return {
    name: file.name,
    autoBusyAtCapacity: file.autoBusyAtCapacity,
    masking: file.masking.enabled,
    maskingRegions: [...file.masking.regions],
    supervisor: { ...file.supervisor },
    queues: file.queues.map((q) => ({ ...q })),
    workstreams: file.workstreams.map((w) => ({
      id: w.id,
      name: w.name,
      mode: w.mode,
      queueId: w.queue,
      affinity: w.affinity ?? w.mode === "persistent",
      autoAssignReturning: w.autoAssignReturning,
      offerTimeoutSeconds: w.offerTimeoutSeconds,
      capacityCost: w.capacityCost,
      waitingExpiryDays: w.waitingExpiryDays,
      sentimentThreshold: w.sentimentThreshold,
      operatingHours: w.operatingHours,
      texts: { ...DEFAULT_TEXTS, ...(w.texts as Partial<typeof DEFAULT_TEXTS>) },
      ...(w.serviceLevelSeconds === undefined ? {} : { serviceLevelSeconds: w.serviceLevelSeconds }),
      ...(w.responseTargets === undefined ? {} : { responseTargets: withoutUnset(w.responseTargets) }),
    })),
    users: file.users.map((u) => ({
      id: u.id,
      name: u.name,
      role: u.role,
      capacity: u.capacity,
      queues: [...u.queues],
    })),
    wrapUpReasons: file.wrapUpReasons.map((r) => ({ ...r })),
    quickReplies: file.quickReplies.map((r) => {
      const reply: QuickReply = { id: r.id, title: r.title, text: r.text };
      if (r.tags) reply.tags = [...r.tags];
      if (r.workstreams) reply.workstreams = [...r.workstreams];
      return reply;
    }),
    presenceReasons: Object.fromEntries(
      Object.entries(file.presenceReasons)
        .filter(([, list]) => list && list.length > 0)
        .map(([presence, list]) => [presence, list!.map((r) => ({ id: r.id, label: r.label }))]),
    ),
  };
}

/**
 * The built-in demo org: two queues, a live and a persistent workstream, three reps, one supervisor,
 * every supervisor setting on (setting a rep's presence too), presence reasons, masking on. Tokens and the secret are generated per data file.
 */
export function demoOrgFile(secrets: { secret: string; tokens: Record<string, string> }): OrgFile {
  const token = (userId: string) => secrets.tokens[userId] ?? `${secrets.secret.slice(0, 24)}-${userId}`;
  return parseOrgFile(
    {
      name: "Contoso Demo",
      secret: secrets.secret,
      autoBusyAtCapacity: true,
      masking: true,
      supervisor: { setPresence: true },
      queues: [
        { id: "general", name: "General" },
        { id: "billing", name: "Billing" },
      ],
      workstreams: [
        {
          id: "live",
          name: "Live chat",
          mode: "live",
          queue: "general",
          offerTimeoutSeconds: 30,
          capacityCost: 1,
          sentimentThreshold: "slightly negative",
          // A live chat customer watches the screen: a first answer within a minute and a half, later ones within two.
          responseTargets: { warnSeconds: 45, alertSeconds: 120, firstResponseSeconds: 90 },
        },
        {
          id: "persistent",
          name: "Persistent chat",
          mode: "persistent",
          queue: "billing",
          affinity: true,
          offerTimeoutSeconds: 30,
          capacityCost: 1,
          waitingExpiryDays: 28,
          sentimentThreshold: "slightly negative",
          // Persistent chat is asynchronous: a first answer within half an hour, later ones within the hour.
          responseTargets: { warnSeconds: 900, alertSeconds: 3600, firstResponseSeconds: 1800 },
        },
      ],
      users: [
        {
          id: "alice",
          name: "Alice Moreau",
          role: "rep",
          capacity: 3,
          queues: ["general", "billing"],
          token: token("alice"),
        },
        {
          id: "bob",
          name: "Bob Okafor",
          role: "rep",
          capacity: 3,
          queues: ["general", "billing"],
          token: token("bob"),
        },
        { id: "carol", name: "Carol Tanaka", role: "rep", capacity: 2, queues: ["general"], token: token("carol") },
        {
          id: "sam",
          name: "Sam Rivera",
          role: "supervisor",
          capacity: 0,
          queues: ["general", "billing"],
          token: token("sam"),
        },
      ],
      wrapUpReasons: [
        { id: "resolved", label: "Resolved" },
        { id: "follow-up", label: "Needs follow-up" },
        { id: "duplicate", label: "Duplicate" },
        { id: "no-response", label: "No response from customer" },
        { id: "transferred", label: "Transferred" },
        { id: "other", label: "Other" },
      ],
      quickReplies: [
        {
          id: "greeting",
          title: "Greeting",
          text: "Hi <customer.firstName>, this is <rep.firstName> from Contoso. How can I help you today?",
          tags: ["hello", "welcome"],
        },
        {
          id: "order-status",
          title: "Order status",
          text: "Thanks, <customer.firstName>. Your order <order number> is on its way and should arrive by <delivery date>.",
          tags: ["order", "delivery", "shipping"],
        },
        {
          id: "refund",
          title: "Refund started",
          text: "<customer.firstName>, I have started a refund of <amount> to your original payment method; it shows within 5 business days.",
          tags: ["refund", "money", "billing"],
        },
        {
          id: "invoice",
          title: "Invoice copy",
          text: "I have sent a copy of invoice <invoice number> to the email address on your account.",
          tags: ["invoice", "billing"],
          workstreams: ["persistent"],
        },
        {
          id: "hold",
          title: "One moment",
          text: "Thank you for waiting, <customer.firstName>. I am checking this with the <queue> team now.",
          tags: ["wait", "hold"],
        },
        {
          id: "closing",
          title: "Closing",
          text: "Is there anything else I can help you with today? Thank you for contacting Contoso.",
          tags: ["bye", "end", "goodbye"],
        },
      ],
      presenceReasons: {
        busy: [
          { id: "lunch", label: "Lunch" },
          { id: "training", label: "Training" },
          { id: "coaching", label: "Coaching" },
          { id: "email", label: "Email follow-ups" },
        ],
        dnd: [{ id: "escalation", label: "Escalation call" }],
        away: [
          { id: "break", label: "Break" },
          { id: "meeting", label: "Meeting" },
          { id: "technical", label: "Technical issue" },
        ],
      },
      // The demo page (/demo) is on the server's own origin, which is always allowed. One proactive rule, to try
      // on /demo/checkout: after 20 seconds on the page, an invitation to a live chat (PC1).
      widget: {
        allowedOrigins: [],
        proactive: true,
        rules: [
          {
            id: "checkout-help",
            workstream: "live",
            audience: "all",
            urlPattern: "*/demo/checkout*",
            timeOnPageSeconds: 20,
            message: "Need a hand with your order? We are here to help.",
          },
        ],
      },
    },
    "the demo org",
  );
}

export const DEMO_USER_IDS = ["alice", "bob", "carol", "sam"] as const;
