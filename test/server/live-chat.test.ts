import { describe, expect, it } from "vitest";
import { serverPerTest } from "../helpers/server.js";
import { type TestClient, waitFor } from "../helpers/ws.js";
import { ManualClock } from "../helpers/manual-clock.js";

const { start, connect, token } = serverPerTest();

describe("a live chat over the wire", () => {
  it("SPEC L12: first customer message → offer → accept → messages both ways → end with wrap-up", async () => {
    await start();
    const alice = await connect({ role: "rep", token: token("alice") });
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect({ role: "customer" });

    const started = await customer.request({
      type: "start",
      workstream: "live",
      text: "Hello, my card 4111 1111 1111 1111 was charged twice",
      clientId: "k1",
    });
    const conversationId = started.conversationId as string;
    expect(started.conversationToken).toMatch(/\./);

    const offer = await alice.waitForOffer(conversationId);
    expect(offer.customerName).toBe("Visitor 1");
    expect(offer.queueName).toBe("General");
    // SPEC L6: the rep sees the card number masked in the preview.
    expect(offer.preview[0]!.text).toBe("Hello, my card ************1111 was charged twice");

    await alice.request({ type: "accept", offerId: offer.id });
    await waitFor(() => alice.conversations.get(conversationId)?.state === "active", "active");
    await alice.request({ type: "send", conversationId, text: "Hi, I am looking into it.", clientId: "a1" });
    await customer.waitForText(conversationId, "I am looking into it.");
    await customer.request({ type: "send", conversationId, text: "thank you", clientId: "k2" });
    await alice.waitForText(conversationId, "thank you");
    // The customer sees their own text unmasked.
    expect(customer.texts(conversationId)[0]).toContain("4111 1111 1111 1111");

    await alice.request({ type: "end", conversationId });
    await waitFor(() => alice.conversations.get(conversationId)?.state === "wrapup", "wrap-up");
    await waitFor(() => customer.customerConversations.get(conversationId)?.ended, "customer sees the end");
    expect(alice.users.get("alice")?.used).toBe(1);
    await alice.request({ type: "wrapup", conversationId, reasonId: "resolved" });
    await waitFor(() => alice.conversations.get(conversationId)?.state === "closed", "closed");
    await waitFor(() => alice.users.get("alice")?.used === 0, "capacity released");
  });

  it("a refusal names the conversation by its customer, as the rep knows it, not by its id", async () => {
    const { alice, conversationId } = await offeredChat();
    // Not accepted yet: not hers to transfer or end.
    const refused = (body: Parameters<TestClient["request"]>[0]) =>
      alice.request(body).then(
        () => expect.fail(`${body.type} succeeded`),
        (error: Error) => error.message,
      );
    expect(await refused({ type: "transfer", conversationId, target: { kind: "queue", id: "billing" } })).toBe(
      "The conversation with Visitor 1 is not assigned to you.",
    );
    expect(await refused({ type: "end", conversationId })).not.toContain(conversationId);
  });

  it("SPEC SV8: a rep whose conversation a supervisor force-closes is told who closed it", async () => {
    const { alice, conversationId, offer } = await offeredChat();
    await alice.request({ type: "accept", offerId: offer.id });
    const sam = await connect({ role: "supervisor", token: token("sam") });
    await sam.request({ type: "force_close", conversationId });
    const told = await waitFor(() => alice.notices.find((n) => n.code === "force_closed"), "Alice told");
    expect(told.text).toBe("Sam Rivera closed Visitor 1.");
    expect(sam.notices.some((n) => n.code === "force_closed")).toBe(false);
  });

  it("SPEC L12: what the customer writes while the offer is pending reaches the rep's thread once they accept", async () => {
    const { alice, customer, conversationId, offer } = await offeredChat();

    // Acknowledged: committed while the offer is still pending.
    await customer.request({ type: "send", conversationId, text: "My order is 40134", clientId: "k2" });
    await acceptAndHear(alice, customer, conversationId, offer.id);

    expect(alice.texts(conversationId)).toEqual(["Hello", "My order is 40134", "Thanks"]);
  });

  it("SPEC L12: a rep offered a conversation again after rejecting it gets what the customer wrote in between", async () => {
    const { alice, customer, conversationId, offer } = await offeredChat();
    await alice.request({ type: "reject", offerId: offer.id });

    await customer.request({ type: "send", conversationId, text: "Is anyone there?", clientId: "k2" });
    // Back by hand: her decline is forgotten and the conversation is offered to her again.
    await alice.request({ type: "presence", presence: "busy" });
    await alice.request({ type: "presence", presence: "available" });
    const again = await alice.waitForOffer(conversationId);
    await acceptAndHear(alice, customer, conversationId, again.id);

    expect(alice.texts(conversationId)).toEqual(["Hello", "Is anyone there?", "Thanks"]);
  });

  it("SPEC L2, L12: a rep whose offer timed out and who is offered it again gets what the customer wrote in between", async () => {
    const clock = new ManualClock();
    const { alice, customer, conversationId, offer } = await offeredChat(clock);
    await customer.request({ type: "send", conversationId, text: "My order is 40134", clientId: "k2" });
    // The offer times out: Alice goes RONA and sees the conversation no more.
    clock.advance(31_000);
    await waitFor(() => alice.offers.get(offer.id)?.status === "timed_out", "the offer timed out");
    await customer.request({ type: "send", conversationId, text: "Is anyone there?", clientId: "k4" });
    await customer.request({ type: "send", conversationId, text: "Hello??", clientId: "k5" });
    await customer.request({ type: "send", conversationId, text: "Still here", clientId: "k6" });
    await alice.request({ type: "presence", presence: "available" });
    const again = await alice.waitForOffer(conversationId);
    await acceptAndHear(alice, customer, conversationId, again.id);

    // Sent whole again when she could see it again: the three lines at the end of a view, the rest read before.
    const thread = alice.texts(conversationId);
    expect(thread.slice(-4)).toEqual(["Is anyone there?", "Hello??", "Still here", "Thanks"]);
  });
});

describe("a conversation out of a rep's sight", () => {
  it("SPEC L10: a rep's transfer wrapped up in one console reaches her other console; once it is another rep's, both are told it is gone", async () => {
    const { alice, customer, conversationId, offer } = await offeredChat();
    const second = await connect({ role: "rep", token: token("alice") });
    await acceptAndHear(alice, customer, conversationId, offer.id);
    await waitFor(() => second.texts(conversationId).includes("Thanks"), "her other console has it");
    const bob = await connect({ role: "rep", token: token("bob") });
    await bob.request({ type: "presence", presence: "available" });
    await alice.request({ type: "transfer", conversationId, target: { kind: "queue", id: "general" } });
    await alice.request({ type: "wrapup", conversationId, reasonId: "resolved" });
    // No longer hers to handle (the console lets it go: it is neither hers nor wrapped up by her).
    await waitFor(() => second.conversations.get(conversationId)?.wrapUpBy.length === 0, "her wrap-up, everywhere");
    expect(second.conversations.get(conversationId)).toMatchObject({ state: "open", ownerId: null });
    expect(second.gone.has(conversationId)).toBe(false);

    // Bob takes it: out of Alice's sight now, and each of her consoles is told.
    await bob.request({ type: "accept", offerId: (await bob.waitForOffer(conversationId)).id });
    await waitFor(() => second.gone.has(conversationId) && alice.gone.has(conversationId), "gone, in both consoles");
    expect(customer.events.flatMap((f) => f.changes).some((c) => c.kind === "gone")).toBe(false);
  });
});

/** Alice, the only rep Available, is offered a visitor's live chat that starts with "Hello". */
async function offeredChat(clock?: ManualClock) {
  await start(clock ? { clock } : {});
  const alice = await connect({ role: "rep", token: token("alice") });
  await alice.request({ type: "presence", presence: "available" });
  const customer = await connect({ role: "customer" });
  const started = await customer.request({ type: "start", workstream: "live", text: "Hello", clientId: "k1" });
  const conversationId = started.conversationId as string;
  return { alice, customer, conversationId, offer: await alice.waitForOffer(conversationId) };
}

/** Alice accepts; the customer then writes "Thanks", and it reaches her. */
async function acceptAndHear(alice: TestClient, customer: TestClient, conversationId: string, offerId: string) {
  await alice.request({ type: "accept", offerId });
  await customer.request({ type: "send", conversationId, text: "Thanks", clientId: "k3" });
  await alice.waitForText(conversationId, "Thanks");
}
