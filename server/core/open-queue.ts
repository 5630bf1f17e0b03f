// A queue's open conversations in arrival order, where any one may leave in O(1): routing takes them from the head, but
// customers leave from anywhere, and a costly conversation may stay at the head while cheaper ones behind it go. An
// array spliced at each leave moved everything behind it: ~190 µs per accept at 100,000 queued (an array that large
// cannot be trimmed at its start in place), and the cache it flushed slowed the next decision too.
//
// Each conversation gets a ticket as it joins (increasing, never reused), which says who came first without a scan
// and stays valid as others leave: routing's start (indexes.ts) is kept as one. Leaving leaves a hole in the slots,
// skipped by readers; the holes go when they outnumber the conversations. In a snapshot the queue is its ids (toJSON).

/** Slots are compacted once there are more holes than this and than live ids: amortised O(1) per leave. */
const MIN_HOLES = 64;

export class OpenQueue implements Iterable<string> {
  /** Ids in arrival order, undefined where one left. */
  private slots: (string | undefined)[] = [];
  /** The ticket of each slot, increasing: where a ticket is found by binary search. */
  private tickets: number[] = [];
  /** The ticket of each id in the queue. */
  private readonly ticketOfId = new Map<string, number>();
  /** The first slot that may hold an id (every slot before it is a hole). */
  private head = 0;
  private nextTicket = 0;

  static of(ids: Iterable<string>): OpenQueue {
    const queue = new OpenQueue();
    for (const id of ids) queue.push(id);
    return queue;
  }

  /** How many conversations are queued. */
  get length(): number {
    return this.ticketOfId.size;
  }

  /** The ticket the next conversation to join gets: later than every one queued. */
  get endTicket(): number {
    return this.nextTicket;
  }

  has(id: string): boolean {
    return this.ticketOfId.has(id);
  }

  /** Its ticket, or undefined when it is not queued. */
  ticketOf(id: string): number | undefined {
    return this.ticketOfId.get(id);
  }

  /** Join at the end. A conversation is queued once: one already queued keeps its place. */
  push(id: string): void {
    if (this.ticketOfId.has(id)) return;
    const ticket = this.nextTicket++;
    this.ticketOfId.set(id, ticket);
    this.slots.push(id);
    this.tickets.push(ticket);
  }

  /** Leave; false when it was not queued. */
  delete(id: string): boolean {
    const ticket = this.ticketOfId.get(id);
    if (ticket === undefined) return false;
    this.ticketOfId.delete(id);
    // The head leaves most often (routing takes it first).
    const slot = this.slots[this.head] === id ? this.head : this.slotFrom(ticket);
    this.slots[slot] = undefined;
    while (this.head < this.slots.length && this.slots[this.head] === undefined) this.head++;
    const holes = this.slots.length - this.ticketOfId.size;
    if (holes > MIN_HOLES && holes > this.ticketOfId.size) this.compact();
    return true;
  }

  /** Its position from the head, 1 for the first; 0 when it is not queued. Counted from the tail, where arrivals are. */
  positionOf(id: string): number {
    const ticket = this.ticketOfId.get(id);
    if (ticket === undefined) return 0;
    let behind = 0;
    for (let slot = this.slots.length - 1; this.tickets[slot]! > ticket; slot--)
      if (this.slots[slot] !== undefined) behind++;
    return this.ticketOfId.size - behind;
  }

  /** The ids queued, from the head. */
  *[Symbol.iterator](): Iterator<string> {
    yield* this.from(0);
  }

  /**
   * The ids whose ticket is `ticket` or later, in order. Nothing may leave the queue while this is walked (a leave may
   * compact the slots under it): routing only offers as it walks.
   */
  *from(ticket: number): Generator<string, void, undefined> {
    for (let slot = Math.max(this.head, this.slotFrom(ticket)); slot < this.slots.length; slot++) {
      const id = this.slots[slot];
      if (id !== undefined) yield id;
    }
  }

  /**
   * The ticket of the first id from `ticket` on for which `found` holds, or the end ticket when none does: a walk that
   * needs the ticket where it stopped, without a lookup of it by id.
   */
  ticketWhere(ticket: number, found: (id: string) => boolean): number {
    for (let slot = Math.max(this.head, this.slotFrom(ticket)); slot < this.slots.length; slot++) {
      const id = this.slots[slot];
      if (id !== undefined && found(id)) return this.tickets[slot]!;
    }
    return this.nextTicket;
  }

  toJSON(): string[] {
    return [...this];
  }

  /** The first slot whose ticket is `ticket` or later. */
  private slotFrom(ticket: number): number {
    // Routing's start and the conversations it takes are mostly within a few slots of the head: looked at first,
    // they cost no walk through a large array's cache lines.
    const near = Math.min(this.head + 8, this.tickets.length);
    for (let slot = this.head; slot < near; slot++) if (this.tickets[slot]! >= ticket) return slot;
    let low = near;
    let high = this.tickets.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.tickets[mid]! < ticket) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private compact(): void {
    const slots: string[] = [];
    const tickets: number[] = [];
    for (let slot = this.head; slot < this.slots.length; slot++) {
      const id = this.slots[slot];
      if (id === undefined) continue;
      slots.push(id);
      tickets.push(this.tickets[slot]!);
    }
    this.slots = slots;
    this.tickets = tickets;
    this.head = 0;
  }
}
