// Presence across the nodes of a cluster. Each node heartbeats its row of cc_nodes (its role, the reps with a console
// on it) every second and reads the others' rows. A rep listed by a live node has a console there: no node sets them
// Offline. The leader treats a node silent for longer than SILENT_MS as gone with every console it held, at that
// moment: the gateway's disconnect grace then runs for its reps, so a rep who reconnected elsewhere keeps presence.
import pg from "pg";

/** How often a node writes its row. */
export const BEAT_MS = 1_000;
/** A node whose row is older than this is gone. */
export const SILENT_MS = 3_000;

export interface NodePresenceOptions {
  url: string;
  node: string;
  /** The reps with a console on this node, and whether it leads now. */
  local: () => { reps: string[]; role: "leader" | "follower" };
  /** Leader only: the reps of a node that went silent, not listed by any live node. */
  consolesLost: (userIds: string[]) => void;
  /** After this long a silent node's row is removed (its reps' grace has run by then). */
  forgetAfterMs: number;
  beatMs?: number;
  silentMs?: number;
  onError?: (error: unknown) => void;
}

interface NodeRow {
  node: string;
  staff: string[] | null;
  age: number;
}

export class NodePresence {
  private readonly pool: pg.Pool;
  private readonly timer: NodeJS.Timeout;
  /** Reps listed by live nodes other than this one. */
  private elsewhere = new Set<string>();
  /** Silent nodes whose reps were handed to the grace already (by this leader), with when. */
  private readonly handled = new Map<string, number>();
  private beating: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: NodePresenceOptions) {
    this.pool = new pg.Pool({ connectionString: options.url, max: 1, application_name: "cc-agent presence" });
    this.pool.on("error", () => undefined);
    this.timer = setInterval(() => {
      if (!this.beating) void this.beat();
    }, options.beatMs ?? BEAT_MS);
    this.timer.unref();
  }

  /** Whether a live node other than this one lists `userId` (as of the last beat). */
  listedElsewhere(userId: string): boolean {
    return this.elsewhere.has(userId);
  }

  /** Whether another node holds a lease on leadership that has not run out (cc_leader). */
  async leaderElsewhere(): Promise<boolean> {
    const { rows } = await this.pool.query<{ live: boolean }>(
      "SELECT lease_until > now() AS live FROM cc_leader WHERE node IS NOT NULL AND node <> $1",
      [this.options.node],
    );
    return rows[0]?.live === true;
  }

  /**
   * Write this node's row and read the others', after the beat under way if any (one at a time; a failure is
   * reported and the next beat retries).
   */
  beat(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const after = this.beating ?? Promise.resolve();
    const beat: Promise<void> = after
      .then(() => this.beatOnce())
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        if (this.beating === beat) this.beating = null;
      });
    this.beating = beat;
    return beat;
  }

  private async beatOnce(): Promise<void> {
    const { reps, role } = this.options.local();
    const silentMs = this.options.silentMs ?? SILENT_MS;
    await this.pool.query(
      `INSERT INTO cc_nodes (node, role, seen_at, staff) VALUES ($1, $2, now(), $3::jsonb)
       ON CONFLICT (node) DO UPDATE SET role = excluded.role, seen_at = excluded.seen_at, staff = excluded.staff`,
      [this.options.node, role, JSON.stringify(reps)],
    );
    const { rows } = await this.pool.query<NodeRow>(
      "SELECT node, staff, extract(epoch FROM now() - seen_at) * 1000 AS age FROM cc_nodes WHERE node <> $1",
      [this.options.node],
    );
    const live = rows.filter((row) => Number(row.age) < silentMs);
    this.elsewhere = new Set(live.flatMap((row) => row.staff ?? []));
    if (role !== "leader") return;
    const here = new Set(reps);
    for (const row of rows) {
      if (Number(row.age) < silentMs) {
        this.handled.delete(row.node);
        continue;
      }
      const since = this.handled.get(row.node);
      if (since === undefined) {
        this.handled.set(row.node, Date.now());
        const gone = (row.staff ?? []).filter((id) => !here.has(id) && !this.elsewhere.has(id));
        if (gone.length > 0) this.options.consolesLost(gone);
      } else if (Date.now() - since > this.options.forgetAfterMs) {
        await this.pool.query(
          "DELETE FROM cc_nodes WHERE node = $1 AND seen_at < now() - $2 * interval '1 millisecond'",
          [row.node, silentMs],
        );
        this.handled.delete(row.node);
      }
    }
  }

  /** Stop beating. The row stays: once it is silent, the leader applies the grace to the reps it lists. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.beating;
    await this.pool.end().catch(() => undefined);
  }
}
