// SPEC §1 on the routing core: the two chat modes, operating hours, ending, system messages and
// authentication (P1–P4, P9). P5–P8 are in p-waiting-and-history.test.ts, P10–P12 in
// p-affinity.test.ts, L2 and S2 in p-routing-and-presence.test.ts.
import { describe, expect, it } from "vitest";
import { DEFAULT_TEXTS, isOpenAt, nextOpening } from "../../server/core/org.js";
import type { OperatingHours } from "../../server/core/org.js";
import { changesFor } from "../../server/core/changes.js";
import { conversationView } from "../../server/core/conversation-views.js";
import { CoreHarness, customer, rep, testOrg, testWorkstream } from "../helpers/core.js";
import {
  MINUTE,
  NEXT_OPENING,
  OFFICE_HOURS,
  accept,
  customerSees,
  eventsOf,
  refusal,
  repChanges,
  signedIn,
  systemCodes,
  systemMessages,
} from "./p-helpers.js";

describe("SPEC P1: live and persistent chat share the channel; the workstream picks the mode", () => {
  it("SPEC P1: the same customer gets a live or a persistent conversation depending only on the workstream", () => {
    // given an org running both modes: a live and a persistent workstream
    const h = new CoreHarness();
    h.available("alice");

    // when the same signed-in customer starts a chat through each workstream with the same command
    const live = h.start("live", "Question about my order", { id: "c-42", name: "Kenny Smith" });
    const persistent = h.start("persistent", "Question about my invoice", { id: "c-42", name: "Kenny Smith" });

    // then each conversation has its workstream's mode and queue
    expect(h.conversation(live)).toMatchObject({ mode: "live", workstreamId: "live", queueId: "general" });
    expect(h.conversation(persistent)).toMatchObject({
      mode: "persistent",
      workstreamId: "persistent",
      queueId: "billing",
    });
    // and the customer sees both, side by side, each with its mode
    const seen = customerSees(h, "auth:c-42");
    expect(seen.map((c) => [c.id, c.mode]).sort()).toEqual([
      [live, "live"],
      [persistent, "persistent"],
    ]);
    // and the rep is offered both through the same routing
    expect(h.offerFor("alice", live)).toBeDefined();
    expect(h.offerFor("alice", persistent)).toBeDefined();
  });

  it("SPEC P1: running both modes means two workstreams; each behaves by its own mode even on the same queue", () => {
    // given two workstreams on the same queue, one live and one persistent
    const h = new CoreHarness(
      testOrg({
        workstreams: [
          testWorkstream({ id: "chat-live", mode: "live", queueId: "general" }),
          testWorkstream({ id: "chat-persistent", mode: "persistent", queueId: "general" }),
        ],
      }),
    );
    h.available("alice");
    const live = h.start("chat-live", "hi", { id: "c-1" });
    const persistent = h.start("chat-persistent", "hi", { id: "c-1" });
    accept(h, "alice", live);
    accept(h, "alice", persistent);

    // when the rep closes each of them with ✖ (close to Waiting)
    const liveClose = refusal(h, rep("alice"), { type: "close", conversationId: live });
    h.ok(rep("alice"), { type: "close", conversationId: persistent });

    // then only the persistent one parks in Waiting; the live one must be ended
    expect(liveClose.code).toBe("conversation/persistent_only");
    expect(h.conversation(live).state).toBe("active");
    expect(h.conversation(persistent).state).toBe("waiting");
    // and the customer may end the live one, but not the persistent one
    expect(h.refused(signedIn("c-1"), { type: "customer.end", conversationId: persistent })).toBe(
      "conversation/customer_cannot_end",
    );
    h.ok(signedIn("c-1"), { type: "customer.end", conversationId: live });
    expect(h.conversation(live).state).toBe("wrapup");
  });
});

describe("SPEC P2: operating hours", () => {
  const hoursOrg = (texts = {}) =>
    testOrg({
      workstreams: [
        testWorkstream({
          id: "live",
          mode: "live",
          queueId: "general",
          operatingHours: OFFICE_HOURS,
          texts: { ...DEFAULT_TEXTS, ...texts },
        }),
        testWorkstream({ id: "persistent", mode: "persistent", queueId: "billing", operatingHours: OFFICE_HOURS }),
      ],
    });

  it("SPEC P2: a persistent customer can write outside operating hours and a rep gets the messages when the hours open", () => {
    // given a persistent workstream open 09:00–17:00 UTC on weekdays, it is Tuesday 22:13, and alice is Available
    const h = new CoreHarness(hoursOrg());
    h.available("alice");

    // when a signed-in customer writes twice outside the hours
    const id = h.start("persistent", "My invoice is wrong", { id: "c-7", name: "Kenny Smith" });
    h.advance(30 * MINUTE);
    h.ok(signedIn("c-7"), { type: "customer.message", conversationId: id, text: "It shows last month's amount" });

    // then the conversation stays Open in the queue, nobody is offered it, and no tick is due before the opening
    expect(h.conversation(id).state).toBe("open");
    expect(h.offerFor("alice")).toBeUndefined();
    expect(h.events("offered")).toHaveLength(0);
    expect(h.deadline()).toBe(NEXT_OPENING);

    // when the clock reaches Wednesday 09:00
    h.advance(NEXT_OPENING - h.now);

    // then alice is offered it at once, and on accepting she sees every message written overnight
    accept(h, "alice", id);
    const seenByAlice = conversationView(h.state, h.conversation(id), true).messages!.filter(
      (m) => m.author.role === "customer",
    );
    expect(seenByAlice.map((m) => m.text)).toEqual(["My invoice is wrong", "It shows last month's amount"]);
  });

  it("SPEC P2: a persistent conversation with no rep available stays open and is routed once a rep is there during the hours", () => {
    // given a persistent conversation that arrived overnight and nobody is Available at the opening
    const h = new CoreHarness(hoursOrg());
    const id = h.start("persistent", "Hello?", { id: "c-8" });
    h.advance(NEXT_OPENING - h.now);
    expect(h.conversation(id).state).toBe("open");

    // when alice comes in at 09:20 and sets herself Available
    h.advance(20 * MINUTE);
    h.available("alice");

    // then she gets the conversation
    expect(h.offerFor("alice", id)).toBeDefined();
  });

  it("SPEC P2: outside operating hours a live customer may not reach a rep and is told so", () => {
    // given a live workstream open 09:00–17:00 UTC on weekdays, and it is Tuesday 22:13
    const h = new CoreHarness(hoursOrg());
    h.available("alice");

    // when a visitor tries to start a live chat
    const refused = refusal(h, customer("visitor-session:night"), {
      type: "customer.start",
      workstreamId: "live",
      identity: {},
      text: "Anyone there?",
    });

    // then it is refused with workstream/closed and the default outside-hours text, and nothing is created
    expect(refused).toEqual({ code: "workstream/closed", message: DEFAULT_TEXTS.outsideHours });
    expect(Object.keys(h.state.conversations)).toHaveLength(0);
    expect(h.offerFor("alice")).toBeUndefined();

    // when the same visitor comes back during the hours
    h.advance(NEXT_OPENING - h.now + 10 * MINUTE);
    const result = h.ok(customer("visitor-session:night"), {
      type: "customer.start",
      workstreamId: "live",
      identity: {},
      text: "Anyone there?",
    });

    // then the live chat starts and is offered
    expect(h.offerFor("alice", result.conversationId as string)).toBeDefined();
  });

  it("SPEC P2: a live customer still waiting in the queue when the hours close is told so, once, and is routed at the opening", () => {
    // given it is Wednesday 09:10, nobody is Available, and a visitor waits in the live queue
    const h = new CoreHarness(hoursOrg());
    h.advance(NEXT_OPENING - h.now + 10 * MINUTE);
    const id = h.start("live", "Anyone there?");
    const closing = NEXT_OPENING + 8 * 60 * MINUTE;
    expect(h.deadline()).toBe(closing);

    // when the hours close at 17:00 (and the clock ticks again later)
    h.advance(closing - h.now);
    h.advance(30 * MINUTE);

    // then the customer was told, once, and the chat still waits in the queue
    expect(
      systemMessages(h, id)
        .filter((m) => m.code === "outside_hours")
        .map((m) => m.text),
    ).toEqual([DEFAULT_TEXTS.outsideHours]);
    expect(customerSees(h, h.conversation(id).customer.key)[0]!.messages?.at(-1)?.text).toBe(
      DEFAULT_TEXTS.outsideHours,
    );
    expect(h.conversation(id).state).toBe("open");

    // when Alice is Available at Thursday 09:00, she is offered it
    h.advance(NEXT_OPENING + 24 * 60 * MINUTE - 5 * MINUTE - h.now);
    h.available("alice");
    expect(h.offerFor("alice", id)).toBeUndefined();
    h.advance(5 * MINUTE);
    expect(h.offerFor("alice", id)).toBeDefined();
  });

  it("SPEC P2: the outside-hours text comes from the workstream settings when overridden", () => {
    // given a live workstream whose outside-hours text is overridden
    const text = "Our live chat is open Monday to Friday, 9 to 5 (UTC).";
    const h = new CoreHarness(hoursOrg({ outsideHours: text }));

    // when a customer tries to start a live chat outside the hours
    const refused = refusal(h, customer("visitor-session:x"), {
      type: "customer.start",
      workstreamId: "live",
      identity: {},
      text: "hi",
    });

    // then they are told the overridden text
    expect(refused).toEqual({ code: "workstream/closed", message: text });
  });
});

describe("SPEC P2: operating hours across midnight", () => {
  /** Night shifts starting Monday to Friday at 22:00 UTC, each until 06:00 the next morning. */
  const NIGHTS: OperatingHours = { days: [1, 2, 3, 4, 5], open: "22:00", close: "06:00", utcOffsetMinutes: 0 };
  const at = (day: number, hour: number, minute = 0) => Date.UTC(2023, 10, day, hour, minute);
  const nightsOrg = () =>
    testOrg({
      workstreams: [
        testWorkstream({ id: "live", mode: "live", queueId: "general", operatingHours: NIGHTS }),
        testWorkstream({ id: "persistent", mode: "persistent", queueId: "billing", operatingHours: NIGHTS }),
      ],
    });

  it("SPEC P2: hours of 22:00–06:00 are open from 22:00 to midnight and on from midnight to 06:00, not never", () => {
    // given live chat open 22:00–06:00 on nights starting Monday to Friday; it is Tuesday 22:13
    const h = new CoreHarness(nightsOrg());
    const start = (key: string) =>
      h.run(customer(key), { type: "customer.start", workstreamId: "live", identity: {}, text: "Anyone there?" });

    // when visitors start live chats on Tuesday evening, then at 05:59 and at 06:00 on Wednesday morning
    const evening = start("visitor-session:1");
    h.advance(at(15, 5, 59) - h.now);
    const morning = start("visitor-session:2");
    h.advance(at(15, 6, 0) - h.now);
    const closing = start("visitor-session:3");

    // then the evening and the early-morning chats start, and the one at the closing time is refused
    expect(evening.ok).toBe(true);
    expect(morning.ok).toBe(true);
    expect(closing).toMatchObject({ ok: false, error: { code: "workstream/closed" } });

    // and a night belongs to the day it starts on: Friday night runs into Saturday morning, Sunday night is closed
    expect(isOpenAt(NIGHTS, at(18, 2, 0))).toBe(true); // Saturday 02:00
    expect(isOpenAt(NIGHTS, at(18, 22, 0))).toBe(false); // Saturday 22:00
    expect(isOpenAt(NIGHTS, at(20, 3, 0))).toBe(false); // Monday 03:00
    expect(isOpenAt(NIGHTS, at(20, 22, 0))).toBe(true); // Monday 22:00
    expect(nextOpening(NIGHTS, at(18, 6, 0))).toBe(at(20, 22, 0)); // from Saturday morning to Monday night
  });

  it("SPEC P2: a persistent conversation written in the daytime is routed when the night shift opens at 22:00", () => {
    // given persistent chat open 22:00–06:00; it is Wednesday 07:00 and Alice is Available
    const h = new CoreHarness(nightsOrg());
    h.advance(at(15, 7, 0) - h.now);
    h.available("alice");

    // when a signed-in customer writes
    const id = h.start("persistent", "My invoice is wrong", { id: "c-9", name: "Kenny Smith" });

    // then it waits Open with no offer, and the next tick is due at 22:00
    expect(h.conversation(id).state).toBe("open");
    expect(h.offerFor("alice", id)).toBeUndefined();
    expect(h.deadline()).toBe(at(15, 22, 0));

    // when the clock reaches 22:00, Alice is offered it
    h.advance(at(15, 22, 0) - h.now);
    expect(h.offerFor("alice", id)).toBeDefined();
  });
});

describe("SPEC P3: who can end a conversation", () => {
  it("SPEC P3: the customer cannot end a persistent conversation, whatever its state; only a rep can", () => {
    // given a persistent conversation, first Open, then Active with alice, then Waiting
    const h = new CoreHarness();
    const id = h.start("persistent", "hi", { id: "c-1" });
    const end = { type: "customer.end", conversationId: id } as const;

    // when the customer tries to end it in each state
    // then it is refused with conversation/customer_cannot_end and nothing changes
    expect(h.refused(signedIn("c-1"), end)).toBe("conversation/customer_cannot_end");
    expect(h.conversation(id).state).toBe("open");
    h.available("alice");
    accept(h, "alice", id);
    expect(h.refused(signedIn("c-1"), end)).toBe("conversation/customer_cannot_end");
    expect(h.conversation(id).state).toBe("active");
    h.ok(rep("alice"), { type: "close", conversationId: id });
    expect(h.refused(signedIn("c-1"), end)).toBe("conversation/customer_cannot_end");
    expect(h.conversation(id).state).toBe("waiting");

    // when the rep ends it
    const events = eventsOf(h, rep("alice"), { type: "end", conversationId: id });

    // then it goes to wrap-up and the connected customer is shown it has ended
    expect(h.conversation(id).state).toBe("wrapup");
    const toCustomer = events.flatMap((e) =>
      changesFor(h.state, e, { role: "customer", key: "auth:c-1" }, new Set([id])),
    );
    expect(toCustomer).toContainEqual({
      kind: "customer_conversation",
      conversation: expect.objectContaining({ id, ended: true }),
    });
  });

  it("SPEC P3: the customer can end a live conversation; the rep sees 'Customer ended the conversation' and wraps up", () => {
    // given a live chat Active with alice
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live", "hi");
    accept(h, "alice", id);

    // when the customer ends it
    const events = eventsOf(h, h.customerOf(id), { type: "customer.end", conversationId: id });

    // then the conversation goes to wrap-up for alice, marked as ended by the customer
    expect(h.conversation(id)).toMatchObject({ state: "wrapup", customerEnded: true, wrapUpBy: ["alice"] });
    // and a system message with code customer_ended and the text the rep sees is added
    const last = systemMessages(h, id).at(-1)!;
    expect(last).toMatchObject({ code: "customer_ended", text: "Customer ended the conversation" });
    // and alice is notified
    const notices = repChanges(h, "alice", events, [id]).filter((c) => c.kind === "notice");
    expect(notices).toContainEqual({
      kind: "notice",
      code: "customer_ended",
      text: "Customer ended the conversation",
      conversationId: id,
    });
    // and she keeps the conversation's capacity until she picks a wrap-up reason
    expect(h.used("alice")).toBe(1);
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    expect(h.conversation(id).state).toBe("closed");
    expect(h.used("alice")).toBe(0);
  });

  it("SPEC P3: a live customer can also end while still waiting for a rep; the pending offer is withdrawn", () => {
    // given a live chat offered to alice but not accepted yet
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live", "hi");
    expect(h.offerFor("alice", id)).toBeDefined();

    // when the customer ends it
    h.ok(h.customerOf(id), { type: "customer.end", conversationId: id });

    // then it is Closed by the customer, the offer is gone and alice's capacity is free
    expect(h.conversation(id)).toMatchObject({ state: "closed", closedBy: "customer" });
    expect(h.offerFor("alice")).toBeUndefined();
    expect(h.used("alice")).toBe(0);
  });

  it("SPEC P3: the rep can end a live conversation too; the customer then sees it ended and cannot write", () => {
    // given a live chat Active with alice
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live", "hi");
    accept(h, "alice", id);

    // when alice ends it
    h.ok(rep("alice"), { type: "end", conversationId: id });

    // then it is in wrap-up, the customer sees it ended, and a further customer message is refused
    expect(h.conversation(id)).toMatchObject({ state: "wrapup", customerEnded: false });
    expect(systemCodes(h, id)).toContain("ended");
    expect(customerSees(h, h.conversation(id).customer.key)).toMatchObject([{ id, ended: true }]);
    expect(h.refused(h.customerOf(id), { type: "customer.message", conversationId: id, text: "wait" })).toBe(
      "conversation/wrong_state",
    );
  });
});

describe("SPEC P4: queue-position and average-wait system messages", () => {
  it("SPEC P4: a live customer who has to wait gets queue-position and average-wait messages", () => {
    // given a live workstream and no rep Available
    const h = new CoreHarness();

    // when two customers start live chats
    const first = h.start("live", "hi");
    const second = h.start("live", "hello");

    // then each is told their position and the average wait (no wait measured yet: about 2 min)
    expect(systemMessages(h, first).map((m) => [m.code, m.text])).toEqual([
      ["queue_position", "You are number 1 in the queue."],
      ["average_wait", "The average wait is about 2 min."],
    ]);
    expect(systemMessages(h, second).map((m) => [m.code, m.text])).toEqual([
      ["queue_position", "You are number 2 in the queue."],
      ["average_wait", "The average wait is about 2 min."],
    ]);
    // and the customer sees them in their conversation
    const seen = customerSees(h, h.conversation(second).customer.key)[0]!;
    expect(seen.messages!.filter((m) => m.author.role === "system").map((m) => m.code)).toEqual([
      "queue_position",
      "average_wait",
    ]);
  });

  it("SPEC P4: the average wait reflects the waits measured on the workstream", () => {
    // given a live customer who waited 4 minutes before alice accepted
    const h = new CoreHarness();
    const first = h.start("live", "hi");
    h.advance(4 * MINUTE);
    h.available("alice");
    accept(h, "alice", first);
    h.ok(rep("alice"), { type: "presence", presence: "busy" });

    // when the next live customer has to wait
    const next = h.start("live", "hello");

    // then they are told the measured average
    expect(systemMessages(h, next).find((m) => m.code === "average_wait")?.text).toBe(
      "The average wait is about 4 min.",
    );
  });

  it("SPEC P4: the texts of both messages can be overridden in the workstream settings", () => {
    // given a live workstream with overridden texts
    const h = new CoreHarness(
      testOrg({
        workstreams: [
          testWorkstream({
            id: "live",
            mode: "live",
            queueId: "general",
            texts: {
              ...DEFAULT_TEXTS,
              queuePosition: "Place in line: {position}.",
              averageWait: "Usually answered within {minutes} minutes.",
            },
          }),
        ],
      }),
    );

    // when a live customer has to wait
    const id = h.start("live", "hi");

    // then the overridden texts are used, with their placeholders filled in
    expect(systemMessages(h, id).map((m) => [m.code, m.text])).toEqual([
      ["queue_position", "Place in line: 1."],
      ["average_wait", "Usually answered within 2 minutes."],
    ]);
  });

  it("SPEC P4: a persistent customer gets no queue-position or average-wait messages, even while nobody is there", () => {
    // given a persistent workstream and no rep Available
    const h = new CoreHarness();

    // when a signed-in customer starts, writes again later, and comes back after a Waiting period
    const id = h.start("persistent", "hi", { id: "c-1" });
    h.advance(10 * MINUTE);
    h.ok(signedIn("c-1"), { type: "customer.message", conversationId: id, text: "still there?" });
    h.available("alice");
    accept(h, "alice", id);
    h.ok(rep("alice"), { type: "close", conversationId: id });
    h.ok(rep("alice"), { type: "presence", presence: "offline" });
    h.start("persistent", "back again", { id: "c-1" });

    // then no such system message was ever added
    expect(h.conversation(id).state).toBe("open");
    expect(systemCodes(h, id)).not.toContain("queue_position");
    expect(systemCodes(h, id)).not.toContain("average_wait");
  });
});

describe("SPEC P9: persistent chat needs authenticated customers", () => {
  it("SPEC P9: an anonymous visitor cannot start a persistent chat", () => {
    // given a persistent workstream and an Available rep
    const h = new CoreHarness();
    h.available("alice");

    // when a visitor without a signed identity starts a persistent chat
    const code = h.refused(customer("visitor-session:1"), {
      type: "customer.start",
      workstreamId: "persistent",
      identity: { name: "Kenny" },
      text: "hi",
    });

    // then it is refused with workstream/authentication_required and nothing is created or offered
    expect(code).toBe("workstream/authentication_required");
    expect(Object.keys(h.state.conversations)).toHaveLength(0);
    expect(h.offerFor("alice")).toBeUndefined();
  });

  it("SPEC P9: an authenticated customer starts a persistent chat whose history is keyed to their identity", () => {
    // given a persistent workstream
    const h = new CoreHarness();

    // when a signed-in customer starts a persistent chat
    const id = h.start("persistent", "hi", { id: "c-9", name: "Kenny Smith" });

    // then the conversation belongs to their identity, not to their connection
    expect(h.conversation(id).customer).toMatchObject({ key: "auth:c-9", authenticated: true, name: "Kenny Smith" });
    expect(h.conversation(id).title).toBe("Kenny Smith");
  });

  it("SPEC P9: the same visitor may still use live chat without signing in", () => {
    // given a live workstream
    const h = new CoreHarness();

    // when an anonymous visitor starts a live chat
    const id = h.start("live", "hi");

    // then it is accepted as a visitor
    expect(h.conversation(id).customer).toMatchObject({ authenticated: false });
    expect(h.conversation(id).title).toMatch(/^Visitor \d+$/);
  });
});
