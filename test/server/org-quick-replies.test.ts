// The org file's quick replies (issue 14): validated with errors that name the reply; sent to staff only.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { initialState } from "../../server/core/evolve.js";
import { snapshot } from "../../server/core/snapshot.js";
import { demoOrgFile, parseOrgFile, toOrg } from "../../server/org-file.js";

const EXAMPLE = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../docs/example-org.json", import.meta.url)), "utf8"),
);

function withReplies(quickReplies: unknown[]): unknown {
  return { ...EXAMPLE, quickReplies };
}

function errorOf(json: unknown): string {
  try {
    parseOrgFile(json, "org.json");
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the org file to be refused");
}

describe("quick replies in the org file", () => {
  it("the example's replies reach the core's org; a file without any has none", () => {
    const org = toOrg(parseOrgFile(EXAMPLE));
    expect(org.quickReplies?.map((r) => r.id)).toEqual(["greeting", "order-status", "closing"]);
    expect(org.quickReplies?.[1]).toMatchObject({ tags: ["order", "delivery"], workstreams: ["live"] });
    const { quickReplies: _, ...without } = EXAMPLE as Record<string, unknown>;
    expect(toOrg(parseOrgFile(without)).quickReplies).toEqual([]);
  });

  it("SPEC L8: a stray < or >, an unknown known-looking name, a duplicate id or an unknown workstream is a clear error", () => {
    const reply = { id: "r1", title: "Refund", text: "Refund of <amount> started" };
    expect(errorOf(withReplies([{ ...reply, text: "Under 5 > 3 days" }]))).toMatch(
      /quickReplies\.0\.text: a < or > outside a <parameter>/,
    );
    expect(errorOf(withReplies([{ ...reply, text: "Hi <customer.email>" }]))).toMatch(
      /unknown parameter <customer\.email>: known are <customer\.name>/,
    );
    expect(errorOf(withReplies([reply, reply]))).toContain('duplicate quick reply id "r1"');
    expect(errorOf(withReplies([{ ...reply, workstreams: ["nope"] }]))).toContain(
      'quick reply "r1" names unknown workstream "nope"',
    );
    expect(errorOf(withReplies([{ ...reply, title: "" }]))).toContain("a quick reply needs a title");
    expect(() => parseOrgFile(withReplies([reply]))).not.toThrow();
  });

  it("the demo org carries quick replies, which reps and supervisors get and customers do not", () => {
    const org = toOrg(demoOrgFile({ secret: "x".repeat(40), tokens: {} }));
    expect(org.quickReplies!.length).toBeGreaterThanOrEqual(5);
    const state = initialState(org);
    expect(snapshot(state, { role: "rep", id: "alice" }).org.quickReplies?.map((r) => r.id)).toContain("greeting");
    expect(snapshot(state, { role: "supervisor", id: "sam" }).org.quickReplies).toHaveLength(org.quickReplies!.length);
    expect(snapshot(state, { role: "customer", key: "visitor:1" }).org.quickReplies).toBeUndefined();
  });
});
