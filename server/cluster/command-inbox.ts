// The leader's side of the followers' command channel (server/cluster/command-channel-pg.ts): it LISTENs on
// `cc_commands` (with a ~1 s poll as the safety net), reads the rows no leader has answered, in id order, and has its
// Writer run each with the row id as the command id. The Writer records the outcome with the store's pending batch,
// so the row is answered in the same transaction as the command's events: a command whose row has an outcome was run
// and is never run again, and a new leader runs exactly the rows without one. Answered rows that no follower took
// (their node went away) are deleted after a while.
import { Listener } from "./listener.js";
import pg from "pg";
import type { Actor, Command } from "../core/model.js";
import type { CommandOutcome, OutcomeListener } from "../command-channel.js";
import type { SubmitOptions } from "../writer/writer.js";
import { COMMANDS_CHANNEL } from "./command-channel-pg.js";

/** What runs the commands: the leader's Writer. */
export interface RecordingCommandHandler {
  submit(actor: Actor, command: Command, done: OutcomeListener, options: SubmitOptions): void;
}

export interface CommandInboxOptions {
  /** The Postgres URL the store uses: the inbox holds one connection there for LISTEN and one for its reads. */
  url: string;
  writer: RecordingCommandHandler;
  /** How often the table is read when no notification came (ms, default 1,000). */
  pollMs?: number;
  /** How long to wait before listening again after the listening connection was cut (ms, default 200). */
  reconnectMs?: number;
  /** Answered rows older than this are deleted (ms, default 60,000). */
  keepAnsweredMs?: number;
  /** Told of a failed read or a cut connection (the inbox carries on). */
  onError?: (error: unknown) => void;
}

/** Rows read per query; a read goes on past them until it has seen every unanswered row. */
const BATCH = 1_000;
const IN_FLIGHT = Number.POSITIVE_INFINITY;

export class CommandInbox {
  private readonly pool: pg.Pool;
  /**
   * Commands handed to the writer by this inbox: IN_FLIGHT until their outcome is committed, then the number of reads
   * started by that moment. A read started before a commit may still see the row unanswered: it is skipped until a
   * read that started after the commit (which cannot see it) ends.
   */
  private readonly handled = new Map<number, number>();
  private readsStarted = 0;
  /** The highest row id a read or a notification brought: a notified row above it was never seen, so never run. */
  private maxSeen = 0;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private listener: Listener | null = null;
  private readonly poll: NodeJS.Timeout;
  /** When answered rows were last cleaned up: never yet, so the first poll does. */
  private lastCleanUp = Number.NEGATIVE_INFINITY;
  private closed = false;

  private constructor(private readonly options: CommandInboxOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: 1,
      connectionTimeoutMillis: 5_000,
      application_name: "cc-agent inbox",
    });
    this.pool.on("error", () => undefined);
    this.pool.on("connect", (client) => client.on("error", () => undefined));
    this.poll = setInterval(() => void this.tick(), options.pollMs ?? 1_000);
    this.poll.unref();
  }

  /** Listen, then run every row left unanswered (by a leader that died, or sent while there was none). */
  static async open(options: CommandInboxOptions): Promise<CommandInbox> {
    const inbox = new CommandInbox(options);
    try {
      inbox.listener = await Listener.open({
        url: options.url,
        channel: COMMANDS_CHANNEL,
        applicationName: "cc-agent inbox listen",
        ...(options.reconnectMs === undefined ? {} : { reconnectMs: options.reconnectMs }),
        onNotification: (payload) => inbox.notified(payload),
        onListening: () => void inbox.read(),
        onError: (error) => options.onError?.(error),
      });
    } catch (error) {
      await inbox.close();
      throw error;
    }
    void inbox.read();
    return inbox;
  }

  /** Read the unanswered rows now (serialised: one asked for during a read runs after it). */
  read(): Promise<void> {
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
          this.options.onError?.(error);
        }
      } while (this.readAgain && !this.closed);
      this.reading = null;
    })();
    return this.reading;
  }

  /**
   * A follower's notification, with its rows when they fitted (see command-channel-pg.ts): each row above any seen
   * before is run at once, without reading the table. One at or below that may have been run and forgotten already:
   * the table says (a read runs exactly the rows without an outcome), as it does for a notification without rows.
   */
  notified(payload: string): void {
    if (this.closed) return;
    let readTable = payload === "";
    for (const line of payload === "" ? [] : payload.split("\n")) {
      const row = parseRow(line);
      if (row === null) readTable = true;
      else if (row.id > this.maxSeen) {
        this.maxSeen = row.id;
        this.run(row.id, row.actor, row.command);
      } else if (!this.handled.has(row.id)) readTable = true;
    }
    if (readTable) void this.read();
  }

  private run(id: number, actor: Actor, command: Command): void {
    this.handled.set(id, IN_FLIGHT);
    this.options.writer.submit(actor, command, (outcome) => this.answered(id, outcome), { commandId: id });
  }

  private async readOnce(): Promise<void> {
    const read = ++this.readsStarted;
    for (let cursor = 0; ;) {
      const rows = await this.pool.query<{ id: string; actor: Actor; command: Command }>(
        "SELECT id, actor, command FROM cc_commands WHERE outcome IS NULL AND id > $1 ORDER BY id LIMIT $2",
        [cursor, BATCH],
      );
      if (this.closed) return;
      if (cursor === 0) for (const [id, answeredAt] of this.handled) if (answeredAt < read) this.handled.delete(id);
      for (const row of rows.rows) {
        const id = Number(row.id);
        cursor = id;
        if (id > this.maxSeen) this.maxSeen = id;
        if (this.handled.has(id)) continue;
        this.run(id, row.actor, row.command);
      }
      if (rows.rows.length < BATCH) return;
    }
  }

  private answered(id: number, outcome: CommandOutcome): void {
    // Not run (the writer cannot store anything now): nothing was recorded, the row is run again later.
    if (!outcome.ok && outcome.error.code === "server/unavailable") this.handled.delete(id);
    else this.handled.set(id, this.readsStarted);
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    await this.read();
    const keep = this.options.keepAnsweredMs ?? 60_000;
    if (Date.now() - this.lastCleanUp < Math.min(keep, 10_000)) return;
    this.lastCleanUp = Date.now();
    await this.pool
      .query(
        "DELETE FROM cc_commands WHERE outcome IS NOT NULL AND created_at < now() - $1 * interval '1 millisecond'",
        [keep],
      )
      .catch((error: unknown) => this.options.onError?.(error));
  }

  /** Stop taking commands (those handed to the writer are its own to finish or drop). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poll);
    await this.listener?.close();
    await this.reading;
    await this.pool.end().catch(() => undefined);
  }
}

/** A row of a notification's payload: "id<TAB>actor<TAB>command"; null when it is not one. */
function parseRow(line: string): { id: number; actor: Actor; command: Command } | null {
  const [idText, actorText, commandText] = line.split("\t");
  const id = Number(idText);
  if (!Number.isSafeInteger(id) || actorText === undefined || commandText === undefined) return null;
  try {
    return { id, actor: JSON.parse(actorText) as Actor, command: JSON.parse(commandText) as Command };
  } catch {
    return null;
  }
}
