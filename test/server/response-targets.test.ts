// Over real WebSockets (issue 14, counters): staff get the workstream's response targets with the org and the
// customer's wait in each conversation view, times on the server's clock; a customer's socket gets neither.
import { describe, expect, it } from "vitest";
import { demoOrgFile } from "../../server/org-file.js";
import type { ServerFrame } from "../../src/protocol/messages.js";
import type { ConversationView } from "../../src/protocol/views.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { serverPerTest } from "../helpers/server.js";
import type { RawSocket } from "../helpers/server.js";
import { waitFor } from "../helpers/ws.js";

const { start, connect, token, raw } = serverPerTest();

async function acked(socket: RawSocket, frame: Record<string, unknown>): Promise<Record<string, unknown>> {
  const from = socket.frames.length;
  socket.sendJson(frame);
  const answer = await socket.waitForFrame(
    (f) => (f.type === "ack" || f.type === "error") && f.reqId === frame.reqId,
    from,
    `the answer to ${String(frame.reqId)}`,
  );
  if (answer.type !== "ack") throw new Error(`${String(frame.reqId)} refused: ${JSON.stringify(answer)}`);
  return answer.result ?? {};
}

function viewsIn(frames: ServerFrame[], id: string): ConversationView[] {
  return frames.flatMap((f) =>
    f.type === "event"
      ? f.changes.flatMap((c) => (c.kind === "conversation" && c.conversation.id === id ? [c.conversation] : []))
      : [],
  );
}

describe("response targets over the wire", () => {
  it("a rep's welcome carries the demo org's targets and the conversation view the customer's wait; the customer's socket neither", async () => {
    const clock = new ManualClock();
    await start({ org: demoOrgFile({ secret: "ab".repeat(32), tokens: {} }), clock });
    const alice = await connect({ role: "rep", token: token("alice") });
    await alice.request({ type: "presence", presence: "available" });
    const rep = await raw({ role: "rep", token: token("alice") });
    const welcome = rep.frames[0]!;
    if (welcome.type !== "welcome") throw new Error("no welcome");
    expect(welcome.snapshot?.org.workstreams.map((w) => [w.id, w.responseTargets])).toEqual([
      ["live", { warnSeconds: 45, alertSeconds: 120, firstResponseSeconds: 90 }],
      ["persistent", { warnSeconds: 900, alertSeconds: 3600, firstResponseSeconds: 1800 }],
    ]);

    const customer = await raw({ role: "customer" });
    const asked = clock.now();
    const started = await acked(customer, { type: "start", reqId: "s1", workstream: "live", text: "Parcel lost" });
    const id = started.conversationId as string;
    const offer = await alice.waitForOffer(id);
    clock.advance(20_000);
    await alice.request({ type: "accept", offerId: offer.id });
    await waitFor(() => alice.conversations.get(id)?.state === "active", "active");
    expect(alice.conversations.get(id)).toMatchObject({ customerWaitingSince: asked, firstResponseAt: null });

    clock.advance(10_000);
    const answered = clock.now();
    await alice.request({ type: "send", conversationId: id, text: "Let me look into it" });
    await customer.waitForFrame((f) => JSON.stringify(f).includes("Let me look into it"), 0, "the answer");
    // The next view (Alice ends it) says the wait is over, and when the first answer came.
    await alice.request({ type: "end", conversationId: id });
    await waitFor(() => viewsIn(rep.frames, id).some((v) => v.state === "wrapup"), "the wrap-up view");
    expect(viewsIn(rep.frames, id).at(-1)).toMatchObject({ customerWaitingSince: null, firstResponseAt: answered });

    for (const frame of customer.frames) {
      expect(JSON.stringify(frame)).not.toContain("responseTargets");
      expect(JSON.stringify(frame)).not.toContain("customerWaitingSince");
    }
  });
});
