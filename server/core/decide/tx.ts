// One command in progress, and how a command is refused.
import { evolve } from "../evolve.js";
import type { DomainError, DomainEvent, ErrorCode, EventBody, State } from "../model.js";

export class Refusal extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
  }
}

export function refuse(code: ErrorCode, message: string): never {
  throw new Refusal({ code, message });
}

/** One command in progress: emitted events are applied at once. */
export class Tx {
  readonly events: DomainEvent[] = [];
  result: Record<string, unknown> | undefined;
  private readonly touchedQueues = new Set<string>();
  constructor(
    readonly state: State,
    readonly at: number,
  ) {}

  emit(body: EventBody): void {
    // Every body is a fresh literal: it becomes the event itself (a copy per event cost more than the rest of emit).
    const event = body as DomainEvent;
    event.seq = this.state.seq + 1;
    event.at = this.at;
    evolve(this.state, event);
    this.events.push(event);
  }

  /** Route these queues once the command is done. */
  touch(queueIds: Iterable<string>): void {
    for (const id of queueIds) this.touchedQueues.add(id);
  }

  takeTouched(): string[] {
    const ids = [...this.touchedQueues].sort();
    this.touchedQueues.clear();
    return ids;
  }
}
