// App tests for consult and whisper (issue 14): the rep asks someone to consult (/consult name, Alt+U); the
// consultant accepts, sees "Consulting", writes to the rep only and leaves with /leave; consult lines and whispers are
// drawn in styles of their own. The monitor's w whispers to the rep. What the screen shows and what went over the wire.
import chalk from "chalk";
import { afterEach, describe, expect, it } from "vitest";
import type { NoteView } from "../../src/protocol/views.js";
import { MON_KEYS, renderMonitor, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";
import {
  colourAt,
  conversation,
  customerMessage,
  event,
  KEYS,
  me,
  offer,
  refusal,
  renderConsole,
  rep,
  stripSgr,
  T0,
  welcome,
} from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

let ui: Console | undefined;
let mon: Monitor | undefined;
const chalkLevel = chalk.level;
afterEach(() => {
  chalk.level = chalkLevel;
  ui?.unmount();
  mon?.unmount();
  ui = undefined;
  mon = undefined;
});

const TARGETS = {
  queues: [],
  reps: [
    rep("alice", "Alice Moreau", { used: 1, conversations: 1 }),
    rep("bob", "Bob Okafor", { presence: "busy", used: 3, conversations: 3 }),
    rep("carol", "Carol Tanaka", { presence: "away" }),
    rep("sam", "Sam Rivera", { role: "supervisor", capacity: 0 }),
  ],
  at: T0,
};

function line(id: string, author: NoteView["author"], text: string, kind?: NoteView["kind"]): NoteView {
  return { id, at: T0 + 1000, author, text, ...(kind ? { kind } : {}) };
}

const BOB = { role: "rep" as const, id: "bob", name: "Bob Okafor" };
const SAM = { role: "supervisor" as const, id: "sam", name: "Sam Rivera" };

describe("consult: the rep who asks", () => {
  it("/consult bob asks Bob (Busy: a consult costs no capacity); Alt+U lists reps and supervisors, Away ones disabled", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c1", { messages: [customerMessage("My parcel never arrived")] })]),
    });
    ui.client.responses.targets = TARGETS;
    ui.client.responses.consult = { conversationId: "c1", offerId: "o9" };
    await ui.press(KEYS.alt("1"));
    await ui.press("/consult bob");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("consult")).toEqual([{ type: "consult", conversationId: "c1", repId: "bob" }]);
    await ui.waitForFrame((f) => stripSgr(f).includes("Consult requested: waiting for Bob Okafor"), "the flash");

    await ui.press(KEYS.alt("u"));
    const frame = stripSgr(await ui.waitForFrame((f) => stripSgr(f).includes("Ask to consult"), "the picker"));
    expect(frame).toContain("Bob Okafor · Busy");
    expect(frame).toContain("Sam Rivera · supervisor · Available");
    expect(frame).toMatch(/Carol Tanaka.*Away/);
    expect(frame).not.toContain("Alice Moreau ·");
    // Carol is Away: chosen, she is refused on screen and nothing goes over the wire.
    await ui.press("carol");
    await ui.press(KEYS.enter);
    await ui.waitForFrame(
      (f) => stripSgr(f).includes("Carol Tanaka cannot be chosen: neither Available nor Busy"),
      "the refusal",
    );
    expect(ui.client.ofType("consult")).toHaveLength(1);
  });

  it("consult lines and whispers show in the thread in styles of their own, apart from notes and messages", async () => {
    chalk.level = 1;
    ui = await renderConsole({
      welcome: welcome([conversation("c1", { consultants: ["bob"], messages: [customerMessage("Still waiting")] })]),
    });
    await ui.press(KEYS.alt("1"));
    ui.store.dispatch({
      type: "event",
      frame: event(
        { kind: "note", conversationId: "c1", note: line("n1", BOB, "Offer the claim form", "consult") },
        { kind: "note", conversationId: "c1", note: line("n2", SAM, "Credit approved", "whisper") },
        {
          kind: "note",
          conversationId: "c1",
          note: line("n3", { role: "rep", id: "alice", name: "Alice Moreau" }, "Called the courier"),
        },
      ),
    });
    const frame = await ui.waitForFrame((f) => stripSgr(f).includes("✎ note You: Called"), "the lines");
    const plain = stripSgr(frame);
    expect(plain).toContain("↳ consult BO: Offer the claim form");
    expect(plain).toContain("» whisper SR: Credit approved");
    expect(colourAt(frame, "↳ consult BO:")).toBe("36"); // cyan
    expect(colourAt(frame, "» whisper SR:")).toBe("35"); // magenta
    expect(colourAt(frame, "✎ note You:")).toBe("33"); // the note's yellow
  });
});

describe("consult: ending it", () => {
  it("/endconsult ends the consult of everyone consulting on the conversation; with nobody consulting it says so", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c1", { consultants: ["bob", "sam"] }), conversation("c2")]),
    });
    await ui.press(KEYS.alt("1"));
    await ui.press("/endconsult");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("end_consult")).toEqual([
      { type: "end_consult", conversationId: "c1", repId: "bob" },
      { type: "end_consult", conversationId: "c1", repId: "sam" },
    ]);
    await ui.waitForFrame((f) => stripSgr(f).includes("The consults ended"), "the confirmation");
    await ui.press(KEYS.alt("2"));
    await ui.press("/endconsult");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => stripSgr(f).includes("Nobody is consulting on this conversation."), "the reason");
    expect(ui.client.ofType("end_consult")).toHaveLength(2);
  });
});

describe("consult: the consultant", () => {
  function consultOffer() {
    return offer("o9", "c1", { kind: "consult", byName: "Alice Moreau", preview: [customerMessage("Parcel lost")] });
  }

  it("declining a consult request says the rep who asked is told, not that the conversation goes to another rep", async () => {
    const bob = me({ id: "bob", name: "Bob Okafor", presence: "busy" });
    ui = await renderConsole({ welcome: welcome([conversation("c1")], [consultOffer()], bob) });
    const card = await ui.waitForFrame((f) => stripSgr(f).includes("Consult request"), "the offer card");
    // A colleague's help with a customer someone answers: no wait to tell.
    expect(stripSgr(card)).not.toMatch(/· waiting \d/);
    await ui.press(KEYS.alt("n"));
    const frame = stripSgr(await ui.waitForFrame((f) => stripSgr(f).includes("declined"), "the flash"));
    expect(frame).toContain("Consult request declined: Alice Moreau is told.");
    expect(ui.client.ofType("reject")).toEqual([{ type: "reject", offerId: "o9" }]);
  });

  it("a conference invitation's card tells no customer wait either: someone answers them already", async () => {
    const bob = me({ id: "bob", name: "Bob Okafor" });
    const invitation = offer("o8", "c1", { kind: "conference", byName: "Alice Moreau" });
    ui = await renderConsole({ welcome: welcome([], [invitation], bob) });
    const card = stripSgr(await ui.waitForFrame((f) => stripSgr(f).includes("Conference invitation"), "the card"));
    expect(card).toContain("for Bob Okafor");
    expect(card).not.toMatch(/· waiting \d/);
  });

  it("the rep who asked reads in the thread when the consultant joins and when they leave", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1", { state: "active", ownerId: "alice" })]) });
    await ui.press(KEYS.alt("1"));
    const joined = "Bob Okafor joined the consult on Dana Kim: what they write reaches you only.";
    ui.store.dispatch({
      type: "event",
      frame: event(
        { kind: "conversation", conversation: conversation("c1", { consultants: ["bob"] }) },
        { kind: "notice", code: "consult_joined", text: joined, conversationId: "c1" },
      ),
    });
    await ui.waitForFrame((f) => stripSgr(f).includes(`* ${joined}`), "the joined line in the thread");
    ui.store.dispatch({
      type: "event",
      frame: event(
        { kind: "conversation", conversation: conversation("c1", { consultants: [] }) },
        {
          kind: "notice",
          code: "consult_left",
          text: "Bob Okafor left the consult on Dana Kim.",
          conversationId: "c1",
        },
      ),
    });
    const frame = await ui.waitForFrame((f) => stripSgr(f).includes("* Bob Okafor left the consult"), "the left line");
    // Both stay in the thread, in order: the conversation itself stays the rep's.
    const lines = stripSgr(frame).split("\n");
    expect(lines.findIndex((l) => l.includes("* Bob Okafor joined"))).toBeLessThan(
      lines.findIndex((l) => l.includes("* Bob Okafor left")),
    );
    expect(ui.store.getState().order).toEqual(["c1"]);
  });

  it("a whisper or a consult line in a session the rep is not in counts as unread there, with the S10 hint", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c1", { title: "Dana Kim" }), conversation("c2", { title: "Kenny Smith" })]),
    });
    await ui.press(KEYS.alt("1"));
    await ui.waitForFrame((f) => f.includes("Dana Kim [Active]"), "in Dana's session");
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "note", conversationId: "c2", note: line("n1", SAM, "Offer the voucher", "whisper") }),
    });
    const frame = await ui.waitForFrame((f) => /2 Kenny Smith\s+1/.test(stripSgr(f)), "the badge");
    expect(stripSgr(frame)).toContain("Kenny Smith. 1 new update in your conversation.");
    // Read once the rep opens it.
    await ui.press(KEYS.alt("2"));
    await ui.waitForFrame((f) => !/2 Kenny Smith\s+1/.test(stripSgr(f)), "read");
  });

  it("the rep who asked is told, in the footer, when the consult is declined", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1", { state: "active", ownerId: "alice" })]) });
    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "notice",
        code: "consult_declined",
        text: "Bob Okafor declined your consult request on Dana Kim.",
        conversationId: "c1",
      }),
    });
    await ui.waitForFrame(
      (f) => stripSgr(f).includes("⚠ Bob Okafor declined your consult request on Dana Kim."),
      "told",
    );
  });

  it("accepts the consult offer, sees Consulting, writes to the rep only (a note, no typing), and leaves with /leave", async () => {
    const typed: string[] = [];
    const view = conversation("c1", { messages: [customerMessage("Parcel lost")] });
    ui = await renderConsole({
      welcome: welcome([view], [consultOffer()], me({ id: "bob", name: "Bob Okafor", presence: "busy", used: 3 })),
      controller: { typing: (id) => void typed.push(id) },
    });
    let frame = stripSgr(await ui.waitForFrame((f) => stripSgr(f).includes("Consult request"), "the offer card"));
    expect(frame).toContain("Consult request");
    ui.client.responses.accept = () => {
      // The server tells of the consultant joining before it answers the accept.
      ui!.store.dispatch({
        type: "event",
        frame: event(
          { kind: "offer_ended", offerId: "o9", conversationId: "c1", status: "accepted" },
          { kind: "conversation", conversation: { ...view, consultants: ["bob"] } },
        ),
      });
      return { conversationId: "c1" };
    };
    await ui.press(KEYS.alt("y"));
    expect(ui.client.ofType("accept")).toEqual([{ type: "accept", offerId: "o9" }]);
    frame = stripSgr(await ui.waitForFrame((f) => stripSgr(f).includes("[Consulting]"), "the Consulting marker"));
    expect(frame).toContain("Parcel lost");
    expect(frame).toContain("Alt+L leave consult");
    expect(frame).not.toContain("Alt+E end");
    await ui.press(KEYS.alt("e"));
    await ui.waitForFrame((f) => stripSgr(f).includes("You are consulting: Alice Moreau ends it"), "why not");
    expect(ui.client.ofType("end")).toEqual([]);

    ui.client.responses.note = { conversationId: "c1", noteId: "n1" };
    await ui.press("Try the claim form");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("note")).toEqual([{ type: "note", conversationId: "c1", text: "Try the claim form" }]);
    expect(ui.client.ofType("send")).toEqual([]);
    expect(typed).toEqual([]);
    await ui.waitForFrame(
      (f) => stripSgr(f).includes("Sent to Alice Moreau only; the customer never sees it."),
      "the confirmation",
    );

    await ui.press("/leave");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("end_consult")).toEqual([{ type: "end_consult", conversationId: "c1" }]);
    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "notice",
        code: "consult_ended",
        text: "You left the consult on Visitor 1.",
        conversationId: "c1",
      }),
    });
    frame = stripSgr(await ui.waitForFrame((f) => stripSgr(f).includes("You left the consult"), "the notice"));
    // Back on Home; the conversation is gone from the pane.
    expect(ui.store.getState().focus).toBe("home");
    expect(ui.store.getState().order).not.toContain("c1");
    expect(frame).not.toContain("[Consulting]");
  });

  it("SPEC P6: a consultant on a persistent chat is not offered Alt+W close, and Alt+W says whose it is to close", async () => {
    const view = conversation("c1", { mode: "persistent", consultants: ["bob"], messages: [customerMessage("Hi")] });
    ui = await renderConsole({ welcome: welcome([view], [], me({ id: "bob", name: "Bob Okafor" })) });
    await ui.press(KEYS.alt("1"));
    const frame = stripSgr(await ui.waitForFrame((f) => stripSgr(f).includes("[Consulting]"), "consulting"));
    expect(frame).toContain("Alt+L leave consult");
    expect(frame).not.toContain("Alt+W close");
    await ui.press(KEYS.alt("w"));
    await ui.waitForFrame((f) => stripSgr(f).includes("is not yours to close"), "why not");
    expect(ui.store.getState().dialog).toBeNull();
  });

  it("a refused consult line stays in the composer", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c1", { consultants: ["bob"] })], [], me({ id: "bob", name: "Bob Okafor" })),
    });
    ui.client.responses.note = refusal("conversation/not_yours", "You are not in conversation c1.");
    await ui.press(KEYS.alt("1"));
    await ui.press("keep this");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => stripSgr(f).includes("› keep this"), "the text back in the composer");
    expect(stripSgr(ui.frame())).toContain("You are not in conversation c1.");
  });
});

describe("whisper from the monitor", () => {
  it("w on a row monitors it, opens the whisper composer; Enter sends a whisper, never a send", async () => {
    mon = await renderMonitor({
      welcome: supervisorWelcome([conversation("c1", { messages: [customerMessage("Where is my refund?")] })]),
    });
    mon.client.responses.whisper = { conversationId: "c1", noteId: "n1" };
    await mon.waitForFrame((f) => stripSgr(f).includes("w whisper"), "the hint beside monitor and join");
    await mon.press("w");
    expect(mon.client.ofType("monitor")).toEqual([{ type: "monitor", conversationId: "c1" }]);
    await mon.waitForFrame(
      (f) => stripSgr(f).includes("» Whisper to Alice Moreau only — the customer never sees it"),
      "the whisper composer",
    );
    await mon.press("Offer the goodwill credit");
    await mon.press(KEYS.enter);
    expect(mon.client.ofType("whisper")).toEqual([
      { type: "whisper", conversationId: "c1", text: "Offer the goodwill credit" },
    ]);
    expect(mon.client.ofType("send")).toEqual([]);
    await mon.waitForFrame((f) => stripSgr(f).includes("Whispered to Alice Moreau"), "the confirmation");
    // Esc closes the whisper composer: the live view is silent monitoring again.
    await mon.press(KEYS.escape);
    await mon.waitForFrame((f) => !stripSgr(f).includes("» Whisper to"), "the composer closed");
  });

  it("a supervisor asked to consult is told in the monitor to answer in the console", async () => {
    mon = await renderMonitor({ welcome: supervisorWelcome([conversation("c1")]) });
    mon.store.dispatch({
      type: "event",
      frame: event({ kind: "offer", offer: offer("o9", "c1", { kind: "consult", byName: "Alice Moreau" }) }),
    });
    await mon.waitForFrame(
      (f) => stripSgr(f).includes("Alice Moreau asks you to consult on c1 (Dana Kim): answer in the console"),
      "the flash",
    );
  });

  it("no whisper where the org turns monitoring off (SV2): refused on screen, nothing on the wire; a refusal keeps the text", async () => {
    mon = await renderMonitor({
      welcome: supervisorWelcome([conversation("c1")], {
        org: {
          ...supervisorWelcome().snapshot!.org,
          supervisor: { monitor: false, assign: true, transfer: true, forceClose: true, setPresence: false },
        },
      }),
    });
    await mon.press("w");
    await mon.waitForFrame((f) => stripSgr(f).includes("Monitoring is turned off"), "the reason");
    expect(mon.client.sent).toEqual([]);
    mon.unmount();

    mon = await renderMonitor({ welcome: supervisorWelcome([conversation("c1", { supervisors: { sam: "join" } })]) });
    mon.client.responses.whisper = refusal(
      "conversation/not_active",
      "Only an Active conversation's rep can be whispered to.",
    );
    await mon.press("w");
    expect(mon.client.ofType("monitor")).toEqual([]); // already joined
    await mon.press("keep me");
    await mon.press(KEYS.enter);
    await mon.waitForFrame((f) => stripSgr(f).includes("Only an Active conversation"), "the refusal");
    await mon.waitForFrame((f) => stripSgr(f).includes("› keep me"), "the text kept");
    void MON_KEYS;
  });
});
