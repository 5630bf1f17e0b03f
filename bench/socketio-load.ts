// The load generator of the socketio-peer benchmark: the relay benchmark's load (customers and reps, one conversation
// per customer, closed loop: every conversation ping-pongs one ~200-byte message at a time) spoken in Socket.IO to
// two peer nodes. Clients are spread over both nodes, as a load balancer would spread them: half the conversations
// have their customer and rep on different nodes, so those messages cross Redis.
import { io as connect } from "socket.io-client";
import type { Socket } from "socket.io-client";
import { cpuMicros, percentile, serveRpc } from "./lib.js";
import { messageText } from "./orgs.js";
import type { PeerMessage } from "./socketio-child.js";

let customers: Socket[] = [];
let reps: Socket[] = [];
let repOf: Socket[] = [];

function open(url: string): Promise<Socket> {
  const socket = connect(url, { transports: ["websocket"], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

async function setup(params: { urls: [string, string]; customers: number; reps: number }): Promise<{ ms: number }> {
  const t = performance.now();
  reps = await Promise.all(Array.from({ length: params.reps }, (_, r) => open(params.urls[r % 2]!)));
  customers = [];
  repOf = [];
  for (let i = 0; i < params.customers; i++) {
    const customer = await open(params.urls[Math.floor(i / params.reps) % 2]!);
    const rep = reps[i % params.reps]!;
    const room = `c${i}`;
    await Promise.all([customer.emitWithAck("join", room), rep.emitWithAck("join", room)]);
    customers.push(customer);
    repOf.push(rep);
  }
  return { ms: Math.round(performance.now() - t) };
}

const now = () => performance.timeOrigin + performance.now();

/** Closed loop for warmupMs + durationMs: every delivery is answered by its receiver; deliveries counted after the warm-up. */
async function saturate(params: { warmupMs: number; durationMs: number }): Promise<{
  achieved: number;
  p50: number;
  p99: number;
  /** Sent but never received (after up to 10 s). */
  lost: number;
  sent: number;
  lgCpu: number;
}> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const measureFrom = start + params.warmupMs;
  const end = measureFrom + params.durationMs;
  let delivered = 0;
  let received = 0;
  let sent = 0;
  let n = 0;
  const latencies: number[] = [];
  const send = (socket: Socket, role: "C" | "R", index: number) => {
    sent++;
    socket.emit("message", {
      room: `c${index}`,
      text: messageText(role, 0, index, ++n),
      at: now(),
    } satisfies PeerMessage);
  };
  const onMessage = (role: "C" | "R", socket: Socket) => (message: PeerMessage) => {
    const t = performance.now();
    received++;
    if (t >= measureFrom && t < end) {
      delivered++;
      latencies.push(now() - message.at);
    }
    if (t < end) send(socket, role, Number(message.room.slice(1)));
  };
  const listeners: [Socket, (message: PeerMessage) => void][] = [];
  for (const socket of customers) listeners.push([socket, onMessage("C", socket)]);
  for (const socket of reps) listeners.push([socket, onMessage("R", socket)]);
  for (const [socket, listener] of listeners) socket.on("message", listener);
  customers.forEach((socket, i) => send(socket, "C", i));
  await new Promise((resolve) => setTimeout(resolve, end - performance.now()));
  // The messages still in flight land before the next trial starts (a few may never: the fan-out is at most once).
  const drained = performance.now() + 10_000;
  while (received < sent && performance.now() < drained) await new Promise((resolve) => setTimeout(resolve, 20));
  for (const [socket, listener] of listeners) socket.off("message", listener);
  return {
    achieved: (delivered / params.durationMs) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    lost: sent - received,
    sent,
    lgCpu: cpuMicros(cpu),
  };
}

serveRpc({
  setup: (params: { urls: [string, string]; customers: number; reps: number }) => setup(params),
  saturate: (params: { warmupMs: number; durationMs: number }) => saturate(params),
  close: () => {
    for (const socket of [...customers, ...reps]) socket.disconnect();
  },
});
