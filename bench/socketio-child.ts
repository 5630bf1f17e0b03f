// The peer of the socketio-peer benchmark: one node of a chat relay built the way a Node team would build it —
// Socket.IO, with the Redis Streams adapter so that a message reaches a room's members on every node. A client joins
// its conversation's room; a message is sent to the room's other members (at most once, kept nowhere) and acked.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { createClient } from "redis";
import { Server } from "socket.io";
import { cpuMicros, serveRpc } from "./lib.js";

export interface PeerMessage {
  room: string;
  text: string;
  /** The sender's clock (performance.timeOrigin + now), ms: the receiver, in the same process, takes the latency. */
  at: number;
}

let io: Server | null = null;
let redis: ReturnType<typeof createClient> | null = null;

async function start(params: { redisUrl: string }): Promise<{ url: string }> {
  redis = createClient({ url: params.redisUrl });
  await redis.connect();
  const http = createServer();
  io = new Server(http, { adapter: createAdapter(redis), transports: ["websocket"], serveClient: false });
  io.on("connection", (socket) => {
    socket.on("join", (room: string, ack?: () => void) => {
      void socket.join(room);
      ack?.();
    });
    socket.on("message", (message: PeerMessage, ack?: () => void) => {
      socket.to(message.room).emit("message", message);
      ack?.();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

serveRpc({
  start: (params: { redisUrl: string }) => start(params),
  usage: () => ({ cpu: cpuMicros() }),
  stop: async () => {
    await new Promise<void>((resolve) => (io ? io.close(() => resolve()) : resolve()));
    await redis?.quit().catch(() => undefined);
  },
});
