// SPEC P5–P8 on the routing core: persistent history, Waiting, its expiry, and End.
import { describe, expect, it } from "vitest";
import { DEFAULT_TEXTS } from "../../server/core/org.js";
import { conversationView } from "../../server/core/conversation-views.js";
import { snapshot } from "../../server/core/snapshot.js";
import { upgradeState } from "../../server/core/evolve.js";
import type { State } from "../../server/core/model.js";
import { CoreHarness, customer, rep, testOrg, testWorkstream } from "../helpers/core.js";
import {
  DAY,
  HOUR,
  MINUTE,
  accept,
  customerSees,
  eventsOf,
  refusal,
  repChanges,
  signedIn,
  systemMessages,
} from "./p-helpers.js";

/** alice took a persistent chat from customer c-1, they talked, and she parked it in Waiting. */
function parkedConversation(h: CoreHarness): string {
  h.available("alice");
  const id = h.start("persistent", "My invoice shows the wrong amount", { id: "c-1", name: "Kenny Smith" });
  accept(h, "alice", id);
  h.ok(rep("alice"), { type: "message", conversationId: id, text: "I have asked billing to check it" });
  h.ok(signedIn("c-1"), { type: "customer.message", conversationId: id, text: "Thanks, I will wait" });
  h.ok(rep("alice"), { type: "close", conversationId: id });
  return id;
}

const texts = (messages: { text: string; author: { role: string } }[]) =>
  messages.filter((m) => m.author.role !== "system").map((m) => m.text);

/** The thread of a conversation as the log holds it (what the server reads a page at a time), without system lines. */
function thread(h: CoreHarness, id: string): string[] {
  return texts(h.log.flatMap((e) => (e.type === "message_added" && e.conversationId === id ? [e.message] : [])));
}

describe("SPEC P5: the whole history of a persistent conversation, across visits", () => {
  it("SPEC P5: a returning customer carries on in the same conversation and sees the whole history", () => {
    // given a persistent conversation with messages from both sides, parked in Waiting, and the customer gone
    const h = new CoreHarness();
    const id = parkedConversation(h);

    // when the customer comes back three days later and writes
    h.advance(3 * DAY);
    const result = h.ok(signedIn("c-1"), {
      type: "customer.start",
      workstreamId: "persistent",
      identity: { id: "c-1", name: "Kenny Smith" },
      text: "Any news?",
    });

    // then they are back in the same conversation, not a new one
    expect(result).toMatchObject({ conversationId: id, resumed: true });
    expect(Object.keys(h.state.conversations)).toEqual([id]);
    // and on connecting they see what came since it was parked, count every message of every visit, and the thread
    // (the log, which clients read a page at a time: `messages`) holds them all: parked, it kept none in memory
    const seen = customerSees(h, "auth:c-1");
    expect(seen).toHaveLength(1);
    expect(texts(seen[0]!.messages!)).toEqual(["Any news?"]);
    expect(seen[0]!.messageCount).toBe(h.conversation(id).messageCount);
    expect(thread(h, id)).toEqual([
      "My invoice shows the wrong amount",
      "I have asked billing to check it",
      "Thanks, I will wait",
      "Any news?",
    ]);
  });

  it("SPEC P5: a customer parked in a state saved by an earlier version (with its identities) carries on after a restart", () => {
    // given a parked conversation, and the state as a snapshot of an earlier version wrote it
    const h = new CoreHarness();
    const id = parkedConversation(h);
    const older = { ...JSON.parse(JSON.stringify(h.state)), identities: { "auth:c-1": id } } as unknown;
    h.state = upgradeState(older as State);

    // when the customer comes back
    const result = h.ok(signedIn("c-1"), {
      type: "customer.start",
      workstreamId: "persistent",
      identity: { id: "c-1" },
      text: "Any news?",
    });

    // then it is the same conversation, and the state no longer keeps the identities
    expect(result).toMatchObject({ conversationId: id, resumed: true });
    expect("identities" in h.state).toBe(false);
  });

  it("SPEC P5: the history follows the signed-in customer to another device", () => {
    // given a persistent conversation parked in Waiting
    const h = new CoreHarness();
    const id = parkedConversation(h);

    // when the same customer signs in from another connection
    const result = h.ok(customer("another-device"), {
      type: "customer.start",
      workstreamId: "persistent",
      identity: { id: "c-1" },
    });

    // then it is the same conversation with the whole history
    expect(result).toMatchObject({ conversationId: id, resumed: true });
    expect(customerSees(h, "auth:c-1")[0]!.messageCount).toBe(h.conversation(id).messageCount);
    expect(thread(h, id)).toHaveLength(3);
  });

  it("SPEC P5: the rep sees the whole history too when the conversation comes back", () => {
    // given a persistent conversation parked in Waiting
    const h = new CoreHarness();
    const id = parkedConversation(h);

    // when the customer comes back and alice accepts the returning conversation
    h.advance(2 * DAY);
    h.start("persistent", "Any news?", { id: "c-1" });
    accept(h, "alice", id);

    // then alice's view counts all messages from the first visit and the new one, carries the new one, and the thread
    // (the log, which her console reads a page at a time: `messages`) holds them all
    const view = conversationView(h.state, h.conversation(id), true);
    expect(view.messageCount).toBe(h.conversation(id).messageCount);
    expect(texts(view.messages!)).toEqual(["Any news?"]);
    expect(thread(h, id)).toEqual([
      "My invoice shows the wrong amount",
      "I have asked billing to check it",
      "Thanks, I will wait",
      "Any news?",
    ]);
  });

  it("SPEC P5: a customer who starts again while the conversation is still Active just continues it", () => {
    // given a persistent conversation Active with alice
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("persistent", "hello", { id: "c-1" });
    accept(h, "alice", id);

    // when the customer closes the chat window and opens it again
    const result = h.ok(signedIn("c-1"), {
      type: "customer.start",
      workstreamId: "persistent",
      identity: { id: "c-1" },
      text: "me again",
    });

    // then it is the same Active conversation, still with alice
    expect(result).toMatchObject({ conversationId: id, resumed: true });
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice" });
    expect(texts(h.conversation(id).messages)).toEqual(["hello", "me again"]);
  });
});

describe("SPEC P6: close to Waiting", () => {
  it("SPEC P6: closing (✖) parks the conversation in Waiting and frees the rep's capacity", () => {
    // given alice handling a persistent chat (1 of her 2 units)
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("persistent", "hi", { id: "c-1" });
    accept(h, "alice", id);
    expect(h.used("alice")).toBe(1);

    // when the customer has been idle for a while and alice closes it
    h.advance(20 * MINUTE);
    h.ok(rep("alice"), { type: "close", conversationId: id });

    // then it is Waiting, owned by nobody, remembered as alice's, and uses none of her capacity
    expect(h.conversation(id)).toMatchObject({ state: "waiting", ownerId: null, lastOwnerId: "alice" });
    expect(h.used("alice")).toBe(0);
    // and alice still has it among her work items
    const mine = snapshot(h.state, { role: "rep", id: "alice" }).conversations.map((c) => [c.id, c.state]);
    expect(mine).toEqual([[id, "waiting"]]);
  });

  it("SPEC P6: Waiting conversations cost nothing, so a rep can park more than her capacity and still take new chats", () => {
    // given alice (capacity 2) who parked two persistent chats
    const h = new CoreHarness();
    h.available("alice");
    for (const who of ["c-1", "c-2"]) {
      const id = h.start("persistent", "hi", { id: who });
      accept(h, "alice", id);
      h.ok(rep("alice"), { type: "close", conversationId: id });
    }

    // when two live chats arrive
    const a = h.start("live", "hi");
    const b = h.start("live", "hi");

    // then both are offered to her and she can accept both
    accept(h, "alice", a);
    accept(h, "alice", b);
    expect(h.used("alice")).toBe(2);
  });

  it("SPEC P6: when the customer comes back, the rep is notified and can pick the conversation up and resolve it", () => {
    // given a persistent conversation parked in Waiting by alice
    const h = new CoreHarness();
    const id = parkedConversation(h);

    // when the customer comes back and writes
    h.advance(HOUR);
    const events = eventsOf(h, signedIn("c-1"), { type: "customer.message", conversationId: id, text: "Any news?" });

    // then alice is notified: she gets the customer's message and an offer for the conversation
    const changes = repChanges(h, "alice", events, [id]);
    expect(changes).toContainEqual(
      expect.objectContaining({
        kind: "message",
        conversationId: id,
        message: expect.objectContaining({ text: "Any news?" }),
      }),
    );
    expect(changes).toContainEqual(
      expect.objectContaining({ kind: "offer", offer: expect.objectContaining({ conversationId: id, kind: "route" }) }),
    );
    expect(h.conversation(id).state).toBe("open");
    // L1: the offer's wait counts from the customer's return, not from the conversation's start an hour before.
    const offer = changes.find((c) => c.kind === "offer");
    expect(offer?.kind === "offer" && offer.offer.arrivedAt).toBe(h.now);
    expect(h.conversation(id).createdAt).toBeLessThan(h.now - HOUR + 1);

    // when she accepts, answers, ends and wraps up
    accept(h, "alice", id);
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice" });
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "Billing fixed it" });
    h.ok(rep("alice"), { type: "end", conversationId: id });
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });

    // then it is resolved and closed
    expect(h.conversation(id).state).toBe("closed");
    expect(h.used("alice")).toBe(0);
  });

  it("SPEC P6: only the rep who owns an Active persistent conversation can close it", () => {
    // given a persistent chat Active with alice
    const h = new CoreHarness();
    h.available("alice", "bob");
    const id = h.start("persistent", "hi", { id: "c-1" });
    accept(h, "alice", id);

    // when bob tries to close it
    const code = h.refused(rep("bob"), { type: "close", conversationId: id });

    // then he is refused and it stays Active with alice
    expect(code).toBe("conversation/not_yours");
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice" });
  });
});

describe("SPEC P7: Waiting expiry", () => {
  it("SPEC P7: by default a conversation still Waiting after 28 days is closed by the system", () => {
    // given a persistent conversation parked in Waiting now, on a workstream with the default expiry
    const h = new CoreHarness();
    const parkedAt = h.now;
    const id = parkedConversation(h);

    // then the next tick the shell must send is exactly 28 days later
    expect(h.conversation(id).waitingUntil).toBe(parkedAt + 28 * DAY);
    expect(h.deadline()).toBe(parkedAt + 28 * DAY);

    // when 28 days minus a second pass
    h.advance(28 * DAY - 1000);
    // then it is still Waiting
    expect(h.conversation(id).state).toBe("waiting");

    // when the 28 days are up
    h.advance(1000);

    // then the system has closed it, with a system message saying why
    expect(h.conversation(id)).toMatchObject({ state: "closed", closedBy: "system" });
    expect(systemMessages(h, id).at(-1)).toMatchObject({
      code: "waiting_expired",
      text: "This conversation was closed after 28 days without activity.",
    });
    expect(h.deadline()).toBeNull();
  });

  it("SPEC P7: the number of days can be set on the workstream", () => {
    // given a persistent workstream whose Waiting lasts 3 days
    const h = new CoreHarness(
      testOrg({
        workstreams: [
          testWorkstream({ id: "persistent", mode: "persistent", queueId: "billing", waitingExpiryDays: 3 }),
        ],
      }),
    );
    const id = parkedConversation(h);

    // when 2 days and 23 hours pass
    h.advance(3 * DAY - HOUR);
    // then it is still Waiting
    expect(h.conversation(id).state).toBe("waiting");

    // when the third day is over
    h.advance(HOUR);

    // then the system closed it, and the message names the workstream's number of days
    expect(h.conversation(id)).toMatchObject({ state: "closed", closedBy: "system" });
    expect(systemMessages(h, id).at(-1)).toMatchObject({
      code: "waiting_expired",
      text: "This conversation was closed after 3 days without activity.",
    });
  });

  it("SPEC P7: the expiry text can be overridden on the workstream", () => {
    // given a persistent workstream with an overridden expiry text and 1 day of Waiting
    const text = "Closed after {days} day(s) of silence. Write again any time.";
    const h = new CoreHarness(
      testOrg({
        workstreams: [
          testWorkstream({
            id: "persistent",
            mode: "persistent",
            queueId: "billing",
            waitingExpiryDays: 1,
            texts: { ...DEFAULT_TEXTS, waitingExpired: text },
          }),
        ],
      }),
    );
    const id = parkedConversation(h);

    // when the day is over
    h.advance(DAY);

    // then the overridden text is used
    expect(systemMessages(h, id).at(-1)).toMatchObject({
      code: "waiting_expired",
      text: "Closed after 1 day(s) of silence. Write again any time.",
    });
  });

  it("SPEC P7: a customer who comes back before expiry stops the clock; a later Waiting starts a fresh 28 days", () => {
    // given a conversation parked in Waiting
    const h = new CoreHarness();
    const id = parkedConversation(h);

    // when the customer returns on day 27, alice handles it and parks it again
    h.advance(27 * DAY);
    h.start("persistent", "Any news?", { id: "c-1" });
    expect(h.conversation(id).waitingUntil).toBeNull();
    accept(h, "alice", id);
    h.ok(rep("alice"), { type: "close", conversationId: id });
    const parkedAgainAt = h.now;

    // then it is not closed at the first deadline, only 28 days after the second parking
    h.advance(2 * DAY);
    expect(h.conversation(id).state).toBe("waiting");
    expect(h.conversation(id).waitingUntil).toBe(parkedAgainAt + 28 * DAY);
    h.advance(26 * DAY);
    expect(h.conversation(id)).toMatchObject({ state: "closed", closedBy: "system" });
  });

  it("SPEC P7: after expiry the returning customer starts a new conversation", () => {
    // given a conversation closed by the system after 28 days of Waiting
    const h = new CoreHarness();
    const id = parkedConversation(h);
    h.advance(28 * DAY);
    expect(h.conversation(id).state).toBe("closed");

    // when the customer comes back
    const result = h.ok(signedIn("c-1"), {
      type: "customer.start",
      workstreamId: "persistent",
      identity: { id: "c-1" },
      text: "Hello again",
    });

    // then a new conversation starts; the closed one is never reopened
    expect(result).toMatchObject({ resumed: false });
    expect(result.conversationId).not.toBe(id);
    expect(h.conversation(id).state).toBe("closed");
  });
});

describe("SPEC P8: close versus End", () => {
  it("SPEC P8: after End the returning customer starts a new conversation and does not see the old history", () => {
    // given a persistent conversation that alice confirmed solved, ended and wrapped up
    const h = new CoreHarness();
    const id = parkedConversation(h);
    h.start("persistent", "It is fixed, thank you", { id: "c-1" });
    accept(h, "alice", id);
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "Glad to hear it. Anything else?" });
    h.ok(signedIn("c-1"), { type: "customer.message", conversationId: id, text: "No, all good" });
    h.ok(rep("alice"), { type: "end", conversationId: id });
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });

    // when the customer comes back a week later
    h.advance(7 * DAY);
    const result = h.ok(signedIn("c-1"), {
      type: "customer.start",
      workstreamId: "persistent",
      identity: { id: "c-1" },
      text: "New question",
    });

    // then a new conversation starts
    const fresh = result.conversationId as string;
    expect(result).toMatchObject({ resumed: false });
    expect(fresh).not.toBe(id);
    expect(h.conversation(fresh).state).toBe("open");
    // and the customer sees only the new conversation, without the old history
    const seen = customerSees(h, "auth:c-1");
    expect(seen.map((c) => c.id)).toEqual([fresh]);
    expect(texts(seen[0]!.messages!)).toEqual(["New question"]);
    expect(h.conversation(id).state).toBe("closed");
  });

  it("SPEC P8: a customer returning while the rep is still wrapping up after End also starts afresh without the old history", () => {
    // given a persistent conversation alice has ended but not yet wrapped up
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("persistent", "Old question", { id: "c-1" });
    accept(h, "alice", id);
    h.ok(rep("alice"), { type: "end", conversationId: id });
    expect(h.conversation(id).state).toBe("wrapup");

    // when the customer comes back
    const result = h.ok(signedIn("c-1"), {
      type: "customer.start",
      workstreamId: "persistent",
      identity: { id: "c-1" },
      text: "New question",
    });

    // then a new conversation starts and only it is shown to the customer
    expect(result).toMatchObject({ resumed: false });
    const seen = customerSees(h, "auth:c-1");
    expect(seen.map((c) => c.id)).toEqual([result.conversationId]);
    expect(texts(seen[0]!.messages!)).toEqual(["New question"]);
  });

  it("SPEC P8: closing keeps the conversation for the customer; only End finishes it", () => {
    // given a persistent conversation alice closed to Waiting (not ended)
    const h = new CoreHarness();
    const id = parkedConversation(h);

    // when the customer comes back
    const result = h.ok(signedIn("c-1"), {
      type: "customer.start",
      workstreamId: "persistent",
      identity: { id: "c-1" },
    });

    // then they are in the same conversation: closing is not ending
    expect(result).toMatchObject({ conversationId: id, resumed: true });
    expect(customerSees(h, "auth:c-1")).toMatchObject([{ id, ended: false, state: "waiting" }]);
  });

  it("SPEC P8: the rep who parked it can End a Waiting conversation; the wrap-up costs no capacity; another rep cannot", () => {
    // given a persistent conversation alice parked in Waiting
    const h = new CoreHarness();
    const id = parkedConversation(h);
    h.available("bob");

    // when bob tries to end it
    const bobs = refusal(h, rep("bob"), { type: "end", conversationId: id });
    // then he is refused
    expect(bobs.code).toBe("conversation/not_yours");

    // when alice ends it
    h.ok(rep("alice"), { type: "end", conversationId: id });

    // then she wraps up without using capacity, and after the reason it is Closed
    expect(h.conversation(id)).toMatchObject({ state: "wrapup", wrapUpBy: ["alice"] });
    expect(h.used("alice")).toBe(0);
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    expect(h.conversation(id).state).toBe("closed");
  });
});
