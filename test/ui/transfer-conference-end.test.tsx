// App tests for transfer, conference and end with wrap-up (SPEC §4, L10–L12): frames and requests.
import { afterEach, describe, expect, it } from "vitest";
import {
  conversation,
  customerMessage,
  event,
  KEYS,
  me,
  MORE_KEYS,
  rep,
  renderConsole,
  stripSgr,
  systemMessage,
  T0,
  welcome,
} from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";
import { localMidnight } from "../../src/ui/text/index.js";

let ui: Console | undefined;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

const TARGETS = {
  queues: [
    { id: "general", name: "General", open: 2 },
    { id: "billing", name: "Billing", open: 0 },
  ],
  reps: [
    me({ used: 1 }),
    rep("bob", "Bob Martin"),
    rep("carol", "Carol Diaz", { presence: "busy", presenceReason: { id: "training", label: "Training" } }),
    rep("dave", "Dave Ng", { used: 3 }),
  ],
};

async function inSession(
  convs = [conversation("c1", { title: "Dana Kim", messages: [customerMessage("I need billing help")] })],
): Promise<Console> {
  const console = await renderConsole({ welcome: welcome(convs, [], me({ used: 1 })) });
  console.client.responses.targets = TARGETS;
  await console.press(KEYS.alt("1"));
  await console.waitForFrame((f) => f.includes("Dana Kim [Active]"), "the session");
  return console;
}

describe("transfer (L10)", () => {
  it("SPEC L10: Alt+T opens the picker with Queues/Reps tabs, a filter and a reload; a busy rep is disabled with its reason; Enter sends transfer and opens wrap-up", async () => {
    ui = await inSession();
    await ui.press(KEYS.alt("t"));
    let frame = await ui.waitForFrame((f) => f.includes("updated 0 s ago · Ctrl+R reload"), "the transfer picker");
    expect(frame).toContain("Transfer to [Queues] Reps  (Tab)");
    expect(frame).toContain("filter:");
    expect(frame).toContain("1. General · 2 open");
    expect(frame).toContain("2. Billing · 0 open");
    expect(ui.client.sent).toEqual([{ type: "targets" }]);

    await ui.press(KEYS.tab);
    frame = await ui.waitForFrame((f) => f.includes("Queues [Reps]  (Tab)"), "the Reps tab");
    // Those who can be chosen first, so that the picker opens on one; the others after, with their reason.
    expect(frame).toContain("1. Bob Martin · Available · 0/3");
    expect(frame).toContain("2. Carol Diaz · Busy · Training · 0/3 (not Available)");
    expect(frame).toContain("3. Dave Ng · Available · 3/3 (at capacity 3/3)");
    // The rep does not see themselves.
    expect(frame).not.toMatch(/\d\. Alice Moreau/);

    // Reload: a second targets request, and "updated … ago" restarts.
    ui.store.dispatch({ type: "tick", now: T0 + 12_000 });
    await ui.waitForFrame((f) => f.includes("updated 12 s ago"), "12 s later");
    ui.client.responses.targets = { ...TARGETS, reps: [...TARGETS.reps, rep("erin", "Erin Fox")] };
    await ui.press(MORE_KEYS.ctrlR);
    frame = await ui.waitForFrame((f) => f.includes("updated 0 s ago") && f.includes("Erin Fox"), "reloaded");
    expect(ui.client.ofType("targets")).toHaveLength(2);
    expect(frame).toContain("2. Erin Fox · Available · 0/3");
    expect(frame).toContain("3. Carol Diaz · Busy · Training · 0/3 (not Available)");

    // A disabled row cannot be chosen.
    await ui.press(KEYS.down);
    await ui.press(KEYS.down);
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Carol Diaz cannot be chosen: not Available."), "the refusal");
    expect(ui.client.ofType("transfer")).toEqual([]);

    // The filter narrows the list.
    await ui.press("bo");
    frame = await ui.waitForFrame((f) => f.includes("filter: bo"), "filtered");
    expect(frame).toContain("1. Bob Martin");
    expect(frame).not.toContain("Carol Diaz ·");
    expect(frame).not.toContain("Erin Fox");
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame((f) => f.includes("Wrap-up reason"), "the wrap-up picker");
    expect(frame).toContain("1. Resolved");
    expect(frame).toContain("2. Needs follow-up");
    expect(frame).toContain("choose a reason to finish");
    expect(ui.client.ofType("transfer")).toEqual([
      { type: "transfer", conversationId: "c1", target: { kind: "rep", id: "bob" } },
    ]);

    // Today's figures are the server's: asked for again from the local midnight after the rep's transfer and wrap-up.
    ui.client.responses.today = { today: { since: localMidnight(T0), accepted: 2, ended: 1, transferred: 1 } };
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame((f) => f.includes("Wrap-up submitted: Resolved."), "wrap-up done");
    expect(frame).not.toContain("Wrap-up reason");
    expect(frame).toContain("Today accepted 2 · ended 1 · transferred 1");
    expect(ui.client.ofType("wrapup")).toEqual([{ type: "wrapup", conversationId: "c1", reasonId: "resolved" }]);
    // After the transfer and after the wrap-up (and Home's own refresh once it shows again: 12 s have passed).
    expect(ui.client.ofType("today").length).toBeGreaterThanOrEqual(2);
    for (const asked of ui.client.ofType("today")) expect(asked).toEqual({ type: "today", since: localMidnight(T0) });
  });

  it("S7: Home's Today figures are the server's for this day only: none shown once the local midnight has passed", async () => {
    ui = await inSession();
    ui.client.responses.today = { today: { since: localMidnight(T0), accepted: 4, ended: 3, transferred: 1 } };
    await ui.controller.loadHome();
    await ui.press(KEYS.alt("0"));
    await ui.waitForFrame((f) => f.includes("Today accepted 4 · ended 3 · transferred 1"), "today's figures");
    ui.store.dispatch({ type: "tick", now: localMidnight(T0) + 24 * 3_600_000 + 60_000 });
    await ui.waitForFrame((f) => f.includes("Today accepted 0 · ended 0 · transferred 0"), "a new day");
  });

  it("SPEC L10: after a transfer the wrap-up picker starts on the org's Transferred reason, when it has one", async () => {
    ui = await inSession();
    const org = ui.store.getState().org!;
    const reasons = [...org.wrapUpReasons, { id: "transferred", label: "Transferred" }];
    ui.store.dispatch({ type: "event", frame: event({ kind: "org", org: { ...org, wrapUpReasons: reasons } }) });
    await ui.press("/transfer @bob");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Wrap-up reason"), "the wrap-up picker");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Wrap-up submitted: Transferred."), "wrapped up as transferred");
    expect(ui.client.ofType("wrapup")).toEqual([{ type: "wrapup", conversationId: "c1", reasonId: "transferred" }]);
  });

  it("SPEC L10: a transfer the target did not accept says where the conversation went", async () => {
    ui = await inSession();
    await ui.press("/transfer @bob");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Wrap-up reason"), "the wrap-up picker");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Wrap-up submitted"), "wrapped up");

    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "notice",
        code: "transfer_not_accepted",
        text: "Bob Martin did not accept the transfer of Dana Kim; it went back to the General queue.",
        conversationId: "c1",
      }),
    });
    await ui.waitForFrame(
      (f) => f.includes("Bob Martin did not accept the transfer of Dana Kim; it went back to the General queue."),
      "the notice",
    );
  });

  it("SPEC L10: /transfer @bob and /transfer billing work from the composer", async () => {
    ui = await inSession([conversation("c1", { title: "Dana Kim" }), conversation("c2", { title: "Kenny Smith" })]);
    await ui.press("/transfer @bob");
    await ui.press(KEYS.enter);
    let frame = await ui.waitForFrame((f) => f.includes("Wrap-up reason"), "the wrap-up picker");
    expect(frame).not.toContain("/transfer @bob");
    expect(ui.client.ofType("transfer")).toEqual([
      { type: "transfer", conversationId: "c1", target: { kind: "rep", id: "bob" } },
    ]);
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame((f) => f.includes("Wrap-up submitted"), "wrapped up");
    // Handed over: the transferred conversation leaves the pane; the other one is now session 1.
    expect(frame).toMatch(/1 Kenny Smith/);
    expect(frame).not.toMatch(/\d Dana Kim/);

    await ui.press(KEYS.alt("1"));
    await ui.waitForFrame((f) => f.includes("Kenny Smith [Active]"), "second session");
    await ui.press("/transfer billing");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Wrap-up reason"), "the wrap-up picker again");
    expect(ui.client.ofType("transfer")).toEqual([
      { type: "transfer", conversationId: "c1", target: { kind: "rep", id: "bob" } },
      { type: "transfer", conversationId: "c2", target: { kind: "queue", id: "billing" } },
    ]);
    expect(ui.client.ofType("targets")).toHaveLength(2);
  });

  it("UX Tab completes a /command's name: as far as the commands it may be agree, then lists them; a whole name gets a space", async () => {
    ui = await inSession();
    await ui.press("/tr");
    await ui.press(KEYS.tab);
    await ui.waitForFrame((f) => f.includes("› /transfer "), "the name completed, a space after it");
    await ui.press("@bob");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Wrap-up reason"), "the transfer sent, wrap-up opened");
    expect(ui.client.ofType("transfer")).toEqual([
      { type: "transfer", conversationId: "c1", target: { kind: "rep", id: "bob" } },
    ]);
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Wrap-up submitted"), "wrapped up");

    // On Home too. Several commands start with /e: completed to what they share, then Tab lists them.
    await ui.waitForFrame((f) => f.includes("Today accepted"), "Home");
    await ui.press("/e");
    await ui.press(KEYS.tab);
    await ui.waitForFrame((f) => f.includes("› /end"), "completed to /end");
    await ui.press(KEYS.tab);
    await ui.waitForFrame((f) => f.includes("/end · /endconference · /endconsult"), "the candidates");
    expect(ui.store.getState().homeDraft).toBe("/end");

    // Nothing starts with it: said, and the draft stays; a message that starts with // is not a command.
    for (let i = 0; i < 4; i++) await ui.press(KEYS.backspace);
    await ui.press("/zz");
    await ui.press(KEYS.tab);
    const warned = await ui.waitForFrame((f) => f.includes("No command starts with /zz; /help lists them."), "warned");
    expect(warned).toContain("› /zz");
    expect(ui.store.getState().homeDraft).toBe("/zz");
    expect(ui.client.ofType("end")).toEqual([]);
  });

  it("SPEC L10: transfer is only for a conversation the rep accepted: Alt+T on a wrap-up explains and sends nothing", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c1", { title: "Dana Kim", state: "wrapup", wrapUpBy: ["alice"] })]),
    });
    await ui.press(KEYS.alt("1"));
    await ui.press(KEYS.alt("t"));
    const frame = await ui.waitForFrame(
      (f) => f.includes("You can transfer only a conversation you accepted"),
      "the refusal",
    );
    expect(frame).not.toContain("Transfer to");
    expect(ui.client.sent).toEqual([]);
  });
});

describe("conference (L11)", () => {
  it("SPEC L11: Alt+C invites a rep; the state reads Conference requested, then Conference with a joined message; Alt+X sends end_conference then wrap-up", async () => {
    ui = await inSession();
    await ui.press(KEYS.alt("c"));
    let frame = await ui.waitForFrame(
      (f) => f.includes("Invite to a conference") && f.includes("Bob Martin"),
      "the conference picker",
    );
    expect(frame).toContain("Carol Diaz · Busy · Training · 0/3 (not Available)");
    expect(frame).not.toContain("(Tab)");
    await ui.press("bob");
    await ui.waitForFrame((f) => f.includes("filter: bob") && !f.includes("Carol Diaz ·"), "filtered");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => !f.includes("Invite to a conference"), "picker closed");
    expect(ui.client.ofType("conference")).toEqual([{ type: "conference", conversationId: "c1", repId: "bob" }]);

    const base = conversation("c1", { title: "Dana Kim" });
    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "conversation",
        conversation: { ...base, conferenceRequested: { repId: "bob", repName: "Bob Martin" } },
      }),
    });
    await ui.waitForFrame((f) => f.includes("Dana Kim [Conference requested]"), "Conference requested");

    ui.store.dispatch({
      type: "event",
      frame: event(
        { kind: "conversation", conversation: { ...base, conferenceRequested: null, participants: ["bob"] } },
        {
          kind: "message",
          conversationId: "c1",
          message: systemMessage("Bob Martin joined the conversation", "rep_joined", T0 + 5_000),
        },
      ),
    });
    frame = await ui.waitForFrame((f) => f.includes("Dana Kim [Conference]"), "Conference");
    expect(frame).toContain("* Bob Martin joined the conversation");

    await ui.press(KEYS.alt("x"));
    await ui.waitForFrame((f) => f.includes("Wrap-up reason"), "the wrap-up dialog");
    expect(ui.client.ofType("end_conference")).toEqual([{ type: "end_conference", conversationId: "c1" }]);
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame((f) => f.includes("Wrap-up submitted: Resolved."), "wrapped up");
    expect(frame).not.toMatch(/1 Dana Kim/);
    expect(ui.client.ofType("wrapup")).toEqual([{ type: "wrapup", conversationId: "c1", reasonId: "resolved" }]);
    expect(ui.client.sent.map((b) => b.type)).toEqual(["targets", "conference", "end_conference", "wrapup", "today"]);
  });
});

describe("end (L12)", () => {
  it("UX End with an unsent draft asks first: Esc keeps the conversation going; End without sending ends it, and the draft stays in sight once it is closed", async () => {
    ui = await inSession();
    await ui.press("I will check with billing and");
    await ui.press(KEYS.alt("e"));
    let frame = await ui.waitForFrame((f) => f.includes("End the conversation with Dana Kim?"), "the question");
    expect(frame).toContain("Your draft has not been sent, and once it ends it cannot be.");
    await ui.press(KEYS.escape);
    await ui.waitForFrame((f) => !f.includes("End the conversation with"), "cancelled");
    expect(ui.client.ofType("end")).toEqual([]);

    await ui.press(KEYS.alt("e"));
    await ui.waitForFrame((f) => f.includes("End the conversation with Dana Kim?"), "asked again");
    await ui.press(KEYS.tab);
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Wrap-up reason"), "the wrap-up picker");
    expect(ui.client.ofType("end")).toEqual([{ type: "end", conversationId: "c1" }]);
    await ui.press("1");
    await ui.waitForFrame((f) => f.includes("Wrap-up submitted"), "submitted");
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "conversation", conversation: conversation("c1", { title: "Dana Kim", state: "closed" }) }),
    });
    // The wrap-up took the rep Home; the closed session is still in the pane, its draft marked ✎.
    await ui.press(KEYS.alt("1"));
    frame = await ui.waitForFrame((f) => f.includes("Closed: read-only."), "closed");
    // The draft is still there to copy or clear, and what is typed into it shows.
    expect(frame).toContain("Your draft below was not sent.");
    expect(frame).toContain("› I will check with billing and");
    expect(ui.client.ofType("send")).toEqual([]);
  });

  it("SPEC L12: Alt+E sends end and opens the wrap-up reason picker; its filter narrows to Needs follow-up; Esc clears the filter but does not skip wrap-up; submit sends wrapup", async () => {
    ui = await inSession();
    await ui.press(KEYS.alt("e"));
    let frame = await ui.waitForFrame((f) => f.includes("Wrap-up reason"), "the wrap-up picker");
    expect(ui.client.ofType("end")).toEqual([{ type: "end", conversationId: "c1" }]);
    expect(frame).toContain("1. Resolved");
    expect(frame).toContain("3. Other");

    await ui.press("follow");
    frame = await ui.waitForFrame((f) => f.includes("filter: follow"), "filtered");
    expect(frame).toContain("1. Needs follow-up");
    expect(frame).not.toContain("Resolved");
    expect(frame).not.toContain("Other");
    // The footer offers Esc while it clears the filter; once it is empty, Esc would not close: not offered.
    expect(frame.split("\n").at(-1)).toContain("Esc clear");
    await ui.press(KEYS.escape);
    frame = await ui.waitForFrame((f) => f.includes("1. Resolved"), "filter cleared");
    expect(frame.split("\n").at(-1)).not.toContain("Esc");
    await ui.press(KEYS.escape);
    frame = await ui.waitForFrame((f) => f.includes("Choose a wrap-up reason to finish."), "wrap-up cannot be skipped");
    expect(frame).toContain("Wrap-up reason");
    expect(ui.client.ofType("wrapup")).toEqual([]);

    await ui.press("follow");
    await ui.waitForFrame((f) => f.includes("filter: follow"), "filtered again");
    ui.client.responses.today = { today: { since: localMidnight(T0), accepted: 1, ended: 1, transferred: 0 } };
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame((f) => f.includes("Wrap-up submitted: Needs follow-up."), "submitted");
    expect(frame).toContain("ended 1");
    expect(ui.client.ofType("wrapup")).toEqual([{ type: "wrapup", conversationId: "c1", reasonId: "follow-up" }]);
    // Today's figures are asked for again once the wrap-up is in.
    expect(ui.client.sent.map((b) => b.type)).toEqual(["end", "wrapup", "today"]);
  });

  it("SPEC L12: when the customer ends, the rep sees Customer ended the conversation and then ends with wrap-up", async () => {
    ui = await inSession();
    ui.store.dispatch({
      type: "event",
      frame: event(
        {
          kind: "conversation",
          conversation: conversation("c1", {
            title: "Dana Kim",
            state: "wrapup",
            customerEnded: true,
            wrapUpBy: ["alice"],
          }),
        },
        {
          kind: "notice",
          code: "customer_ended",
          text: "Dana Kim ended the conversation: choose a wrap-up reason.",
          conversationId: "c1",
        },
      ),
    });
    const frame = await ui.waitForFrame(
      (f) => f.includes("Dana Kim [Customer ended] Customer ended the conversation"),
      "the customer ended",
    );
    expect(frame).toContain("Dana Kim ended the conversation: choose a wrap-up reason.");
    // Nothing can be sent any more; the draft stays.
    await ui.press("are you still there?");
    await ui.press(KEYS.enter);
    await ui.waitForFrame(
      (f) => f.includes("This conversation is Wrap-up; messages cannot be sent (your draft is kept)."),
      "send refused",
    );
    expect(ui.client.ofType("send")).toEqual([]);

    await ui.press(KEYS.alt("e"));
    await ui.waitForFrame((f) => f.includes("Wrap-up reason"), "the wrap-up picker");
    await ui.press("2");
    await ui.waitForFrame((f) => f.includes("Wrap-up submitted: Needs follow-up."), "submitted");
    // The conversation is already over: no end request, only the wrap-up.
    expect(ui.client.ofType("end")).toEqual([]);
    expect(ui.client.ofType("wrapup")).toEqual([{ type: "wrapup", conversationId: "c1", reasonId: "follow-up" }]);
  });

  it("SPEC L4: an aborted conversation says why and that the rep can only end it; Alt+E ends it with a wrap-up reason", async () => {
    ui = await inSession();
    ui.store.dispatch({
      type: "event",
      frame: event(
        {
          kind: "conversation",
          conversation: conversation("c1", { title: "Dana Kim", aborted: "queue General was deleted" }),
        },
        {
          kind: "notice",
          code: "aborted",
          text: "Dana Kim was aborted: queue General was deleted.",
          conversationId: "c1",
        },
      ),
    });
    await ui.waitForFrame(
      (f) => f.includes("⚠ Aborted: queue General was deleted. You cannot continue it — end it (Alt+E)."),
      "the abort warning",
    );
    await ui.press(KEYS.alt("e"));
    await ui.waitForFrame((f) => f.includes("Wrap-up reason"), "the wrap-up picker");
    expect(ui.client.ofType("end")).toEqual([{ type: "end", conversationId: "c1" }]);
  });

  it("SPEC L4: an aborted conversation the server closed (its workstream removed) is said closed, with nothing to end", async () => {
    ui = await inSession();
    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "conversation",
        conversation: conversation("c1", {
          title: "Dana Kim",
          state: "closed",
          aborted: "workstream Chat was removed",
        }),
      }),
    });
    const frame = await ui.waitForFrame((f) => f.includes("⚠ Aborted: workstream Chat was removed."), "the warning");
    expect(frame).toContain("⚠ Aborted: workstream Chat was removed. It is closed.");
    expect(frame).not.toContain("end it (Alt+E)");
  });
});

describe("the customer's rating (CSAT)", () => {
  it("reaches the rep too: once the customer rated the chat, its session shows the stars and the comment", async () => {
    ui = await inSession();
    expect(ui.frame()).not.toContain("Customer rating");
    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "conversation",
        conversation: conversation("c1", {
          title: "Dana Kim",
          state: "wrapup",
          wrapUpBy: ["alice"],
          rating: { score: 4, comment: "Quick help", at: T0 + 1000 },
        }),
      }),
    });
    const frame = await ui.waitForFrame((f) => f.includes("Customer rating"), "the rating");
    expect(frame).toContain("Customer rating: ★★★★☆ 4/5 · “Quick help”");
  });
});

describe("another console of the rep", () => {
  it("SPEC L10: a transfer wrapped up in another console of the rep takes the conversation out of this one's pane", async () => {
    ui = await inSession([
      conversation("c1", { title: "Dana Kim" }),
      conversation("c2", { title: "Kenny Smith", messages: [customerMessage("Hello")] }),
    ]);
    await ui.press(KEYS.alt("0"));
    await ui.waitForFrame((f) => f.includes("2 Kenny Smith"), "both in the pane");
    // Her other console transferred Kenny Smith to a queue and wrapped it up: the view says it is nobody's now.
    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "conversation",
        conversation: conversation("c2", { title: "Kenny Smith", state: "open", ownerId: null, wrapUpBy: [] }),
      }),
    });
    await ui.waitForFrame((f) => !f.includes("Kenny Smith"), "Kenny Smith gone from the pane and Home");
    expect(ui.store.getState().order).toEqual(["c1"]);
  });

  it("SPEC L11: a conference guest's wrap-up submitted, the conversation leaves their pane while it waits for the owner's", async () => {
    const guest = me({ id: "bob", name: "Bob Okafor" });
    const ended = (wrapUpBy: string[]) =>
      conversation("c2", {
        title: "Lee Wong",
        state: "wrapup",
        ownerId: "alice",
        ownerName: "Alice Moreau",
        participants: ["bob"],
        customerEnded: true,
        wrapUpBy,
      });
    ui = await renderConsole({
      welcome: welcome([conversation("c1", { ownerId: "bob" }), ended(["alice", "bob"])], [], guest),
    });
    await ui.waitForFrame((f) => f.includes("2 Lee Wong"), "both in the pane");
    // Bob submitted his reason: Alice's is still owed.
    ui.store.dispatch({ type: "event", frame: event({ kind: "conversation", conversation: ended(["alice"]) }) });
    await ui.waitForFrame((f) => !f.includes("Lee Wong"), "Lee Wong gone from Bob's pane and Home's work items");
    expect(ui.store.getState().order).toEqual(["c1"]);
  });

  it("a conversation out of the rep's sight (gone) leaves the pane, unless it holds a draft", async () => {
    ui = await inSession([conversation("c1", { title: "Dana Kim" }), conversation("c2", { title: "Kenny Smith" })]);
    // A draft in Dana Kim's composer (in focus), none in Kenny Smith's.
    await ui.press("half a reply");
    ui.store.dispatch({ type: "event", frame: event({ kind: "gone", conversationId: "c2" }) });
    await ui.waitForFrame((f) => !f.includes("Kenny Smith"), "Kenny Smith let go");
    ui.store.dispatch({ type: "event", frame: event({ kind: "gone", conversationId: "c1" }) });
    await ui.press("");
    expect(ui.store.getState().order).toEqual(["c1"]);
    expect(stripSgr(ui.frame())).toContain("half a reply");
  });
});
