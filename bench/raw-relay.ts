// The baseline of the relay benchmark: a plain `ws` server that relays the same frames with the same fan-out as
// the routing server, and nothing else — no validation beyond JSON.parse, no routing policy, no store, no masking,
// no sentiment, no per-viewer views. It speaks just enough of protocol v1 for the same load generator: hello →
// welcome, presence → ack, start → ack + an offer to the next rep (round robin), accept → ack, send → the message
// event to the other side and back to the sender (as the routing server echoes it), then the ack; close → the pair
// forgotten, then the ack.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import type { WebSocket } from "ws";
import { MAX_FRAME_BYTES } from "../src/protocol/messages.js";

interface Peer {
  ws: WebSocket;
  role: "rep" | "customer" | null;
  repId: string | null;
}

interface Pair {
  customer: Peer;
  rep: Peer | null;
}

export interface RawRelay {
  url: string;
  close(): Promise<void>;
}

export async function startRawRelay(options: { tokens: Map<string, string> }): Promise<RawRelay> {
  const http = createServer((_request, response) => {
    response.writeHead(404);
    response.end();
  });
  const wss = new WebSocketServer({ server: http, path: "/ws", maxPayload: MAX_FRAME_BYTES });
  const reps: Peer[] = [];
  const pairs = new Map<string, Pair>();
  let seq = 0;
  let conversations = 0;
  let offers = 0;
  let messages = 0;
  let nextRep = 0;

  const send = (peer: Peer, frame: string) => {
    if (peer.ws.readyState === peer.ws.OPEN) peer.ws.send(frame);
  };
  const ack = (peer: Peer, reqId: string, result?: Record<string, unknown>) =>
    send(peer, JSON.stringify(result ? { type: "ack", reqId, result } : { type: "ack", reqId }));

  wss.on("connection", (ws) => {
    const peer: Peer = { ws, role: null, repId: null };
    ws.on("error", () => undefined);
    ws.on("close", () => {
      const index = reps.indexOf(peer);
      if (index >= 0) reps.splice(index, 1);
    });
    ws.on("message", (data) => {
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        return;
      }
      const reqId = typeof frame.reqId === "string" ? frame.reqId : "";
      const at = Date.now();
      switch (frame.type) {
        case "hello": {
          const role = frame.role === "customer" ? "customer" : "rep";
          peer.role = role;
          if (role === "rep") {
            peer.repId = options.tokens.get(String(frame.token)) ?? "unknown";
            reps.push(peer);
          }
          const snapshot = { org: null, me: null, users: [], conversations: [], customerConversations: [], offers: [] };
          send(
            peer,
            JSON.stringify({
              type: "welcome",
              v: 1,
              seq,
              session: { role, userId: peer.repId, name: peer.repId },
              epoch: "relay",
              mode: "snapshot",
              snapshot,
              serverTime: at,
            }),
          );
          return;
        }
        case "presence":
          ack(peer, reqId);
          return;
        case "start": {
          const id = `c${++conversations}`;
          pairs.set(id, { customer: peer, rep: null });
          const rep = reps[nextRep++ % Math.max(1, reps.length)];
          ack(peer, reqId, { conversationId: id, resumed: false, conversationToken: id });
          if (rep) {
            const offer = {
              id: `o${++offers}`,
              conversationId: id,
              kind: "route",
              status: "pending",
              createdAt: at,
              expiresAt: at + 120_000,
              byName: null,
              title: id,
              customerName: id,
              queueName: "General",
              proactive: false,
              arrivedAt: at,
              preview: [],
            };
            send(rep, JSON.stringify({ type: "event", seq: ++seq, at, changes: [{ kind: "offer", offer }] }));
          }
          return;
        }
        case "accept": {
          const id = String(frame.offerId ?? "");
          // The offer names its conversation: o<n> was made for c<n>.
          const conversationId = `c${id.slice(1)}`;
          const pair = pairs.get(conversationId);
          if (pair) pair.rep = peer;
          ack(peer, reqId, { conversationId });
          return;
        }
        case "send": {
          const conversationId = String(frame.conversationId ?? "");
          const pair = pairs.get(conversationId);
          if (!pair || !pair.rep) {
            send(
              peer,
              JSON.stringify({ type: "error", reqId, code: "conversation/not_found", message: "no such conversation" }),
            );
            return;
          }
          const fromCustomer = peer.role === "customer";
          const author = fromCustomer
            ? { role: "customer", name: "Visitor" }
            : { role: "rep", id: peer.repId, name: peer.repId };
          const message: Record<string, unknown> = { id: `m${++messages}`, at, author, text: frame.text };
          if (typeof frame.clientId === "string") message.clientId = frame.clientId;
          const event = JSON.stringify({
            type: "event",
            seq: ++seq,
            at,
            changes: [{ kind: "message", conversationId, message }],
          });
          send(fromCustomer ? pair.rep : pair.customer, event);
          send(peer, event);
          ack(peer, reqId, { conversationId, messageId: message.id });
          return;
        }
        case "close":
          // A rep parks the conversation: a relay keeps nothing of it (the memory benchmark's parked baseline).
          pairs.delete(String(frame.conversationId ?? ""));
          ack(peer, reqId);
          return;
        default:
          if (reqId) ack(peer, reqId);
      }
    });
  });

  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
