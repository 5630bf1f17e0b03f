// Notes (issue 14): staff write them on a conversation; reps and supervisors see them in the thread, the next rep
// after a transfer too; the customer never does (not in events, snapshots nor their view).
import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../server/core/model.js";
import { changesFor } from "../../server/core/changes.js";
import { customerConversationView } from "../../server/core/conversation-views.js";
import { snapshot } from "../../server/core/snapshot.js";
import type { Viewer } from "../../server/core/viewer.js";
import { CoreHarness, rep, supervisor } from "../helpers/core.js";

function handled(h: CoreHarness, repId: string): string {
  h.available(repId);
  const id = h.start("live", "My parcel never arrived");
  h.ok(rep(repId), { type: "accept", offerId: h.offerFor(repId, id)! });
  return id;
}

function noteEvent(h: CoreHarness): DomainEvent {
  const all = h.events("note_added");
  return all[all.length - 1]!;
}

describe("notes", () => {
  it("the rep handling a conversation adds a note: stored with it, sent to staff as a note change, to the customer never", () => {
    const h = new CoreHarness();
    const id = handled(h, "alice");
    const result = h.ok(rep("alice"), { type: "note", conversationId: id, text: "Courier ref 88-1; <ask> for photo" });
    expect(result).toEqual({ conversationId: id, noteId: "n1" });
    expect(h.conversation(id).notes).toEqual([
      {
        id: "n1",
        at: h.now,
        author: { role: "rep", id: "alice", name: "Alice Moreau" },
        text: "Courier ref 88-1; <ask> for photo",
      },
    ]);
    const event = noteEvent(h);
    const alice: Viewer = { role: "rep", id: "alice" };
    expect(changesFor(h.state, event, alice, new Set([id]))).toEqual([
      { kind: "note", conversationId: id, note: h.conversation(id).notes![0] },
    ]);
    const key = h.conversation(id).customer.key;
    const customer: Viewer = { role: "customer", key };
    expect(changesFor(h.state, event, customer, new Set([id]))).toEqual([]);
    // A customer who had not seen it yet gets their view, which has no notes.
    const first = changesFor(h.state, event, customer, new Set());
    expect(JSON.stringify(first)).not.toContain("Courier ref");
    expect(JSON.stringify(snapshot(h.state, customer))).not.toContain("Courier ref");
    expect(JSON.stringify(customerConversationView(h.state, h.conversation(id), true))).not.toContain("Courier");
    // The rep's snapshot carries the notes beside the messages.
    const mine = snapshot(h.state, alice).conversations.find((c) => c.id === id)!;
    expect(mine.notes?.map((n) => n.text)).toEqual(["Courier ref 88-1; <ask> for photo"]);
    expect(mine.messages?.some((m) => m.text.includes("Courier"))).toBe(false);
  });

  it("the next rep after a transfer sees the notes; a supervisor watching sees and adds them", () => {
    const h = new CoreHarness();
    const id = handled(h, "alice");
    h.ok(rep("alice"), { type: "note", conversationId: id, text: "Refund already approved" });
    h.available("bob");
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "rep", id: "bob" } });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });
    const bob = snapshot(h.state, { role: "rep", id: "bob" }).conversations.find((c) => c.id === id)!;
    expect(bob.notes?.map((n) => n.text)).toEqual(["Refund already approved"]);
    // Sam monitors: he sees them, and may write one.
    expect(h.refused(supervisor(), { type: "note", conversationId: id, text: "x" })).toBe("supervisor/not_joined");
    h.ok(supervisor(), { type: "monitor", conversationId: id, mode: "monitor" });
    h.ok(supervisor(), { type: "note", conversationId: id, text: "Good handling" });
    expect(h.conversation(id).notes!.map((n) => [n.id, n.author.role, n.text])).toEqual([
      ["n1", "rep", "Refund already approved"],
      ["n2", "supervisor", "Good handling"],
    ]);
    const sam = snapshot(h.state, { role: "supervisor", id: "sam" }).conversations.find((c) => c.id === id)!;
    expect(sam.notes).toHaveLength(2);
    expect(changesFor(h.state, noteEvent(h), { role: "rep", id: "bob" }, new Set([id]))[0]).toMatchObject({
      kind: "note",
      note: { text: "Good handling" },
    });
  });

  it("a text of escape sequences, zero-width or bidi characters alone is empty, from a customer and from a rep", () => {
    const h = new CoreHarness();
    const id = handled(h, "alice");
    const blank = ["\u200b", "\x1b[31m", "\u202e", " \u2060\ufeff "];
    for (const text of blank) {
      expect(
        h.refused(
          { role: "customer", key: "visitor-session:x" },
          { type: "customer.start", workstreamId: "live", identity: {}, text },
        ),
      ).toBe("message/empty");
      expect(h.refused(h.customerOf(id), { type: "customer.message", conversationId: id, text })).toBe("message/empty");
      expect(h.refused(rep("alice"), { type: "message", conversationId: id, text })).toBe("message/empty");
      expect(h.refused(rep("alice"), { type: "note", conversationId: id, text })).toBe("message/empty");
    }
    // Text around them is a message as any other.
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "\u200bhello" });
  });

  it("a rep not in the conversation, an empty note and a closed conversation are refused, and change nothing", () => {
    const h = new CoreHarness();
    const id = handled(h, "alice");
    expect(h.refused(rep("bob"), { type: "note", conversationId: id, text: "hi" })).toBe("conversation/not_yours");
    expect(h.refused(rep("alice"), { type: "note", conversationId: id, text: "   " })).toBe("message/empty");
    expect(h.refused(rep("alice"), { type: "note", conversationId: "nope", text: "hi" })).toBe(
      "conversation/not_found",
    );
    expect(
      h.refused(
        { role: "customer", key: h.conversation(id).customer.key },
        { type: "note", conversationId: id, text: "hi" },
      ),
    ).toBe("auth/forbidden");
    h.ok(rep("alice"), { type: "end", conversationId: id });
    h.ok(rep("alice"), { type: "note", conversationId: id, text: "Wrap-up: refunded" });
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    expect(h.refused(rep("alice"), { type: "note", conversationId: id, text: "late" })).toBe(
      "conversation/wrong_state",
    );
    expect(h.conversation(id).notes!.map((n) => n.text)).toEqual(["Wrap-up: refunded"]);
  });
});
