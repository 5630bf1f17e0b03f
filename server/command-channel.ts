// The command channel: how a gateway has the writer run a command. The gateway submits what a client asked for, as
// a core command and its actor; the writer decides it, commits its events and publishes them on the bus, and only
// then is the outcome handed back, so a client is never answered before what it did is durable and sent.
import type { Actor, Command, Outcome } from "./core/model.js";

/** The core's outcome, or the writer's own refusal: it cannot store anything now, or the command failed. */
export type CommandOutcome =
  Outcome | { ok: false; error: { code: "server/unavailable" | "server/internal"; message: string } };

/** Called with a command's outcome: after its events are committed and published, or when it is refused. */
export type OutcomeListener = (outcome: CommandOutcome) => void;

export interface CommandChannel {
  /**
   * Run `command` for `actor`. Outcomes come back in the order the commands were submitted. A refusal from the core
   * comes back with the next group commit (behind the outcomes before it); while the data file refuses writes, or
   * the writer reloads its state, a command is refused at once with `server/unavailable`.
   */
  submit(actor: Actor, command: Command, done: OutcomeListener): void;
  /** Resolves once everything submitted before it is committed and published (or the data file refuses writes). */
  settle(): Promise<void>;
  /** Why the writer refuses commands now (the data file refuses writes), or null when it takes them. */
  unavailable(): string | null;
}

/** What runs commands on the other side of a channel: the writer. */
export type CommandHandler = CommandChannel;

/**
 * The channel within one process: a call to the writer. The gateway holds the channel, never the writer, so a
 * channel across the network can take this one's place.
 */
export class InProcessCommandChannel implements CommandChannel {
  constructor(private readonly writer: CommandHandler) {}

  submit(actor: Actor, command: Command, done: OutcomeListener): void {
    this.writer.submit(actor, command, done);
  }

  settle(): Promise<void> {
    return this.writer.settle();
  }

  unavailable(): string | null {
    return this.writer.unavailable();
  }
}
