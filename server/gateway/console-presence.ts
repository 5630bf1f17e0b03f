// A rep's presence follows their consoles: when the last one drops, they are set Offline after a grace period (a
// closed terminal must not keep receiving offers and going to RONA), unless a console comes back within it, here or,
// in a cluster, on another node. Each console is told how many of the rep's consoles are open.
import type { State } from "../core/model.js";
import type { Clock } from "../clock.js";
import type { CommandChannel } from "../command-channel.js";
import type { Connection, ConnectionIndex } from "./connection.js";
import type { ServerFrame } from "../../src/protocol/messages.js";

export interface ConsolePresenceOptions {
  state: State;
  /** The gateway's connections by user. */
  byUser: ConnectionIndex;
  channel: CommandChannel;
  clock: Clock;
  send(connection: Connection, frame: ServerFrame): void;
  /** How long a rep may be without a console before they are set Offline. */
  graceMs: number;
  /** Whether a rep has a console on another node of the cluster (then this node does not set them Offline). */
  consoleElsewhere: (userId: string) => boolean;
}

export class ConsolePresence {
  /** Reps whose last console dropped: cancels their pending Offline. */
  private readonly offlineTimers = new Map<string, () => void>();
  private closed = false;

  constructor(private readonly options: ConsolePresenceOptions) {}

  /** A user's open consoles: their connections as a rep (a supervisor's monitor is not one). */
  consolesOf(userId: string): Connection[] {
    return (this.options.byUser.get(userId) ?? []).filter((c) => c.role === "rep");
  }

  /** The reps with a console here. */
  repsHere(): string[] {
    return [...this.options.byUser.keys()].filter((userId) => this.consolesOf(userId).length > 0);
  }

  /** A rep's console signed in: a pending Offline is called off. */
  signedIn(userId: string): void {
    this.offlineTimers.get(userId)?.();
    this.offlineTimers.delete(userId);
  }

  /** A rep's console went (already out of `byUser`): the last one gone arms the Offline, else the others are told. */
  consoleGone(userId: string): void {
    if (this.consolesOf(userId).length === 0) this.armOffline(userId);
    else this.announce(userId);
  }

  /**
   * Reps whose consoles were on a node that went silent: as if those consoles had just dropped, so the same grace
   * applies (a rep back on any node within it keeps presence and offers).
   */
  lost(userIds: readonly string[]): void {
    for (const userId of userIds) if (this.consolesOf(userId).length === 0) this.armOffline(userId);
  }

  /** Tell each of a user's consoles how many are open, so that each can say when another one is. */
  announce(userId: string): void {
    const consoles = this.consolesOf(userId);
    for (const c of consoles) this.options.send(c, { type: "consoles", count: consoles.length });
  }

  /** The gateway closes: no rep is set Offline by it any more. */
  close(): void {
    this.closed = true;
    for (const cancel of this.offlineTimers.values()) cancel();
    this.offlineTimers.clear();
  }

  private armOffline(userId: string): void {
    if (this.closed || this.offlineTimers.has(userId)) return;
    const { state, channel, clock, graceMs, consoleElsewhere } = this.options;
    const cancel = clock.setTimer(() => {
      this.offlineTimers.delete(userId);
      const user = state.users[userId];
      if (
        this.closed ||
        !user ||
        user.deleted ||
        user.presence === "offline" ||
        this.consolesOf(userId).length > 0 ||
        consoleElsewhere(userId)
      )
        return;
      channel.submit({ role: user.role, id: userId }, { type: "presence", presence: "offline" }, (outcome) => {
        // The writer cannot take it now (the disk, a rebuild): asked again after another grace.
        if (!outcome.ok && outcome.error.code === "server/unavailable") this.armOffline(userId);
      });
    }, graceMs);
    this.offlineTimers.set(userId, cancel);
  }
}
