// The org file: the documented example and the demo org parse, defaults are filled in, and invalid
// files give errors that name the file, the field and the problem. docs/org-file.md describes the format.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  DEMO_USER_IDS,
  OrgFileError,
  demoOrgFile,
  loadOrgFile,
  orgFileSchema,
  parseOrgFile,
  toOrg,
} from "../../server/org-file.js";
import { DEFAULT_TEXTS } from "../../server/core/org.js";
import { DEFAULT_LIMITS } from "../../server/rate-limit.js";

const EXAMPLE = fileURLToPath(new URL("../../docs/example-org.json", import.meta.url));
const DOC = fileURLToPath(new URL("../../docs/org-file.md", import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "cc-agent-org-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeTemp(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

/** A small valid org; each invalid case changes one thing. */
function minimal(): Record<string, unknown> & {
  queues: { id: string; name: string }[];
  workstreams: Record<string, unknown>[];
  users: Record<string, unknown>[];
  wrapUpReasons: { id: string; label: string }[];
} {
  return {
    name: "Contoso",
    secret: "s3cret-s3cret-s3cret-s3cret-s3cret!",
    queues: [{ id: "general", name: "General" }],
    workstreams: [{ id: "live", name: "Live chat", mode: "live", queue: "general" }],
    users: [{ id: "alice", name: "Alice Moreau", queues: ["general"], token: "alice-token-0123456789" }],
    wrapUpReasons: [{ id: "resolved", label: "Resolved" }],
  };
}

function errorOf(json: unknown): string {
  try {
    parseOrgFile(json, "The org file org.json");
  } catch (error) {
    expect(error).toBeInstanceOf(OrgFileError);
    return (error as Error).message;
  }
  throw new Error("expected the org file to be refused");
}

/** Every key path the schema knows, in the notation of docs/org-file.md (`workstreams[].texts.ended`). */
function schemaPaths(schema: z.ZodType, prefix = ""): string[] {
  const def = (
    schema as unknown as {
      _zod: {
        def: {
          type: string;
          innerType?: z.ZodType;
          element?: z.ZodType;
          shape?: Record<string, z.ZodType>;
          in?: z.ZodType;
          out?: z.ZodType;
        };
      };
    }
  )._zod.def;
  switch (def.type) {
    case "pipe": // a preprocess or transform: the keys are those of the schema on either side
      return [...schemaPaths(def.in!, prefix), ...schemaPaths(def.out!, prefix)];
    case "default":
    case "optional":
    case "nullable":
      return schemaPaths(def.innerType!, prefix);
    case "array":
      return schemaPaths(def.element!, `${prefix}[]`);
    case "object":
      return Object.entries(def.shape!).flatMap(([key, value]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        return [path, ...schemaPaths(value, path)];
      });
    default:
      return [];
  }
}

/** Every key path a JSON value sets, in the same notation. */
function jsonPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => jsonPaths(item, `${prefix}[]`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...jsonPaths(inner, path)];
  });
}

describe("docs/example-org.json", () => {
  it("parses with loadOrgFile", () => {
    const org = loadOrgFile(EXAMPLE);
    expect(org.name).toBe("Contoso Support");
    expect(org.workstreams.map((w) => [w.id, w.mode])).toEqual([
      ["live", "live"],
      ["billing-messaging", "persistent"],
      ["premium", "persistent"],
    ]);
    expect(org.users.map((u) => [u.id, u.role])).toEqual([
      ["alice", "rep"],
      ["bob", "rep"],
      ["carol", "rep"],
      ["sam", "supervisor"],
    ]);
    // Labels of the 7-step scale become steps (S9).
    expect(org.workstreams.map((w) => w.sentimentThreshold)).toEqual([-1, -2, -1]);
    expect(org.widget.rules[1]).toMatchObject({
      days: [0, 1, 2, 3, 4, 5, 6],
      from: "00:00",
      to: "24:00",
      utcOffsetMinutes: 0,
    });
  });

  it("sets every setting of the schema, and docs/org-file.md documents every one", () => {
    const known = schemaPaths(orgFileSchema);
    const example = new Set(jsonPaths(JSON.parse(readFileSync(EXAMPLE, "utf8"))));
    expect(known.filter((path) => !example.has(path))).toEqual([]);
    expect(
      [...example].filter((path) => !known.includes(path)),
      "the example sets nothing the schema ignores",
    ).toEqual([]);
    const doc = readFileSync(DOC, "utf8");
    expect(known.filter((path) => !doc.includes(`\`${path}\``))).toEqual([]);
  });

  it("uses placeholder credentials of valid lengths", () => {
    const org = loadOrgFile(EXAMPLE);
    expect(org.secret).toMatch(/^REPLACE-ME/);
    expect(org.secret.length).toBeGreaterThanOrEqual(32);
    for (const user of org.users) {
      expect(user.token).toMatch(/^REPLACE-ME/);
      expect(user.token.length).toBeGreaterThanOrEqual(16);
    }
  });

  it("becomes the routing core's org: affinity from the mode (P10), texts over the defaults (P4), no secrets", () => {
    const org = toOrg(loadOrgFile(EXAMPLE));
    const premium = org.workstreams.find((w) => w.id === "premium")!;
    expect(premium.affinity).toBe(true); // SPEC P10: persistent keeps affinity on without saying so
    expect(premium.autoAssignReturning).toBe(true); // SPEC P12
    expect(premium.texts).toEqual(DEFAULT_TEXTS);
    expect(premium.operatingHours).toBeNull();
    const live = org.workstreams.find((w) => w.id === "live")!;
    expect(live.texts.queuePosition).toBe("You are number {position} in line.");
    expect(org.supervisor).toEqual({
      monitor: true,
      assign: true,
      transfer: true,
      forceClose: false,
      setPresence: true,
    }); // SPEC SV2
    expect(org.presenceReasons?.away).toEqual([
      { id: "break", label: "Break" },
      { id: "meeting", label: "Meeting" },
    ]);
    expect(JSON.stringify(org)).not.toContain("REPLACE-ME");
  });
});

describe("the demo org", () => {
  it("parses, with generated credentials", () => {
    const tokens = Object.fromEntries(DEMO_USER_IDS.map((id) => [id, `${id}-0123456789abcdefghij`]));
    const org = demoOrgFile({ secret: "ab".repeat(32), tokens });
    expect(org.name).toBe("Contoso Demo");
    expect(org.workstreams.map((w) => w.mode)).toEqual(["live", "persistent"]);
    expect(org.users.map((u) => u.id)).toEqual([...DEMO_USER_IDS]);
    expect(org.masking).toEqual({ enabled: true, regions: ["US"] });
    expect(org.supervisor).toEqual({
      monitor: true,
      assign: true,
      transfer: true,
      forceClose: true,
      setPresence: true,
    });
    expect(org.presenceReasons.busy?.map((r) => r.label)).toEqual([
      "Lunch",
      "Training",
      "Coaching",
      "Email follow-ups",
    ]);
    expect(org.presenceReasons.away?.map((r) => r.label)).toEqual(["Break", "Meeting", "Technical issue"]);
    expect(org.users.find((u) => u.id === "sam")?.token).toBe(tokens.sam);
  });

  it("derives tokens from the secret when none are stored", () => {
    const org = demoOrgFile({ secret: "cd".repeat(32), tokens: {} });
    expect(new Set(org.users.map((u) => u.token)).size).toBe(DEMO_USER_IDS.length);
  });
});

describe("defaults", () => {
  it("fill in everything a minimal file leaves out", () => {
    const org = parseOrgFile(minimal());
    expect(org).toMatchObject({
      autoBusyAtCapacity: true, // SPEC S2
      masking: { enabled: true, regions: ["US"] }, // SPEC L6
      supervisor: { monitor: true, assign: true, transfer: true, forceClose: true },
      widget: { allowedOrigins: [], proactive: false, rules: [] },
    });
    expect(org.workstreams[0]).toMatchObject({
      autoAssignReturning: false,
      offerTimeoutSeconds: 30,
      capacityCost: 1,
      waitingExpiryDays: 28, // SPEC P7
      sentimentThreshold: -1,
      operatingHours: null,
      texts: {},
    });
    expect(org.users[0]).toMatchObject({ role: "rep", capacity: 3 });
    expect(toOrg(org).workstreams[0]?.affinity).toBe(false);
  });

  it("read sentiment thresholds as labels or numbers", () => {
    const parse = (sentimentThreshold: unknown) => {
      const json = minimal();
      json.workstreams[0]!.sentimentThreshold = sentimentThreshold;
      return parseOrgFile(json).workstreams[0]!.sentimentThreshold;
    };
    expect(parse("Very negative")).toBe(-3);
    expect(parse("slightly_positive")).toBe(1);
    expect(parse(2)).toBe(2);
    expect(parse("-2")).toBe(-2);
  });
});

describe("response targets (issue 14, counters)", () => {
  const withTargets = (responseTargets: unknown) => {
    const json = minimal();
    json.workstreams[0]!.responseTargets = responseTargets;
    return json;
  };

  it("reach the core as set, each key optional; a workstream without them has none", () => {
    const org = toOrg(parseOrgFile(withTargets({ warnSeconds: 45, alertSeconds: 120, firstResponseSeconds: 60 })));
    expect(org.workstreams[0]?.responseTargets).toEqual({
      warnSeconds: 45,
      alertSeconds: 120,
      firstResponseSeconds: 60,
    });
    expect(toOrg(parseOrgFile(withTargets({ alertSeconds: 3600 }))).workstreams[0]?.responseTargets).toEqual({
      alertSeconds: 3600,
    });
    expect(toOrg(parseOrgFile(minimal())).workstreams[0]).not.toHaveProperty("responseTargets");
  });

  it("refuse a warning at or past the target, a wait that is not whole seconds, and an unknown key, naming the field", () => {
    expect(errorOf(withTargets({ warnSeconds: 120, alertSeconds: 120 }))).toContain(
      "workstreams.0.responseTargets: warnSeconds must be less than alertSeconds",
    );
    expect(errorOf(withTargets({ alertSeconds: 0 }))).toContain("workstreams.0.responseTargets.alertSeconds");
    expect(errorOf(withTargets({ warnSeconds: 1.5 }))).toContain("workstreams.0.responseTargets.warnSeconds");
    expect(errorOf(withTargets({ warningSeconds: 30 }))).toContain("warningSeconds");
  });

  it("the demo org sets them: minutes for live chat, an hour for persistent chat", () => {
    const org = toOrg(demoOrgFile({ secret: "ab".repeat(32), tokens: {} }));
    expect(org.workstreams.map((w) => [w.id, w.responseTargets])).toEqual([
      ["live", { warnSeconds: 45, alertSeconds: 120, firstResponseSeconds: 90 }],
      ["persistent", { warnSeconds: 900, alertSeconds: 3600, firstResponseSeconds: 1800 }],
    ]);
  });
});

describe("masking (SPEC L6)", () => {
  const withMasking = (masking: unknown) => {
    const json = minimal();
    json.masking = masking;
    return json;
  };

  it("names the regions whose national phone formats count, and the core gets them", () => {
    const file = parseOrgFile(withMasking({ enabled: true, regions: ["SE", "DE"] }));
    expect(file.masking).toEqual({ enabled: true, regions: ["SE", "DE"] });
    expect(toOrg(file)).toMatchObject({ masking: true, maskingRegions: ["SE", "DE"] });
  });

  it('keeps "masking": true and false working: the regions default to the US', () => {
    expect(toOrg(parseOrgFile(withMasking(true)))).toMatchObject({ masking: true, maskingRegions: ["US"] });
    expect(toOrg(parseOrgFile(withMasking(false)))).toMatchObject({ masking: false, maskingRegions: ["US"] });
    expect(parseOrgFile(withMasking({ regions: ["GB"] })).masking).toEqual({ enabled: true, regions: ["GB"] });
    expect(parseOrgFile(withMasking({ enabled: false })).masking).toEqual({ enabled: false, regions: ["US"] });
  });

  it("accepts no region at all: only international forms count", () => {
    expect(toOrg(parseOrgFile(withMasking({ regions: [] }))).maskingRegions).toEqual([]);
  });

  it("refuses an unknown region code, naming the field and the code", () => {
    const message = errorOf(withMasking({ enabled: true, regions: ["SE", "XX"] }));
    expect(message).toContain('masking.regions.1: "XX" is not an ISO 3166 region code with phone numbers of its own');
  });

  it("says how to write a code in lower case, and that the United Kingdom is GB", () => {
    const message = errorOf(withMasking({ regions: ["se", "UK"] }));
    expect(message).toContain('masking.regions.0: "se" must be written in capitals: "SE"');
    expect(message).toContain('masking.regions.1: "UK" is not an ISO 3166 region code: the United Kingdom is "GB"');
  });

  it("refuses a region named twice, and a masking setting of the wrong type", () => {
    expect(errorOf(withMasking({ regions: ["SE", "SE"] }))).toContain("masking.regions: a region is named twice");
    expect(errorOf(withMasking("yes"))).toContain("masking:");
    expect(errorOf(withMasking({ enabled: "yes" }))).toContain("masking.enabled:");
  });
});

describe("limits", () => {
  it("default to the documented limits; any part may be set alone; nonsense is refused naming the field", () => {
    expect(parseOrgFile(minimal()).limits).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toEqual({
      connection: { burst: 100, perSecond: 20 },
      customer: { burst: 40, perSecond: 5 },
      unauthenticatedPerAddress: 50,
      customerResumeEvents: 1000,
    });
    const set = parseOrgFile({ ...minimal(), limits: { customer: { perSecond: 50 }, unauthenticatedPerAddress: 500 } });
    expect(set.limits).toEqual({
      ...DEFAULT_LIMITS,
      customer: { burst: 40, perSecond: 50 },
      unauthenticatedPerAddress: 500,
    });
    expect(() => parseOrgFile({ ...minimal(), limits: { connection: { burst: 0 } } })).toThrow(
      /limits\.connection\.burst: /,
    );
    expect(() => parseOrgFile({ ...minimal(), limits: { customer: { perSecond: -1 } } })).toThrow(
      /limits\.customer\.perSecond: /,
    );
  });
});

describe("invalid org files give clear errors", () => {
  it("a workstream naming an unknown queue", () => {
    const json = minimal();
    json.workstreams[0]!.queue = "genral";
    expect(errorOf(json)).toContain('workstream "live" names unknown queue "genral"');
  });

  it("a user in an unknown queue", () => {
    const json = minimal();
    json.users[0]!.queues = ["general", "vip"];
    expect(errorOf(json)).toContain('user "alice" is in unknown queue "vip"');
  });

  it.each([
    ["queue", (j: ReturnType<typeof minimal>) => j.queues.push({ id: "general", name: "General again" })],
    [
      "workstream",
      (j: ReturnType<typeof minimal>) =>
        j.workstreams.push({ id: "live", name: "Live again", mode: "live", queue: "general" }),
    ],
    [
      "user",
      (j: ReturnType<typeof minimal>) =>
        j.users.push({ id: "alice", name: "Alice again", token: "another-token-0123456789" }),
    ],
    ["wrap-up reason", (j: ReturnType<typeof minimal>) => j.wrapUpReasons.push({ id: "resolved", label: "Done" })],
  ] as const)("a duplicate %s id", (what, change) => {
    const json = minimal();
    change(json);
    expect(errorOf(json)).toContain(`duplicate ${what} id`);
  });

  it("SPEC P10: a persistent workstream with affinity off", () => {
    const json = minimal();
    json.workstreams.push({
      id: "messaging",
      name: "Messaging",
      mode: "persistent",
      queue: "general",
      affinity: false,
    });
    expect(errorOf(json)).toContain('persistent workstream "messaging" must keep affinity on');
  });

  it("a token shorter than 16 characters, named by its path", () => {
    const json = minimal();
    json.users[0]!.token = "short-token";
    const message = errorOf(json);
    expect(message).toContain("users.0.token");
    expect(message).toContain("tokens must have at least 16 characters");
  });

  it("two users sharing a token", () => {
    const json = minimal();
    json.users.push({ id: "bob", name: "Bob Okafor", token: "alice-token-0123456789" });
    expect(errorOf(json)).toContain('user "bob" shares a token with another user');
  });

  it("a secret shorter than 32 characters", () => {
    const json = minimal();
    json.secret = "too-short";
    expect(errorOf(json)).toContain("secret: the secret must have at least 32 characters");
  });

  it("an unknown sentiment label and a bad mode, each with its path", () => {
    const json = minimal();
    json.workstreams[0]!.sentimentThreshold = "grumpy";
    json.workstreams[0]!.mode = "email";
    const message = errorOf(json);
    expect(message).toContain("workstreams.0.sentimentThreshold");
    expect(message).toContain("workstreams.0.mode");
  });

  it("missing required lists", () => {
    const message = errorOf({ name: "Contoso", secret: "s".repeat(32) });
    for (const key of ["queues", "workstreams", "users", "wrapUpReasons"]) expect(message).toContain(`${key}:`);
  });

  it.each([
    ["99:99", "open"],
    ["24:30", "open"],
    ["24:00", "open"],
    ["7:00", "open"],
    ["09:60", "close"],
    ["25:00", "close"],
  ] as const)('SPEC P2: an operating time of "%s" in %s is refused, naming the field', (time, key) => {
    // given a workstream with operating hours, one of whose times is not a time of day
    const json = minimal();
    json.workstreams[0]!.operatingHours = { days: [1, 2, 3, 4, 5], open: "09:00", close: "17:00", [key]: time };

    // when the file is read
    const message = errorOf(json);

    // then the error names the field and says what a valid value is
    expect(message).toContain(
      `workstreams.0.operatingHours.${key}: a time of day "HH:MM" from "00:00" to "${key === "open" ? "23:59" : "24:00"}"`,
    );
  });

  it("SPEC P2: operating hours opening and closing at the same time are refused, naming the field", () => {
    // given hours that open and close at 09:00
    const json = minimal();
    json.workstreams[0]!.operatingHours = { days: [1], open: "09:00", close: "09:00" };

    // when / then: the error names close and says how to write what was probably meant
    expect(errorOf(json)).toContain('workstreams.0.operatingHours.close: the same time as open ("09:00")');
  });

  it("SPEC P2: operating hours across midnight (22:00–06:00) are accepted, as are hours until 24:00", () => {
    // given night hours, and evening hours until midnight
    const json = minimal();
    json.workstreams[0]!.operatingHours = { days: [1, 2, 3, 4, 5], open: "22:00", close: "06:00" };
    json.workstreams.push({
      id: "evening",
      name: "Evening",
      mode: "live",
      queue: "general",
      operatingHours: { days: [6], open: "18:00", close: "24:00" },
    });

    // when the file is read, then they reach the routing core as written (which opens 22:00 to 06:00 the next morning)
    const org = toOrg(parseOrgFile(json));
    expect(org.workstreams[0]!.operatingHours).toEqual({
      days: [1, 2, 3, 4, 5],
      open: "22:00",
      close: "06:00",
      utcOffsetMinutes: 0,
    });
    expect(org.workstreams[1]!.operatingHours).toMatchObject({ open: "18:00", close: "24:00" });
  });

  it("SPEC PC1: a proactive rule's time frame with an impossible time, or the same time twice, is refused, naming the field", () => {
    // given two rules: one from 99:99, one from 10:00 to 10:00
    const json = minimal();
    json.widget = {
      proactive: true,
      rules: [
        { id: "bad", workstream: "live", from: "99:99" },
        { id: "empty", workstream: "live", from: "10:00", to: "10:00" },
        { id: "night", workstream: "live", from: "22:00", to: "02:00" },
      ],
    };

    // when the file is read
    const message = errorOf(json);

    // then both are named; the rule across midnight is fine
    expect(message).toContain('widget.rules.0.from: a time of day "HH:MM" from "00:00" to "23:59"');
    expect(message).toContain('widget.rules.1.to: the same time as from ("10:00")');
    expect(message).not.toContain("widget.rules.2");
  });

  it("a file that is not JSON names the file", () => {
    const path = writeTemp("broken.json", '{ "name": "Contoso", ');
    expect(() => loadOrgFile(path)).toThrow(OrgFileError);
    expect(() => loadOrgFile(path)).toThrow(`The org file ${path} is not valid JSON`);
  });

  /** The lines of the error loading `path` throws. */
  function loadErrorLines(path: string): string[] {
    try {
      loadOrgFile(path);
    } catch (error) {
      return (error as Error).message.split("\n");
    }
    throw new Error(`${path} loaded without an error`);
  }

  it("an invalid file names the file and lists every problem", () => {
    const json = minimal();
    json.secret = "short";
    json.users[0]!.token = "short";
    const path = writeTemp("invalid.json", JSON.stringify(json));
    expect(loadErrorLines(path)).toEqual([
      `The org file ${path} is not valid:`,
      "  secret: the secret must have at least 32 characters",
      "  users.0.token: tokens must have at least 16 characters",
    ]);
  });

  it("a key left out is said to be required; a key of the wrong type is said as such", () => {
    const { secret: _secret, ...json } = minimal();
    const path = writeTemp("no-secret.json", JSON.stringify({ ...json, name: 42 }));
    expect(loadErrorLines(path)).toEqual([
      `The org file ${path} is not valid:`,
      "  name: Invalid input: expected string, received number",
      "  secret: is required (string)",
    ]);
  });

  it("a file that cannot be read names the file", () => {
    const path = join(dir, "missing.json");
    expect(() => loadOrgFile(path)).toThrow(`Cannot read the org file ${path}`);
  });
});
