// cluster: built `cc-agent server` nodes on one Postgres database (a throwaway cluster started for the run, fsync on).
//   Failover — 3 nodes under a light traffic loop (cluster-failover.ts); the leader killed with -9 and restarted, N
//     times: ms from the kill to the first send acknowledged whose attempt went out after it; then, over the whole run,
//     acknowledged messages missing from the threads read back, duplicates, double assignments, offers left without an
//     outcome (accepted or ended; read again for up to 10 s after the traffic stopped). Then the leader
//     frozen (SIGSTOP) until another node leads, woken (SIGCONT): the time to its replacement, and the event rows its
//     connections wrote after it woke (a trigger records the writer of every row).
//   Scale-out — the relay load (load-generator.ts) with its clients spread over the two followers of a 3-node cluster
//     against the same load on one node alone (a 1-node cluster on Postgres): the leader's CPU per message sent
//     (/proc/<pid>/stat); and the 3-node cluster's saturated deliveries/s against the relay bench's single node on
//     SQLite and against the Socket.IO + Redis Streams peer on two nodes (socketio-peer.ts), the three in turn.
//   Through a follower — p99 from a customer's message to the rep's socket with both on one follower, at 2,000
//     messages/s, beside the single SQLite node at the same rate.
import { startPostgres } from "../test/helpers/postgres.js";
import type { PostgresCluster } from "../test/helpers/postgres.js";
import { FailoverTraffic, doubleAssignments, offersWithoutOutcome } from "./cluster-failover.js";
import { ClusterRig } from "./cluster-rig.js";
import { Child, checkLoad, cpuPinning, fmt, median, percentile, sleep, spread, table } from "./lib.js";
import type { BenchContext, Row, Section } from "./lib.js";
import type { SetupParams, TrialResult } from "./load-generator.js";
import { repToken } from "./orgs.js";
import { processCpu, startSocketioPeer } from "./socketio-peer.js";
import type { SocketioPeer } from "./socketio-peer.js";
import type { RelayRig } from "./targets.js";

interface KillTrial {
  killed: number;
  newLeader: number;
  /** ms from the kill to /healthz naming the new leader. */
  healthzMs: number;
  /** ms from the kill to the first acknowledged send whose attempt went out after it. */
  ackMs: number;
}

interface FailoverResult {
  kills: KillTrial[];
  frozen: { replacedMs: number; heldMs: number; writesAfterWake: number; roleAfterWake: string; stuck: string };
  lost: number;
  duplicates: number;
  doubleAssigned: number;
  assigned: number;
  /** Offers in the log without an outcome (accepted or ended) once the traffic stopped, of `offers`. */
  openOffers: number;
  offers: number;
  acked: number;
  abandoned: number;
  messages: number;
  started: number;
}

async function failover(ctx: BenchContext, postgres: PostgresCluster): Promise<FailoverResult> {
  const kills = ctx.smoke ? 2 : 10;
  const conversations = 3;
  const rig = await ClusterRig.start(
    ctx.tmp,
    await postgres.createDatabase(),
    3,
    { reps: conversations, capacity: 50 },
    null,
  );
  let traffic: FailoverTraffic | null = null;
  try {
    await rig.recordWrites();
    // ~20 messages/s in each conversation: light traffic, always something in flight when the leader dies.
    traffic = await FailoverTraffic.start(rig, conversations, 50);
    const trials: KillTrial[] = [];
    for (let k = 0; k < kills; k++) {
      const leader = await rig.waitLeader(null, 15_000);
      await traffic.online(30_000);
      // Traffic flows through the settled cluster for a while, and a conversation starts on a follower.
      await traffic.startOne((leader + 1) % rig.nodes.length);
      await sleep(ctx.smoke ? 300 : 1_000);
      const t0 = performance.now();
      await rig.kill(leader);
      const [newLeader, ackMs] = await Promise.all([
        rig.waitLeader(leader, 15_000).then((i) => ({ i, ms: performance.now() - t0 })),
        traffic.firstAckAfter(t0, 15_000),
      ]);
      trials.push({ killed: leader, newLeader: newLeader.i, healthzMs: newLeader.ms, ackMs });
      ctx.log(
        `  kill ${k + 1}/${kills}: node ${leader} killed, node ${newLeader.i} leads on /healthz after ${fmt(newLeader.ms)} ms, first ack after ${fmt(ackMs)} ms`,
      );
      await rig.startNode(leader);
      await rig.waitRole(leader, "follower", 30_000);
    }

    // Frozen: SIGSTOP until another node leads, a second more, then SIGCONT.
    const leader = await rig.waitLeader(null, 15_000);
    await traffic.online(30_000);
    await sleep(ctx.smoke ? 300 : 1_000);
    const frozenApp = rig.nodes[leader]!.app;
    const t0 = performance.now();
    rig.signal(leader, "SIGSTOP");
    // Not replaced within 30 s: the figure says so (Infinity) with what the nodes said, and the run goes on.
    let stuck = "";
    const replacement = await rig.waitLeader(leader, 30_000).catch((error: unknown) => {
      stuck = `${(error as Error).message}; logs: ${rig.nodes.map((_, i) => `node ${i}: ${rig.stderrTail(i, 3)}`).join("; ")}`;
      ctx.log(`  frozen: ${stuck}`);
      return -1;
    });
    const replacedMs = replacement < 0 ? Infinity : performance.now() - t0;
    await sleep(1_000);
    const [markerRow] = await rig.query<{ marker: string }>("SELECT coalesce(max(id), 0) AS marker FROM bench_writes");
    const marker = markerRow?.marker ?? "0";
    const heldMs = performance.now() - t0;
    rig.signal(leader, "SIGCONT");
    ctx.log(
      `  frozen: node ${leader} stopped, node ${replacement} leads after ${fmt(replacedMs)} ms; woken after ${fmt(heldMs)} ms`,
    );
    // It wakes with its requests pending and its writer believing it leads; give it time to try.
    await rig.waitRole(leader, "follower", 30_000).catch(() => undefined);
    await sleep(2_000);
    const roleAfterWake = (await rig.health(leader, 2_000))?.role ?? "no answer";
    const [countRow] = await rig.query<{ count: string }>(
      "SELECT count(*) AS count FROM bench_writes WHERE id > $1 AND app = $2",
      [marker, frozenApp],
    );
    // The attribution holds only if every row's writer is named: a row under another name means the URL's
    // application_name did not reach some connection.
    const [unnamed] = await rig.query<{ count: string }>(
      "SELECT count(*) AS count FROM bench_writes WHERE app NOT LIKE 'bench-n%'",
    );
    if (Number(unnamed?.count ?? 0) > 0)
      throw new Error(`${unnamed!.count} event rows written by an unnamed connection`);
    await traffic.online(30_000);
    await traffic.stop();
    const check = await traffic.check();
    const assignments = await doubleAssignments(rig);
    const offers = await offersWithoutOutcome(rig, 10_000);
    return {
      kills: trials,
      frozen: { replacedMs, heldMs, writesAfterWake: Number(countRow?.count ?? NaN), roleAfterWake, stuck },
      lost: check.lost,
      duplicates: check.duplicates,
      doubleAssigned: assignments.double,
      assigned: assignments.assigned,
      openOffers: offers.open,
      offers: offers.offers,
      acked: traffic.acked.size,
      abandoned: traffic.abandoned,
      messages: check.messages,
      started: traffic.started,
    };
  } finally {
    if (traffic) await traffic.stop().then(() => traffic!.close());
    await rig.stop();
  }
}

type Trial = TrialResult & { leaderCpu: number };

/** A load-generator trial with the CPU µs `pid` used meanwhile. */
async function measured(lg: Child, pid: number, method: "rateTrial" | "saturate", params: unknown): Promise<Trial> {
  const before = processCpu(pid);
  const result = await lg.call<TrialResult>(method, params, 300_000);
  return { ...result, leaderCpu: processCpu(pid) - before };
}

const perMessage = (t: Trial) => t.leaderCpu / Math.max(1, t.sent);

export async function clusterBench(ctx: BenchContext, relay: RelayRig): Promise<Section> {
  const warmupMs = ctx.smoke ? 100 : 500;
  const durationMs = ctx.smoke ? 300 : 2500;
  const pairs = ctx.smoke ? 1 : 3;
  const cpuRate = ctx.smoke ? 200 : 2_000;
  const followerRate = ctx.smoke ? 200 : 2_000;
  const { customers, reps } = relay;
  const capacity = Math.ceil(customers / reps);
  const cpus = cpuPinning();
  const postgres = await startPostgres({ durable: true });
  const children: Child[] = [];
  const rigs: ClusterRig[] = [];
  let peer: SocketioPeer | null = null;
  try {
    const fail = await failover(ctx, postgres);

    // Scale-out and through a follower: reps 0…R-1 for the spread load, R…2R-1 for the follower's own load; each
    // set's customers fill exactly its reps' capacity, so nobody's conversation lands on another set's rep.
    const three = await ClusterRig.start(
      ctx.tmp,
      await postgres.createDatabase(),
      3,
      { reps: 2 * reps, capacity },
      cpus.server,
    );
    rigs.push(three);
    const one = await ClusterRig.start(ctx.tmp, await postgres.createDatabase(), 1, { reps, capacity }, cpus.server);
    rigs.push(one);
    const lg = () => {
      const child = Child.start("load-generator.js", { name: "load-generator(cluster)", cpus: cpus.generator });
      children.push(child);
      return child;
    };
    const tokens = (from: number, count: number) => Array.from({ length: count }, (_, i) => repToken(from + i));
    const setup = (child: Child, params: SetupParams) => child.call<{ ms: number }>("setup", params, 600_000);
    const spreadLg = lg();
    const half = reps / 2;
    const t = performance.now();
    await setup(spreadLg, { url: three.nodes[1]!.url, repTokens: tokens(0, half), customers: half * capacity });
    await setup(spreadLg, {
      url: three.nodes[2]!.url,
      repTokens: tokens(half, reps - half),
      customers: customers - half * capacity,
    });
    const followerLg = lg();
    await setup(followerLg, { url: three.nodes[1]!.url, repTokens: tokens(reps, reps), customers });
    const singleLg = lg();
    await setup(singleLg, { url: one.nodes[0]!.url, repTokens: tokens(0, reps), customers });
    ctx.log(`  ${customers} customers and ${reps} reps connected thrice (${fmt(performance.now() - t)} ms)`);
    const sqlite = await relay.get("cc-durable");
    // The Socket.IO + Redis Streams peer on two nodes, under the same load (socketio-peer.ts), for the side-by-side row.
    peer = await startSocketioPeer(ctx, { customers, reps });
    await peer.saturate(0, warmupMs * 2);
    const leaderPid = three.pid(0);
    const singlePid = one.pid(0);

    // Warm-up, discarded.
    for (const child of [spreadLg, followerLg, singleLg])
      await child.call("rateTrial", { rate: cpuRate, warmupMs: 0, durationMs: warmupMs * 2 }, 300_000);

    const cpuTrials: { single: Trial; spread: Trial; busy: boolean }[] = [];
    const satTrials: { sqlite: TrialResult; cluster: Trial; peer: number; busy: boolean }[] = [];
    const followerTrials: { sqlite: TrialResult; follower: Trial; busy: boolean }[] = [];
    for (let i = 0; i < pairs; i++) {
      const a = await checkLoad();
      const single = await measured(singleLg, singlePid, "rateTrial", { rate: cpuRate, warmupMs, durationMs });
      const b = await checkLoad();
      const spreadOut = await measured(spreadLg, leaderPid, "rateTrial", { rate: cpuRate, warmupMs, durationMs });
      cpuTrials.push({ single, spread: spreadOut, busy: a.busy || b.busy });
      ctx.log(
        `  leader CPU ${i + 1}/${pairs} at ${cpuRate}/s: single node ${fmt(perMessage(single))} µs/message · 3 nodes, clients on the followers ${fmt(perMessage(spreadOut))} µs/message (p99 ${fmt(single.p99)} / ${fmt(spreadOut.p99)} ms)`,
      );
    }
    for (let i = 0; i < pairs; i++) {
      const a = await checkLoad();
      await sqlite.settle();
      const base = await sqlite.trial("saturate", { window: 1, warmupMs, durationMs });
      const b = await checkLoad();
      const cluster = await measured(spreadLg, leaderPid, "saturate", { window: 1, warmupMs, durationMs });
      const c = await checkLoad();
      const peerTrial = await peer.saturate(warmupMs, durationMs);
      satTrials.push({ sqlite: base, cluster, peer: peerTrial.achieved, busy: a.busy || b.busy || c.busy });
      ctx.log(
        `  saturation ${i + 1}/${pairs}: SQLite node ${fmt(base.achieved)}/s · 3-node cluster ${fmt(cluster.achieved)}/s · Socket.IO peer ${fmt(peerTrial.achieved)}/s`,
      );
    }
    for (let i = 0; i < pairs; i++) {
      const a = await checkLoad();
      await sqlite.settle();
      const base = await sqlite.trial("rateTrial", { rate: followerRate, warmupMs, durationMs });
      const b = await checkLoad();
      const follower = await measured(followerLg, leaderPid, "rateTrial", { rate: followerRate, warmupMs, durationMs });
      followerTrials.push({ sqlite: base, follower, busy: a.busy || b.busy });
      ctx.log(
        `  through a follower ${i + 1}/${pairs} at ${followerRate}/s: SQLite node p99 ${fmt(base.p99)} ms · follower p99 ${fmt(follower.p99)} ms (achieved ${fmt(follower.achieved)}/s, lost ${follower.lost})`,
      );
    }
    return report(ctx, fail, cpuTrials, satTrials, followerTrials, {
      pairs,
      cpuRate,
      followerRate,
      customers,
      reps,
      warmupMs,
      durationMs,
    });
  } finally {
    for (const child of children) {
      await child.call("close", null, 10_000).catch(() => undefined);
      await child.stop();
    }
    await peer?.stop();
    for (const rig of rigs) await rig.stop();
    postgres.stop();
  }
}

function report(
  ctx: BenchContext,
  fail: FailoverResult,
  cpuTrials: { single: Trial; spread: Trial; busy: boolean }[],
  satTrials: { sqlite: TrialResult; cluster: Trial; peer: number; busy: boolean }[],
  followerTrials: { sqlite: TrialResult; follower: Trial; busy: boolean }[],
  s: {
    pairs: number;
    cpuRate: number;
    followerRate: number;
    customers: number;
    reps: number;
    warmupMs: number;
    durationMs: number;
  },
): Section {
  const acks = fail.kills.map((k) => k.ackMs);
  const p50 = percentile(acks, 50);
  const p99 = percentile(acks, 99);
  const list = (values: number[], unit = "") => values.map((v) => fmt(v)).join(", ") + unit;
  const cpuRatios = cpuTrials.map((t) => perMessage(t.spread) / perMessage(t.single));
  const satRatios = satTrials.map((t) => t.cluster.achieved / t.sqlite.achieved);
  const peerRatios = satTrials.map((t) => t.cluster.achieved / t.peer);
  const followerP99 = median(followerTrials.map((t) => t.follower.p99));
  const load = `${s.customers.toLocaleString("en-US")} customers, ${s.reps} reps`;
  const counts = `over ${fail.kills.length} kills and a freeze: ${fail.acked} sends acknowledged, ${fail.abandoned} given up, ${fail.messages} messages read back, ${fail.assigned} assignments, ${fail.offers} offers, ${fail.started} conversations started mid-run`;
  const zero = (id: string, figure: string, value: number): Row => ({
    id,
    bench: "cluster",
    figure,
    baseline: null,
    ours: value,
    unit: "",
    ratio: null,
    goal: "0",
    met: value === 0,
    busy: false,
    note: counts,
  });
  const rows: Row[] = [
    {
      id: "cluster-failover-p99",
      bench: "cluster",
      figure: `kill -9 of the leader → first send acknowledged by the new leader, p99 of ${fail.kills.length} kills (3 nodes on Postgres, light traffic)`,
      baseline: null,
      ours: p99,
      unit: "ms",
      ratio: null,
      goal: "≤ 2,000 ms",
      met: p99 <= 2_000,
      busy: false,
      spread: spread(acks, " ms"),
      note: `every kill: ${list(acks, " ms")}; /healthz named the new leader after ${list(
        fail.kills.map((k) => k.healthzMs),
        " ms",
      )}`,
    },
    {
      id: "cluster-failover-p50",
      bench: "cluster",
      figure: `kill -9 of the leader → first send acknowledged by the new leader, p50 of ${fail.kills.length} kills`,
      baseline: null,
      ours: p50,
      unit: "ms",
      ratio: null,
      goal: "—",
      met: null,
      busy: false,
    },
    zero("cluster-lost", "acknowledged messages missing from the threads read back", fail.lost),
    zero("cluster-duplicates", "messages that appear twice in the threads read back", fail.duplicates),
    zero(
      "cluster-double-assigned",
      "conversations assigned to a second rep while a first held them",
      fail.doubleAssigned,
    ),
    zero("cluster-offers-open", "offers left without an outcome (accepted or ended)", fail.openOffers),
    {
      id: "cluster-frozen",
      bench: "cluster",
      figure: "frozen leader (SIGSTOP) → another node leads on /healthz",
      baseline: null,
      ours: fail.frozen.replacedMs,
      unit: "ms",
      ratio: null,
      goal: "≤ 10,000 ms",
      met: fail.frozen.replacedMs <= 10_000,
      busy: false,
      note: `woken (SIGCONT) after ${fmt(fail.frozen.heldMs)} ms; its role 2 s after: ${fail.frozen.roleAfterWake}${fail.frozen.stuck ? `; not replaced: ${fail.frozen.stuck}` : ""}`,
    },
    zero(
      "cluster-frozen-writes",
      "event rows the frozen leader's connections wrote after it woke",
      fail.frozen.writesAfterWake,
    ),
    {
      id: "cluster-leader-cpu",
      bench: "cluster",
      figure: `leader CPU per message at ${s.cpuRate.toLocaleString("en-US")}/s, clients on the two followers (${load}; baseline: the same load on one node alone, Postgres)`,
      baseline: median(cpuTrials.map((t) => perMessage(t.single))),
      ours: median(cpuTrials.map((t) => perMessage(t.spread))),
      unit: "µs",
      ratio: median(cpuRatios),
      goal: "≤ 0.5×",
      met: median(cpuRatios) <= 0.5,
      busy: cpuTrials.some((t) => t.busy),
      spread: spread(cpuRatios, "×"),
      note: `per pair, single / leader µs: ${cpuTrials.map((t) => `${fmt(perMessage(t.single))} / ${fmt(perMessage(t.spread))}`).join("; ")}`,
    },
    {
      id: "cluster-throughput",
      bench: "cluster",
      figure: `sustainable deliveries/s, 3 nodes on Postgres with the clients on the two followers (${load}, closed loop; baseline: the relay bench's single node on SQLite)`,
      baseline: median(satTrials.map((t) => t.sqlite.achieved)),
      ours: median(satTrials.map((t) => t.cluster.achieved)),
      unit: "/s",
      ratio: median(satRatios),
      goal: "—",
      met: null,
      busy: satTrials.some((t) => t.busy),
      spread: spread(satRatios, "×"),
      note: `per pair, SQLite / cluster: ${satTrials.map((t) => `${fmt(t.sqlite.achieved)} / ${fmt(t.cluster.achieved)}`).join("; ")} /s`,
    },
    {
      id: "cluster-vs-socketio",
      bench: "cluster",
      figure: `sustainable deliveries/s, 3 nodes on Postgres with the clients on the two followers (${load}, closed loop; baseline: Socket.IO + Redis Streams adapter on two nodes, the same load)`,
      baseline: median(satTrials.map((t) => t.peer)),
      ours: median(satTrials.map((t) => t.cluster.achieved)),
      unit: "/s",
      ratio: median(peerRatios),
      goal: "≥ 1×",
      met: median(peerRatios) >= 1,
      busy: satTrials.some((t) => t.busy),
      spread: spread(peerRatios, "×"),
      note: `per trial, peer / cluster: ${satTrials.map((t) => `${fmt(t.peer)} / ${fmt(t.cluster.achieved)}`).join("; ")} /s (SQLite node, cluster and peer in turn)`,
    },
    {
      id: "cluster-follower-p99",
      bench: "cluster",
      figure: `p99 customer → rep socket at ${s.followerRate.toLocaleString("en-US")} messages/s, both on one follower (${load}; baseline: single SQLite node at the same rate)`,
      baseline: median(followerTrials.map((t) => t.sqlite.p99)),
      ours: followerP99,
      unit: "ms",
      ratio: followerP99 / median(followerTrials.map((t) => t.sqlite.p99)),
      goal: "≤ 25 ms",
      met: followerP99 <= 25 && followerTrials.every((t) => t.follower.achieved >= 0.95 * t.follower.offered),
      busy: followerTrials.some((t) => t.busy),
      spread: spread(
        followerTrials.map((t) => t.follower.p99),
        " ms",
      ),
      note: `follower per trial: ${followerTrials.map((t) => `p99 ${fmt(t.follower.p99)} ms, ${fmt(t.follower.achieved)}/s, lost ${t.follower.lost}`).join("; ")}`,
    },
  ];
  const details = [
    `### cluster: failover (3 \`cc-agent server\` nodes on one Postgres database, fsync on; ${fail.kills.length} kills, then a freeze)`,
    "",
    "Three conversations, each customer on one node and its rep on the next, send in turn (~20 messages/s each), every send retried with its clientId until acknowledged; a conversation starts on a follower before each kill. " +
      "*First ack* is from the kill to the first acknowledged send whose attempt went out after the kill; */healthz* is from the kill to another node answering `role: leader, ready`. " +
      `The killed node is started again and is a follower before the next kill. ${counts}.`,
    "",
    table(
      ["kill", "node killed", "new leader", "/healthz ms", "first ack ms"],
      fail.kills.map((k, i) => [i + 1, k.killed, k.newLeader, fmt(k.healthzMs), fmt(k.ackMs)]),
    ),
    "",
    `Frozen leader: another node led after ${fmt(fail.frozen.replacedMs)} ms; woken after ${fmt(fail.frozen.heldMs)} ms; ${fail.frozen.writesAfterWake} event rows written by its connections after it woke (a trigger on \`events\` records each row's writer); its role 2 s later: ${fail.frozen.roleAfterWake}. ` +
      `Lost ${fail.lost}, duplicates ${fail.duplicates}, double assignments ${fail.doubleAssigned}, offers without an outcome ${fail.openOffers} (read up to 10 s after the traffic stopped).`,
    "",
    `### cluster: scale-out and through a follower (${load}; ${s.durationMs / 1000} s measured after ${s.warmupMs / 1000} s)`,
    "",
    `Nodes pinned as the relay's server is (${cpuPinning().note}); Postgres runs anywhere. Leader CPU is the leader process's utime + stime (/proc) per message sent.`,
    "",
    table(
      [
        "pair",
        "single node µs/msg",
        "leader µs/msg (clients on followers)",
        "ratio",
        "SQLite node deliveries/s",
        "cluster deliveries/s",
        "Socket.IO peer deliveries/s",
        "SQLite p99 ms",
        "follower p99 ms",
        "follower achieved /s",
        "busy",
      ],
      cpuTrials.map((t, i) => [
        i + 1,
        fmt(perMessage(t.single)),
        fmt(perMessage(t.spread)),
        `${fmt(cpuRatios[i]!)}×`,
        fmt(satTrials[i]?.sqlite.achieved ?? null),
        fmt(satTrials[i]?.cluster.achieved ?? null),
        fmt(satTrials[i]?.peer ?? null),
        fmt(followerTrials[i]?.sqlite.p99 ?? null),
        fmt(followerTrials[i]?.follower.p99 ?? null),
        fmt(followerTrials[i]?.follower.achieved ?? null),
        t.busy || satTrials[i]?.busy || followerTrials[i]?.busy ? "busy" : "",
      ]),
    ),
    "",
  ];
  ctx.log(
    `  failover: ${counts}; lost ${fail.lost}, duplicates ${fail.duplicates}, double ${fail.doubleAssigned}, offers open ${fail.openOffers}`,
  );
  return { rows, details };
}
