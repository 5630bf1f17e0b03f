// The command channel of a cluster node's gateway: to the writer in this process while the node leads, else to the
// leader through the follower's channel. The gateway holds this one channel whatever the node's role.
import type { Actor, Command } from "../core/model.js";
import type { CommandChannel, CommandHandler, OutcomeListener } from "../command-channel.js";
import { InProcessCommandChannel } from "../command-channel.js";

export class NodeChannel implements CommandChannel {
  private leading: InProcessCommandChannel | null = null;

  constructor(private readonly following: CommandChannel) {}

  /** From now on commands go to this writer. */
  lead(writer: CommandHandler): void {
    this.leading = new InProcessCommandChannel(writer);
  }

  /** From now on commands go to the leader elsewhere. */
  follow(): void {
    this.leading = null;
  }

  get isLeading(): boolean {
    return this.leading !== null;
  }

  submit(actor: Actor, command: Command, done: OutcomeListener): void {
    (this.leading ?? this.following).submit(actor, command, done);
  }

  settle(): Promise<void> {
    return (this.leading ?? this.following).settle();
  }

  unavailable(): string | null {
    return (this.leading ?? this.following).unavailable();
  }
}
