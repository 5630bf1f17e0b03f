// A connection cut while a resume's missed events are still arriving loses none of them: the client takes the
// welcome's seq as its own only once the replay has ended (with the frame at that seq every resume ends with), so
// the next resume starts from the last event it got. docs/protocol.md, "Sequence numbers and resume".
import { describe, expect, it } from "vitest";
import type { EventFrame, Welcome } from "../../src/protocol/messages.js";
import { serverPerTest } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const fixture = serverPerTest();
const { start, connect, token, track } = fixture;

type Hello = ConstructorParameters<typeof TestClient>[1];

type Held = { lastSeq: number; epoch: string };

/** A client resuming from `away`, watched frame by frame (seqsSeen) from its welcome on. */
async function resuming(hello: Hello, away: Held): Promise<{ back: TestClient; held: Seqs; welcome: Welcome }> {
  const back = track(new TestClient(fixture.server.url, hello));
  const held = seqsSeen(back);
  back.client.lastSeq = away.lastSeq;
  back.client.epoch = away.epoch;
  await back.connect();
  const welcome = back.welcome as Welcome;
  expect(welcome.mode).toBe("resume");
  return { back, held, welcome };
}

interface Seen {
  frame: number;
  held: number;
  texts: string[];
}

/** The client's lastSeq as it stood when each frame was handed on: the welcome, then every event frame. */
type Seqs = { welcome: number | undefined; events: Seen[] };

function seqsSeen(c: TestClient): Seqs {
  const seen: Seqs = { welcome: undefined, events: [] };
  c.client.on("welcome", () => (seen.welcome = c.client.lastSeq));
  c.client.on("event", (frame: EventFrame) => {
    const texts = frame.changes.flatMap((change) => (change.kind === "message" ? [change.message.text] : []));
    seen.events.push({ frame: frame.seq, held: c.client.lastSeq!, texts });
  });
  return seen;
}

/** A rep (alice) and a customer in one conversation; returns the conversation's id. */
async function chatting(): Promise<{
  alice: TestClient;
  customer: TestClient;
  conversationId: string;
  conversationToken: string;
}> {
  const alice = await connect({ role: "rep", token: token("alice") });
  await alice.request({ type: "presence", presence: "available" });
  const customer = await connect({ role: "customer" });
  const { conversationId, conversationToken } = (await customer.request({
    type: "start",
    workstream: "live",
    text: "Hi",
  })) as { conversationId: string; conversationToken: string };
  await alice.request({ type: "accept", offerId: (await alice.waitForOffer(conversationId)).id });
  return { alice, customer, conversationId, conversationToken };
}

describe("a resume cut short", () => {
  it("a rep's client holds the seq of the last event it got, and a resume from it brings the rest", async () => {
    await start();
    const { alice, customer, conversationId } = await chatting();
    const away = { lastSeq: alice.client.lastSeq!, epoch: alice.client.epoch! };
    await alice.close();
    const texts = ["one", "two", "three", "four"];
    for (const text of texts) await customer.request({ type: "send", conversationId, text });

    const { held, welcome } = await resuming({ role: "rep", token: token("alice") }, away);
    await waitFor(() => held.events.some((e) => e.frame === welcome.seq && e.held === welcome.seq), "the replay's end");
    // Until the replay's last frame the client holds the seq of what it got, never the welcome's.
    expect(held.welcome).toBe(away.lastSeq);
    const firstMessage = held.events.find((e) => e.texts.includes("one"))!;
    expect(firstMessage.held).toBe(firstMessage.frame);
    expect(firstMessage.frame).toBeLessThan(welcome.seq);

    // Cut right after the first missed event: a client resuming from what it held then gets the other three.
    const { back: again } = await resuming(
      { role: "rep", token: token("alice") },
      { lastSeq: firstMessage.held, epoch: away.epoch },
    );
    for (const text of texts.slice(1)) await again.waitForText(conversationId, text);
    expect(again.texts(conversationId)).toEqual(texts.slice(1));
  });

  it("a customer's resume ends with a frame at the welcome's seq, which the client then holds", async () => {
    await start();
    const { alice, customer, conversationId, conversationToken } = await chatting();
    const away = { lastSeq: customer.client.lastSeq!, epoch: customer.client.epoch! };
    await customer.close();
    await alice.request({ type: "send", conversationId, text: "Are you there?" });
    await alice.request({ type: "send", conversationId, text: "Take your time." });

    const { back, held, welcome } = await resuming({ role: "customer", conversationToken }, away);
    await waitFor(() => held.events.find((e) => e.frame === welcome.seq), "the frame at the welcome's seq");
    expect(held.welcome).toBe(away.lastSeq);
    const last = held.events.at(-1)!;
    expect(last).toEqual({ frame: welcome.seq, held: welcome.seq, texts: [] });
    expect(back.events.at(-1)!.changes).toEqual([]);
    expect(back.texts(conversationId)).toEqual(["Are you there?", "Take your time."]);
  });
});
