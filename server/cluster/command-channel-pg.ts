// The command channel of a follower: its clients' commands go to the leader through the shared database. Each
// event-loop turn, the commands submitted are inserted into cc_commands in one statement, which also notifies
// `cc_commands` with the rows (its CommandInbox, server/cluster/command-inbox.ts, runs them). The leader answers a row
// in the very transaction that commits the command's events, with the seq the log ends at, and notifies `cc_outcomes`
// with each concerned node's outcomes (or its name alone when they do not fit: it then reads its answered rows). This
// channel hands an outcome back only once the node's replica has reached that seq: a client is never answered before
// its events are on its node; the rows taken are deleted by the next poll. A poll (every ~1 s) also makes up for
// notifications lost while the listening connection was cut.
import { Listener } from "./listener.js";
import pg from "pg";
import type { Actor, Command } from "../core/model.js";
import type { CommandChannel, CommandOutcome, OutcomeListener } from "../command-channel.js";
import { jsonbText, OUTCOMES_CHANNEL, outcomesPayload, postgresFailure } from "../store/postgres-store.js";

/** The NOTIFY channel a follower signals once its commands are inserted. */
export const COMMANDS_CHANNEL = "cc_commands";
/** Postgres refuses a NOTIFY payload of 8,000 bytes or more. */
const MAX_COMMANDS_PAYLOAD = 7_990;

/** How far the node's replica has come: a LogFollowingBus (server/cluster/log-bus.ts) is one. */
export interface ReplicaProgress {
  /** The seq of the last event the replica holds. */
  lastSeq(): number;
  /** Called with the new last seq each time the replica moves on; returns how to stop. */
  onSeq(watcher: (seq: number) => void): () => void;
}

export interface PostgresCommandChannelOptions {
  /** The Postgres URL the store uses: the channel holds a small pool and one LISTEN connection there. */
  url: string;
  /** This node's name (cc_commands.node): the leader's notifications name the nodes whose commands it answered. */
  node: string;
  replica: ReplicaProgress;
  /** A command no leader has answered after this long is refused with server/unavailable (ms, default 5,000). */
  timeoutMs?: number;
  /** How often answered rows and the leader's lease are read when no notification came (ms, default 1,000). */
  pollMs?: number;
  /** How long to wait before listening again after the listening connection was cut (ms, default 200). */
  reconnectMs?: number;
  /** Told of a failed insert, read or cut connection (the channel carries on). */
  onError?: (error: unknown) => void;
}

/** A command submitted and not handed back yet. */
interface Waiting {
  /** Its place among the commands submitted (outcomes go back in this order). */
  n: number;
  actor: Actor;
  command: Command;
  done: OutcomeListener;
  deadline: number;
  /** Its row, once inserted. */
  id: number | null;
  /** Its answer, and the seq the replica must reach before it is handed back. */
  outcome: CommandOutcome | null;
  seq: number;
}

/**
 * One statement, one round trip: the rows inserted in the order submitted (actors and commands passed as one text
 * each, a JSON per line, rather than as arrays node-postgres would escape element by element), and the leader told with the rows
 * themselves (id, actor, command; tab-separated, a line each: jsonb's text has neither raw) so that it need not read
 * them, or with an empty payload when they do not fit in one (it reads them). Committed without waiting for the
 * disk: an unacknowledged command may be lost with the database's last moments, and its client retries.
 */
const INSERT_COMMANDS = `
  WITH inserted AS (
    INSERT INTO cc_commands (node, actor, command)
    SELECT $1, t.actor, t.command
    FROM unnest(string_to_array($2, E'\\n')::jsonb[], string_to_array($3, E'\\n')::jsonb[]) WITH ORDINALITY AS t(actor, command, n)
    ORDER BY t.n RETURNING id, actor, command),
  listed AS (
    SELECT string_agg(id || E'\\t' || actor::text || E'\\t' || command::text, E'\\n' ORDER BY id) AS listing FROM inserted),
  told AS (
    SELECT pg_notify('${COMMANDS_CHANNEL}', CASE WHEN octet_length(listing) < ${MAX_COMMANDS_PAYLOAD} THEN listing ELSE '' END),
      set_config('synchronous_commit', 'off', true)
    FROM listed)
  SELECT id FROM inserted, told ORDER BY id`;

const NO_LEADER = "no node leads the cluster right now (one is being elected)";
const UNREACHABLE = "the database cannot be reached";
const NO_ANSWER = "the leader does not answer";

export class PostgresCommandChannel implements CommandChannel {
  private readonly pool: pg.Pool;
  /** Submitted, in order, until handed back; those with no row yet are also in `toInsert`. */
  private readonly waiting: Waiting[] = [];
  private toInsert: Waiting[] = [];
  private readonly byId = new Map<number, Waiting>();
  /** Rows answered through a notification, to delete at the next poll. */
  private taken: number[] = [];
  private submitted = 0;
  private handedBack = 0;
  private settlers: { n: number; resolve: () => void }[] = [];
  private insertScheduled = false;
  private inserting: Promise<void> | null = null;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  /** Notifications for this node that came while an insert was under way: its rows may be among them. */
  private notifiedDuringInsert = false;
  private listener: Listener | null = null;
  private readonly poll: NodeJS.Timeout;
  private readonly stopWatching: () => void;
  private closed = false;
  /** Why commands cannot reach a leader now (see unavailable()), by cause. */
  private leaderless = false;
  private unreachable = false;
  /** Commands timed out unanswered since the last answer, under the leader's term `term`. */
  private stalled = false;
  private term: number | null = null;

  private constructor(private readonly options: PostgresCommandChannelOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: 2,
      connectionTimeoutMillis: 5_000,
      application_name: "cc-agent commands",
    });
    this.pool.on("error", () => undefined);
    this.pool.on("connect", (client) => client.on("error", () => undefined));
    this.stopWatching = options.replica.onSeq(() => this.handBack());
    this.poll = setInterval(() => void this.tick(), options.pollMs ?? 1_000);
    this.poll.unref();
  }

  /** A channel from node `options.node` to whichever node leads; resolves once it listens for answers. */
  static async open(options: PostgresCommandChannelOptions): Promise<PostgresCommandChannel> {
    const channel = new PostgresCommandChannel(options);
    try {
      channel.listener = await Listener.open({
        url: options.url,
        channel: OUTCOMES_CHANNEL,
        applicationName: "cc-agent outcomes",
        ...(options.reconnectMs === undefined ? {} : { reconnectMs: options.reconnectMs }),
        onNotification: (payload) => channel.notified(payload),
        onListening: () => void channel.read(),
        onError: (error) => channel.failed(error),
      });
      await channel.checkLeader();
    } catch (error) {
      await channel.close();
      throw error;
    }
    return channel;
  }

  /** Queued for the leader; inserted with the others of this event-loop turn. */
  submit(actor: Actor, command: Command, done: OutcomeListener): void {
    if (this.closed) {
      done(refusal("this server is stopping"));
      return;
    }
    const waiting: Waiting = {
      n: ++this.submitted,
      actor,
      command,
      done,
      deadline: Date.now() + (this.options.timeoutMs ?? 5_000),
      id: null,
      outcome: null,
      seq: 0,
    };
    this.waiting.push(waiting);
    this.toInsert.push(waiting);
    this.scheduleInsert();
  }

  /** Resolves once every command submitted before it is handed back (answered, or refused). */
  settle(): Promise<void> {
    const n = this.submitted;
    if (this.handedBack >= n) return Promise.resolve();
    return new Promise((resolve) => this.settlers.push({ n, resolve }));
  }

  /** Why commands cannot reach a leader now, or null. Commands still wait for one until their timeout. */
  unavailable(): string | null {
    if (this.unreachable) return UNREACHABLE;
    if (this.leaderless) return NO_LEADER;
    if (this.stalled) return NO_ANSWER;
    return null;
  }

  // ---- to the leader --------------------------------------------------------------------------------

  private scheduleInsert(): void {
    if (this.insertScheduled || this.closed) return;
    this.insertScheduled = true;
    setImmediate(() => {
      this.insertScheduled = false;
      void this.insert();
    });
  }

  /** Insert what is queued, one batch at a time (so that row ids follow the order of submission). */
  private insert(): Promise<void> {
    if (this.inserting) {
      void this.inserting.then(() => this.scheduleInsert());
      return this.inserting;
    }
    const batch = this.toInsert;
    if (batch.length === 0 || this.closed) return Promise.resolve();
    this.toInsert = [];
    this.notifiedDuringInsert = false;
    this.inserting = this.insertBatch(batch).finally(() => {
      this.inserting = null;
      // The leader may have answered before the ids were known here: read what the notifications said.
      if (this.notifiedDuringInsert) void this.read();
    });
    return this.inserting;
  }

  private async insertBatch(batch: Waiting[]): Promise<void> {
    let ids: number[];
    try {
      ids = (
        await this.pool.query<{ id: string }>(INSERT_COMMANDS, [
          this.options.node,
          batch.map((w) => jsonbText(JSON.stringify(w.actor))).join("\n"),
          batch.map((w) => jsonbText(JSON.stringify(w.command))).join("\n"),
        ])
      ).rows.map((row) => Number(row.id));
    } catch (error) {
      this.failed(error);
      // Refused at once, never inserted again: a failure at COMMIT may hide rows that were inserted after all, and a
      // second insert would run the commands twice. The clients retry (request and client ids make that safe).
      for (const waiting of batch) waiting.outcome ??= refusal(this.unavailable() ?? UNREACHABLE);
      this.handBack();
      return;
    }
    this.unreachable = false;
    // Ids are given in the order of the rows inserted, which is the order of submission.
    batch.forEach((waiting, i) => {
      waiting.id = ids[i]!;
      if (waiting.outcome === null) this.byId.set(waiting.id, waiting);
    });
    // Refused meanwhile (closing): no leader is to run it.
    const dropped = batch.filter((w) => w.outcome !== null).map((w) => w.id!);
    if (dropped.length > 0) await this.withdraw(dropped).catch(() => undefined);
  }

  // ---- from the leader ------------------------------------------------------------------------------

  /**
   * The leader answered commands of this node: the outcomes it carries are taken at once (their rows deleted later,
   * by the poll); a row not known here yet (its insert not back), or a notification that only names this node, is read.
   */
  private notified(payload: string): void {
    const told = outcomesPayload(payload, this.options.node);
    if (told === null || this.closed) return;
    let unknown = told.outcomes.length === 0;
    for (const { id, outcome } of told.outcomes) {
      const waiting = this.byId.get(id);
      if (waiting === undefined) {
        unknown = true;
        continue;
      }
      let parsed: CommandOutcome;
      try {
        parsed = JSON.parse(outcome) as CommandOutcome;
      } catch {
        unknown = true;
        continue;
      }
      this.byId.delete(id);
      this.taken.push(id);
      waiting.outcome = parsed;
      waiting.seq = told.seq;
    }
    if (told.outcomes.length > 0) {
      this.unreachable = false;
      this.stalled = false;
      this.handBack();
    }
    if (!unknown) return;
    if (this.inserting) this.notifiedDuringInsert = true;
    void this.read();
  }

  /** Delete the rows whose outcomes came with a notification (the leader deletes those of nodes that went away). */
  private async deleteTaken(): Promise<void> {
    if (this.taken.length === 0) return;
    const ids = this.taken;
    this.taken = [];
    await this.pool.query("DELETE FROM cc_commands WHERE id = ANY($1::bigint[])", [ids]);
  }

  /** Take this node's answered rows (serialised: a read asked for during one runs after it). */
  private read(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        try {
          await this.readOnce();
        } catch (error) {
          this.failed(error);
        }
      } while (this.readAgain && !this.closed);
      this.reading = null;
    })();
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    const ids = [...this.byId.keys()];
    if (ids.length === 0) return;
    // Deleted as they are taken: the leader's clean-up is left only the rows of nodes that went away.
    const answered = await this.pool.query<{ id: string; outcome: CommandOutcome; seq: string }>(
      "DELETE FROM cc_commands WHERE id = ANY($1::bigint[]) AND outcome IS NOT NULL RETURNING id, outcome, seq",
      [ids],
    );
    this.unreachable = false;
    if (answered.rows.length > 0) this.stalled = false;
    for (const row of answered.rows) {
      const waiting = this.byId.get(Number(row.id));
      if (waiting === undefined) continue;
      this.byId.delete(waiting.id!);
      // Recorded without its events (server/writer/writer.ts): they come through the replica.
      waiting.outcome = row.outcome;
      waiting.seq = Number(row.seq);
    }
    this.handBack();
  }

  /** Hand back, in the order submitted, each answer whose events the replica holds, and each refusal. */
  private handBack(): void {
    const replicaSeq = this.options.replica.lastSeq();
    while (this.waiting.length > 0) {
      const head = this.waiting[0]!;
      if (head.outcome === null || head.seq > replicaSeq) break;
      this.waiting.shift();
      this.handedBack = head.n;
      head.done(head.outcome);
    }
    if (this.waiting.length === 0) this.handedBack = this.submitted;
    const settled = this.settlers.filter((s) => s.n <= this.handedBack);
    if (settled.length === 0) return;
    this.settlers = this.settlers.filter((s) => s.n > this.handedBack);
    for (const settler of settled) settler.resolve();
  }

  /** Every poll: answers whose notification was lost, the leader's lease, commands that waited too long. */
  private async tick(): Promise<void> {
    if (this.closed) return;
    await this.read();
    await this.deleteTaken().catch((error: unknown) => this.failed(error));
    await this.checkLeader().catch((error: unknown) => this.failed(error));
    await this.expire();
  }

  private async checkLeader(): Promise<void> {
    const lease = await this.pool.query<{ live: boolean; term: string }>(
      "SELECT coalesce(node IS NOT NULL AND lease_until > now(), false) AS live, term FROM cc_leader",
    );
    this.unreachable = false;
    const row = lease.rows[0];
    this.leaderless = row?.live !== true;
    // A new leader has not failed to answer yet.
    if (row !== undefined && Number(row.term) !== this.term) this.stalled = false;
    this.term = row === undefined ? null : Number(row.term);
  }

  /**
   * Refuse the commands no leader answered in time. A row still unanswered is deleted first, so that no leader runs
   * it after its client was told it was not done; one answered meanwhile is taken by the next read instead (a leader
   * answering holds the row's lock until it commits, so the delete waits for it). One window stays: a leader that
   * decided the command but has not reached its commit yet still commits its events, with no row left to answer.
   */
  private async expire(): Promise<void> {
    const now = Date.now();
    // One whose insert is under way is left for the next poll: its row, if any, is known then and withdrawn.
    const notInserted = new Set(this.toInsert);
    const late = this.waiting.filter(
      (w) => w.outcome === null && w.deadline <= now && (w.id !== null || notInserted.has(w)),
    );
    if (late.length === 0) return;
    const inserted = late.filter((w) => w.id !== null).map((w) => w.id!);
    let withdrawn: Set<number>;
    try {
      withdrawn = new Set(inserted.length === 0 ? [] : await this.withdraw(inserted));
    } catch (error) {
      this.failed(error);
      // The database cannot be reached: neither can the leader commit there.
      withdrawn = new Set(inserted);
    }
    const reason = this.unavailable() ?? NO_ANSWER;
    for (const waiting of late) {
      if (waiting.id !== null && !withdrawn.has(waiting.id)) continue;
      if (waiting.id !== null) this.byId.delete(waiting.id);
      waiting.outcome = refusal(reason);
    }
    this.toInsert = this.toInsert.filter((w) => w.outcome === null);
    this.stalled = true;
    this.handBack();
  }

  /** Delete rows no leader answered yet; the ids deleted. */
  private async withdraw(ids: number[]): Promise<number[]> {
    const deleted = await this.pool.query<{ id: string }>(
      "DELETE FROM cc_commands WHERE id = ANY($1::bigint[]) AND outcome IS NULL RETURNING id",
      [ids],
    );
    return deleted.rows.map((row) => Number(row.id));
  }

  private failed(error: unknown): void {
    if (postgresFailure(error) !== undefined) this.unreachable = true;
    this.options.onError?.(error);
  }

  // ---- listening ------------------------------------------------------------------------------------

  /**
   * Stop: commands not answered yet are withdrawn (no leader runs them after this) and refused with
   * server/unavailable; answered ones waiting for the replica are handed back as they are.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poll);
    this.stopWatching();
    await this.listener?.close();
    await this.inserting;
    await this.reading;
    const unanswered = [...this.byId.keys()];
    if (unanswered.length > 0) await this.withdraw(unanswered).catch(() => undefined);
    for (const waiting of this.waiting) waiting.outcome ??= refusal("this server is stopping");
    for (const waiting of this.waiting) waiting.seq = 0;
    this.byId.clear();
    this.toInsert = [];
    this.handBack();
    await this.pool.end().catch(() => undefined);
  }
}

function refusal(reason: string): CommandOutcome {
  return {
    ok: false,
    error: { code: "server/unavailable", message: `The server cannot run commands right now (${reason}); try again.` },
  };
}
