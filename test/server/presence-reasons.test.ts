// Presence reasons and a supervisor setting a rep's presence, through the org file and over a real WebSocket
// server: what the supervisor sends, what each of the rep's consoles receives (SPEC L2, SV2).
import { describe, expect, it } from "vitest";
import { OrgFileError, parseOrgFile, toOrg } from "../../server/org-file.js";
import type { EventFrame } from "../../src/protocol/messages.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { RawSocket, serverPerTest } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const { start, connect, token, raw } = serverPerTest();

const staff = (role: "rep" | "supervisor", id: string): Promise<TestClient> => connect({ role, token: token(id) });

/** A supervisor's socket that records every frame as it came over the wire. */
const rawSupervisor = (): Promise<RawSocket> => raw({ role: "supervisor", token: token("sam") });

function minimalOrg(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Contoso",
    secret: "s3cret-s3cret-s3cret-s3cret-s3cret!",
    queues: [{ id: "general", name: "General" }],
    workstreams: [{ id: "live", name: "Live chat", mode: "live", queue: "general" }],
    users: [{ id: "alice", name: "Alice Moreau", queues: ["general"], token: "alice-token-0123456789" }],
    wrapUpReasons: [{ id: "resolved", label: "Resolved" }],
    ...extra,
  };
}

function orgError(json: unknown): string {
  try {
    parseOrgFile(json, "The org file org.json");
  } catch (error) {
    expect(error).toBeInstanceOf(OrgFileError);
    return (error as Error).message;
  }
  throw new Error("expected the org file to be refused");
}

describe("the org file's presence reasons and supervisor.setPresence", () => {
  it("SPEC SV2: setPresence is off unless the org turns it on; reasons default to none", () => {
    const org = toOrg(parseOrgFile(minimalOrg()));
    expect(org.supervisor.setPresence).toBe(false);
    expect(org.presenceReasons).toEqual({});
  });

  it("lists reasons for busy, dnd and away only, each id once per list", () => {
    const reasons = { busy: [{ id: "lunch", label: "Lunch" }], away: [{ id: "meeting", label: "Meeting" }] };
    expect(toOrg(parseOrgFile(minimalOrg({ presenceReasons: reasons }))).presenceReasons).toEqual(reasons);
    expect(orgError(minimalOrg({ presenceReasons: { available: [{ id: "x", label: "X" }] } }))).toContain(
      "presenceReasons: reasons are listed for busy, dnd and away only",
    );
    expect(
      orgError(
        minimalOrg({
          presenceReasons: {
            busy: [
              { id: "lunch", label: "Lunch" },
              { id: "lunch", label: "Late lunch" },
            ],
          },
        }),
      ),
    ).toContain('duplicate busy reason id "lunch"');
    expect(orgError(minimalOrg({ presenceReasons: { busy: [{ id: "lunch", label: "" }] } }))).toContain(
      "presenceReasons.busy.0.label: a presence reason needs a label",
    );
  });
});

describe("set_presence over the wire", () => {
  it("SPEC L2, SV2: a supervisor makes a RONA rep Available; both of her consoles show it and say who did it", async () => {
    // given the demo org (setPresence on) and alice with two consoles, RONA after letting an offer time out
    const clock = new ManualClock();
    await start({ clock });
    const alice = await staff("rep", "alice");
    const aliceAgain = await staff("rep", "alice");
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect({ role: "customer" });
    await customer.request({ type: "start", workstream: "live", text: "hello?" });
    await alice.waitForOffer();
    clock.advance(30_000);
    await waitFor(() => alice.users.get("alice")?.presence === "rona", "alice to be RONA");
    const sam = await rawSupervisor();
    const from = sam.frames.length;
    const aliceFrom = [alice.events.length, aliceAgain.events.length];

    // when the supervisor sends set_presence
    sam.sendJson({ type: "set_presence", reqId: "s1", userId: "alice", presence: "available" });

    // then it is acknowledged, and sam sees alice Available since now
    const ack = await sam.waitForFrame((f) => f.type === "ack" && f.reqId === "s1", from, "the ack");
    expect(ack).toEqual({ type: "ack", reqId: "s1" });
    const seen = (await sam.waitForFrame(
      (f) => f.type === "event" && f.changes.some((c) => c.kind === "user" && c.user.id === "alice"),
      from,
      "alice's user change",
    )) as EventFrame;
    expect(seen.changes.find((c) => c.kind === "user")).toMatchObject({
      user: { id: "alice", presence: "available", presenceSince: clock.now() },
    });
    // each of alice's consoles gets the notice and her new presence; no console of sam's gets the notice
    for (const [i, console] of [alice, aliceAgain].entries()) {
      const frame = await waitFor(
        () => console.events.slice(aliceFrom[i]).find((f) => f.changes.some((c) => c.kind === "notice")),
        "the notice",
      );
      expect(frame.changes.filter((c) => c.kind === "notice")).toEqual([
        { kind: "notice", code: "presence_set", text: "Sam Rivera set your presence to Available." },
      ]);
      expect(console.users.get("alice")?.presence).toBe("available");
    }
    expect(sam.frames.some((f) => f.type === "event" && f.changes.some((c) => c.kind === "notice"))).toBe(false);
  });

  it("SPEC SV2: with the org's setPresence off, the request is refused with its code over the wire", async () => {
    const org = parseOrgFile({
      ...minimalOrg(),
      users: [
        { id: "alice", name: "Alice Moreau", queues: ["general"], token: "alice-token-0123456789" },
        { id: "sam", name: "Sam Rivera", role: "supervisor", token: "sam-token-0123456789ab" },
      ],
    });
    await start({ org });
    const sam = await rawSupervisor();
    sam.sendJson({ type: "set_presence", reqId: "s2", userId: "alice", presence: "offline", reasonId: "gone" });
    const error = await sam.waitForError("s2");
    expect(error).toMatchObject({
      code: "supervisor/set_presence_disabled",
      message: "Setting a rep's presence is turned off for this organisation.",
    });
    // a rep cannot send it at all
    const alice = await staff("rep", "alice");
    expect(await alice.refused({ type: "set_presence", userId: "alice", presence: "offline" })).toBe("auth/forbidden");
  });

  it("a rep's presence request carries the reason; Busy · Lunch reaches her other console and the supervisor", async () => {
    await start();
    const sam = await staff("supervisor", "sam");
    const carol = await staff("rep", "carol");
    const carolAgain = await staff("rep", "carol");
    await carol.request({ type: "presence", presence: "busy", reasonId: "lunch" });
    await waitFor(() => sam.users.get("carol")?.presenceReason, "carol's reason at the supervisor");
    // presence is the rep's: the console she did not use shows it too
    await waitFor(() => carolAgain.users.get("carol")?.presenceReason?.label === "Lunch", "her other console");
    expect(sam.users.get("carol")).toMatchObject({ presence: "busy", presenceReason: { id: "lunch", label: "Lunch" } });
    expect(await carol.refused({ type: "presence", presence: "away", reasonId: "lunch" })).toBe(
      "presence/unknown_reason",
    );
  });
});
