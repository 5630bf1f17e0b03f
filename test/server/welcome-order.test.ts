// A client that sends its hello and a request in one write (a pipelining client, or a reconnect flushing its queue):
// the welcome comes first, then the events it missed, then the answer to its request. The welcome is read from the
// store asynchronously, and the request waits for it. Real server, real data file, one TCP write for both frames.
import { beforeEach, describe, expect, it } from "vitest";
import type { Socket } from "node:net";
import type { ServerFrame } from "../../src/protocol/messages.js";
import { serverPerTest } from "../helpers/server.js";
import type { RawSocket } from "../helpers/server.js";

const fixture = serverPerTest();
const { start, connect, token, raw } = fixture;

beforeEach(async () => {
  await start({ dataFile: fixture.dataFile() });
});

/** Both frames leave in one write, so that the server reads them in one go. */
async function pipelined(frames: Record<string, unknown>[]): Promise<RawSocket> {
  const socket = await raw();
  const tcp = (socket.ws as unknown as { _socket: Socket })._socket;
  tcp.cork();
  for (const frame of frames) socket.sendJson(frame);
  tcp.uncork();
  return socket;
}

/** The message texts a frame carries, alone or in a conversation sent whole. */
function messageTexts(frame: ServerFrame): string[] {
  if (frame.type !== "event") return [];
  return frame.changes.flatMap((change) => {
    if (change.kind === "message") return [change.message.text];
    if (change.kind === "conversation") return (change.conversation.messages ?? []).map((m) => m.text);
    return [];
  });
}

describe("a hello and a request in one write", () => {
  it("a resuming rep gets the welcome, then the messages missed, then the answer to the request", async () => {
    const alice = await connect({ role: "rep", token: token("alice") });
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect({ role: "customer" });
    const conversationId = (await customer.request({ type: "start", workstream: "live", text: "hello" }))
      .conversationId as string;
    const offer = await alice.waitForOffer(conversationId);
    await alice.request({ type: "accept", offerId: offer.id });
    const lastSeq = alice.client.lastSeq!;
    const epoch = alice.welcome!.epoch;
    await alice.close();
    await customer.request({ type: "send", conversationId, text: "missed one", clientId: "m1" });
    await customer.request({ type: "send", conversationId, text: "missed two", clientId: "m2" });

    const socket = await pipelined([
      { type: "hello", v: 1, role: "rep", token: token("alice"), lastSeq, epoch },
      { type: "send", reqId: "r1", conversationId, text: "sorry, I am back", clientId: "a1" },
    ]);
    await socket.waitForFrame((f) => f.type === "ack" && f.reqId === "r1", 0, "the answer to the send");
    await socket.waitForFrame((f) => messageTexts(f).includes("sorry, I am back"), 0, "the rep's own message");

    const frames = socket.frames;
    expect(frames[0]).toMatchObject({ type: "welcome", mode: "resume", epoch });
    const missed = frames.findIndex((f) => messageTexts(f).includes("missed two"));
    const answered = frames.findIndex((f) => f.type === "ack" && f.reqId === "r1");
    expect(frames.findIndex((f) => messageTexts(f).includes("missed one"))).toBeGreaterThan(0);
    expect(missed).toBeGreaterThan(0);
    expect(answered).toBeGreaterThan(missed);
    await customer.waitForText(conversationId, "sorry, I am back");
  });
});
