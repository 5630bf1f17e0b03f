// The customer's history over a real WebSocket (issue 14, item 7): the `history` and `history_conversation`
// requests and their answers as they go over the wire, their refusals, and the `customer_back` notice (SPEC P12).
import { describe, expect, it } from "vitest";
import { demoOrgFile } from "../../server/org-file.js";
import type { RunningServer } from "../../server/start-server.js";
import { signIdentity } from "../../src/protocol/identity.js";
import type { ServerFrame } from "../../src/protocol/messages.js";
import { serverPerTest } from "../helpers/server.js";
import type { RawSocket } from "../helpers/server.js";
import type { TestClient } from "../helpers/ws.js";
import { waitFor } from "../helpers/ws.js";

const fixture = serverPerTest();
const { connect, token, raw } = fixture;

const SECRET = "cd".repeat(32);

function start(autoAssignReturning = false): Promise<RunningServer> {
  const org = demoOrgFile({ secret: SECRET, tokens: {} });
  const workstreams = org.workstreams.map((w) => (w.mode === "persistent" ? { ...w, autoAssignReturning } : w));
  return fixture.start({ org: { ...org, workstreams } });
}

/** A rep's raw socket, to see the frames themselves. */
const rawRep = (id: string): Promise<RawSocket> => raw({ role: "rep", token: token(id) });

/** Send a request frame and return the frame that answers it (ack or error). */
async function answer(socket: RawSocket, frame: Record<string, unknown>): Promise<ServerFrame> {
  const from = socket.frames.length;
  socket.sendJson(frame);
  return socket.waitForFrame(
    (f) => (f.type === "ack" || f.type === "error") && f.reqId === frame.reqId,
    from,
    `the answer to ${String(frame.reqId)}`,
  );
}

/** `rep` (Available) takes the customer's new conversation; returns its id. */
async function taken(rep: TestClient, customer: TestClient, workstream: string, text: string): Promise<string> {
  await rep.request({ type: "presence", presence: "available" });
  const started = await customer.request({ type: "start", workstream, text });
  const conversationId = started.conversationId as string;
  const offer = await rep.waitForOffer(conversationId);
  await rep.request({ type: "accept", offerId: offer.id });
  return conversationId;
}

/** ... then ends it with `reasonId` and goes Offline. */
async function handled(
  rep: TestClient,
  customer: TestClient,
  workstream: string,
  text: string,
  reasonId: string,
): Promise<string> {
  const id = await taken(rep, customer, workstream, text);
  await rep.request({ type: "end", conversationId: id });
  await rep.request({ type: "wrapup", conversationId: id, reasonId });
  await rep.request({ type: "presence", presence: "offline" });
  return id;
}

describe("the customer's history over the wire", () => {
  it("SPEC P9, L6: bob lists Kenny's earlier conversation and opens it, masked; the visitor's is not Kenny's", async () => {
    await start();
    const identity = signIdentity(SECRET, { id: "cust-42", name: "Kenny Smith" });
    const kenny = await connect({ role: "customer", identity });
    const visitor = await connect({ role: "customer" });
    const alice = await connect({ role: "rep", token: token("alice") });
    const bob = await connect({ role: "rep", token: token("bob") });
    const first = await handled(alice, kenny, "live", "My card 4111 1111 1111 1111 was charged twice", "resolved");
    const visitors = await handled(alice, visitor, "live", "I am Kenny Smith, honest", "other");
    const now = await taken(bob, kenny, "live", "Me again about that charge");

    const socket = await rawRep("bob");
    const listed = await answer(socket, { type: "history", reqId: "h1", conversationId: now });
    // When it started and closed, as Alice (who handled it) was told.
    const closed = await waitFor(() => {
      const seen = alice.conversations.get(first);
      return seen?.closedAt ? seen : undefined;
    }, "Alice to see the first conversation closed");
    expect(listed).toEqual({
      type: "ack",
      reqId: "h1",
      result: {
        items: [
          {
            id: first,
            state: "closed",
            mode: "live",
            createdAt: closed.createdAt,
            closedAt: closed.closedAt,
            queueName: "General",
            workstreamName: "Live chat",
            repName: "Alice Moreau",
            wrapUpReason: "Resolved",
            title: "Kenny Smith",
          },
        ],
      },
    });

    const opened = await answer(socket, {
      type: "history_conversation",
      reqId: "h2",
      conversationId: now,
      earlierId: first,
    });
    expect(opened).toMatchObject({
      type: "ack",
      reqId: "h2",
      result: { conversation: { id: first, state: "closed" } },
    });
    const texts = (opened as unknown as { result: { conversation: { messages: { text: string }[] } } }).result
      .conversation.messages;
    expect(texts.map((m) => m.text)).toContain("My card ************1111 was charged twice");
    expect(JSON.stringify(opened)).not.toContain("4111 1111");

    // The visitor's conversation is not reached through Kenny's.
    expect(
      await answer(socket, { type: "history_conversation", reqId: "h3", conversationId: now, earlierId: visitors }),
    ).toEqual({
      type: "error",
      reqId: "h3",
      code: "conversation/not_found",
      message: `There is no earlier conversation ${visitors} of this customer.`,
    });
  });

  it("refuses a rep who cannot see the conversation asked through, and a customer altogether", async () => {
    await start();
    const identity = signIdentity(SECRET, { id: "cust-42", name: "Kenny Smith" });
    const kenny = await connect({ role: "customer", identity });
    const alice = await connect({ role: "rep", token: token("alice") });
    const bob = await connect({ role: "rep", token: token("bob") });
    const first = await handled(alice, kenny, "live", "Where is my parcel 7781?", "resolved");
    const now = await taken(bob, kenny, "live", "Still no parcel");

    // carol took no part in either: she learns nothing, not even that they exist
    const carol = await rawRep("carol");
    const refused = (reqId: string, conversationId: string) => ({
      type: "error",
      reqId,
      code: "conversation/not_found",
      message: `There is no conversation ${conversationId} that you can see.`,
    });
    expect(await answer(carol, { type: "history", reqId: "c1", conversationId: now })).toEqual(refused("c1", now));
    expect(
      await answer(carol, { type: "history_conversation", reqId: "c2", conversationId: now, earlierId: first }),
    ).toEqual(refused("c2", now));
    expect(
      await answer(carol, { type: "history_conversation", reqId: "c3", conversationId: first, earlierId: first }),
    ).toEqual(refused("c3", first));
    expect(JSON.stringify(carol.frames)).not.toContain("parcel");
    // a customer may not ask at all
    expect(await kenny.refused({ type: "history", conversationId: now })).toBe("auth/forbidden");
  });

  it("SPEC P12: the rep a parked chat is assigned back to gets the customer_back notice, over the wire", async () => {
    await start(true);
    const identity = signIdentity(SECRET, { id: "cust-42", name: "Kenny Smith" });
    const kenny = await connect({ role: "customer", identity });
    const alice = await connect({ role: "rep", token: token("alice") });
    const id = await taken(alice, kenny, "persistent", "My invoice shows the old address");
    await alice.request({ type: "close", conversationId: id });

    await kenny.request({ type: "send", conversationId: id, text: "Hello again" });

    const notice = await waitFor(() => alice.notices.find((n) => n.code === "customer_back"), "the notice");
    expect(notice).toEqual({
      kind: "notice",
      code: "customer_back",
      text: "Kenny Smith is back: their conversation is assigned to you again.",
      conversationId: id,
    });
    expect(alice.conversations.get(id)).toMatchObject({ state: "active", ownerId: "alice" });
  });
});
