// decide: validate a command against the state and produce its events. Each event is applied with
// evolve as soon as it is emitted, so that later steps of the same command (routing, presence) see
// its effects.
//
// No request may leave the state different from what is committed. Two rules make it so:
// - every command validates before its first event, so a refusal (a Refusal thrown while checking) changes nothing;
// - anything else thrown once an event was applied is a defect that left the state part-way through a command. The
//   state cannot be trusted then and the core does not patch it up: decide throws CommandFailed, and the shell
//   discards its state and rebuilds it from the log (snapshot, committed events, and those of earlier commands still
//   waiting for their commit; server/writer/writer.ts), the same replay a restart does. Undoing in place would need an undo
//   record of every mutation evolve makes, and copying the state per command costs more than deciding it.
//
// Every command is in one table, COMMANDS: who may send it, and the module of its family that runs it.
import type { Actor, Command, Envelope, Outcome, State } from "../model.js";
import * as admin from "./admin.js";
import type { CommandOf, CustomerActor } from "./common.js";
import * as consult from "./consult.js";
import * as customer from "./customer.js";
import * as rep from "./rep.js";
import { route } from "./route.js";
import * as supervisor from "./supervisor.js";
import { tick } from "./tick.js";
import { Refusal, Tx } from "./tx.js";

export { nextDeadline } from "./tick.js";

/**
 * A command failed (a defect, not a refusal) after some of its events were applied to the state it was given: that
 * state is part-way through the command and must be rebuilt from the committed events. None of the events is valid.
 */
export class CommandFailed extends Error {
  override readonly name = "CommandFailed";
  constructor(
    readonly command: Command["type"],
    readonly applied: number,
    cause: unknown,
  ) {
    super(
      `${command} failed after ${applied} of its events were applied: ${String((cause as Error)?.message ?? cause)}`,
      {
        cause,
      },
    );
  }
}

type Role = Actor["role"];

interface Entry<T extends Command["type"]> {
  /** Who may send it; anyone else is answered auth/forbidden. */
  readonly roles: readonly Role[];
  run(tx: Tx, actor: Actor, command: CommandOf<T>): void;
}

/** A customer's command runs with the customer's actor: the role is checked before it runs. */
function forCustomers<T extends Command["type"]>(
  run: (tx: Tx, actor: CustomerActor, command: CommandOf<T>) => void,
): Entry<T> {
  return { roles: ["customer"], run: (tx, actor, command) => run(tx, actor as CustomerActor, command) };
}

/** What reps do, supervisors may do too (a supervisor may also take conversations). */
const STAFF: readonly Role[] = ["rep", "supervisor"];
const SUPERVISOR: readonly Role[] = ["supervisor"];
const ADMIN: readonly Role[] = ["admin"];

/** Every command: a new one does not compile until it is listed here. */
const COMMANDS: { readonly [T in Command["type"]]: Entry<T> } = {
  configure: { roles: ["admin", "system"], run: admin.configure },
  tick: { roles: ["system"], run: (tx) => tick(tx) },

  "customer.start": forCustomers(customer.startConversation),
  "customer.message": forCustomers(customer.customerSend),
  "customer.end": forCustomers(customer.customerEnd),
  "customer.rate": forCustomers(customer.customerRate),

  presence: { roles: STAFF, run: rep.presence },
  accept: { roles: STAFF, run: rep.accept },
  reject: { roles: STAFF, run: rep.reject },
  pick: { roles: STAFF, run: rep.pick },
  message: { roles: STAFF, run: rep.message },
  note: { roles: STAFF, run: rep.note },
  transfer: { roles: STAFF, run: rep.transfer },
  conference: { roles: STAFF, run: rep.conference },
  end_conference: { roles: STAFF, run: rep.endConference },
  consult: { roles: STAFF, run: consult.consult },
  end_consult: { roles: STAFF, run: consult.endConsult },
  close: { roles: STAFF, run: rep.close },
  end: { roles: STAFF, run: rep.end },
  wrapup: { roles: STAFF, run: rep.wrapup },

  monitor: { roles: SUPERVISOR, run: supervisor.monitor },
  leave: { roles: SUPERVISOR, run: supervisor.leave },
  whisper: { roles: SUPERVISOR, run: supervisor.whisper },
  assign: { roles: SUPERVISOR, run: supervisor.assign },
  supervisor_transfer: { roles: SUPERVISOR, run: supervisor.supervisorTransfer },
  force_close: { roles: SUPERVISOR, run: supervisor.forceClose },
  set_presence: { roles: SUPERVISOR, run: supervisor.setPresence },

  delete_queue: { roles: ADMIN, run: admin.deleteQueue },
  delete_workstream: { roles: ADMIN, run: admin.deleteWorkstream },
  delete_user: { roles: ADMIN, run: admin.deleteUser },
};

export function decide(state: State, envelope: Envelope): Outcome {
  const { actor, command, at } = envelope;
  const entry = Object.hasOwn(COMMANDS, command.type) ? COMMANDS[command.type] : undefined;
  if (!entry || !entry.roles.includes(actor.role)) {
    return {
      ok: false,
      error: {
        code: "auth/forbidden",
        message: `A ${actor.role} cannot ${String(command.type).replace(/[._]/g, " ")}.`,
      },
    };
  }
  const tx = new Tx(state, at);
  try {
    // The table pairs each type with its own handler; TypeScript cannot follow that through the lookup.
    (entry.run as (tx: Tx, actor: Actor, command: Command) => void)(tx, actor, command);
    // Routing runs until nothing changes: an offer timing out can free capacity for another queue.
    for (let queues = tx.takeTouched(); queues.length > 0; queues = tx.takeTouched()) route(tx, queues);
  } catch (error) {
    if (tx.events.length === 0) {
      if (error instanceof Refusal) return { ok: false, error: error.error };
      throw error;
    }
    throw new CommandFailed(command.type, tx.events.length, error);
  }
  return tx.result ? { ok: true, events: tx.events, result: tx.result } : { ok: true, events: tx.events };
}
