// Leadership of a cluster of nodes sharing one Postgres database. A node campaigns on a connection of its own: the
// session advisory lock LEADER_LOCK makes it leader, and a row of cc_leader says who holds it, with which term (the
// fencing token checked by every commit) and until when its lease runs. A process killed with -9 loses its
// connection, so its lock, at once; a frozen one keeps it, so the others terminate its connection once its lease has
// run out without renewal.
import { EventEmitter } from "node:events";
import pg from "pg";

/** Advisory lock key of leadership ("ccLD"). */
export const LEADER_LOCK = 0x63634c44;
/** How long a lease runs without renewal, unless told. */
export const LEASE_MS = 5_000;

export interface LeadershipOptions {
  url: string;
  /** This node's name, written into cc_leader. */
  node: string;
  /** How often a follower tries for the lock. */
  campaignMs?: number;
  /** How long a lease runs without renewal. */
  leaseMs?: number;
  /** How often the leader renews its lease. */
  renewMs?: number;
  /** While true, neither renew nor campaign (tests: a frozen process, which keeps its connection open). */
  frozen?: () => boolean;
}

export interface Leadership {
  /** The fencing token while leader, else null. */
  term(): number | null;
  /** Whether this node ever found another node holding the lead: a lead it takes then is a takeover. */
  contested(): boolean;
  on(event: "elected", listener: (term: number) => void): this;
  on(event: "lost", listener: (reason: string) => void): this;
  close(): Promise<void>;
}

export const LEADER_TABLE_SQL = `CREATE TABLE IF NOT EXISTS cc_leader (
  term bigint NOT NULL, node text, backend_pid int, lease_until timestamptz
)`;

export function campaign(options: LeadershipOptions): Leadership {
  const campaignMs = options.campaignMs ?? 200;
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const renewMs = options.renewMs ?? 1_000;
  const emitter = new EventEmitter() as EventEmitter & Leadership;
  let client: pg.Client | null = null;
  let term: number | null = null;
  let contested = false;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;

  const schedule = (ms: number) => {
    if (!closed) timer = setTimeout(() => void tick(), ms);
  };

  const lose = (reason: string) => {
    const dropped = client;
    client = null;
    if (dropped !== null) void dropped.end().catch(() => undefined);
    if (term !== null) {
      term = null;
      emitter.emit("lost", reason);
    }
  };

  async function connect(): Promise<pg.Client> {
    const fresh = new pg.Client({ connectionString: options.url, application_name: "cc-agent leadership" });
    fresh.on("error", () => lose("the leadership connection was cut"));
    fresh.on("end", () => {
      if (client === fresh) lose("the leadership connection ended");
    });
    await fresh.connect();
    await fresh.query(LEADER_TABLE_SQL);
    await fresh.query("INSERT INTO cc_leader (term) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM cc_leader)");
    return fresh;
  }

  async function tick(): Promise<void> {
    if (options.frozen?.() === true) return schedule(renewMs);
    try {
      client ??= await connect();
      if (term === null) await tryToLead(client);
      else await renew(client);
    } catch (error) {
      lose(`leadership query failed: ${(error as Error).message}`);
    }
    schedule(term === null ? campaignMs : renewMs);
  }

  async function tryToLead(db: pg.Client): Promise<void> {
    const locked = await db.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [LEADER_LOCK]);
    if (locked.rows[0]?.ok !== true) {
      contested = true;
      // A frozen holder keeps its lock: once its lease ran out, cut its connection so its lock is released.
      await db.query(
        "SELECT pg_terminate_backend(backend_pid) FROM cc_leader WHERE lease_until < now() AND backend_pid IS NOT NULL AND backend_pid <> pg_backend_pid()",
      );
      return;
    }
    // clock_timestamp(), not now(): now() is when the statement began, and this one may have waited for a frozen
    // leader's commit to end (its transaction holds the row); a lease counted from then would be over at once, and
    // another campaigner would cut this node off as if it were frozen.
    const won = await db.query<{ term: string }>(
      "UPDATE cc_leader SET term = term + 1, node = $1, backend_pid = pg_backend_pid(), lease_until = clock_timestamp() + $2 * interval '1 millisecond' RETURNING term",
      [options.node, leaseMs],
    );
    if (closed) return;
    term = Number(won.rows[0]!.term);
    emitter.emit("elected", term);
  }

  async function renew(db: pg.Client): Promise<void> {
    const renewed = await db.query(
      "UPDATE cc_leader SET lease_until = clock_timestamp() + $1 * interval '1 millisecond' WHERE term = $2 AND backend_pid = pg_backend_pid()",
      [leaseMs, term],
    );
    if (renewed.rowCount !== 1) lose("the lease was taken by another node");
  }

  emitter.term = () => term;
  emitter.contested = () => contested;
  emitter.close = async () => {
    closed = true;
    if (timer !== null) clearTimeout(timer);
    const dropped = client;
    client = null;
    term = null;
    await dropped?.end().catch(() => undefined);
  };
  schedule(0);
  return emitter;
}
