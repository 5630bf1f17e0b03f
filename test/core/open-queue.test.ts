// A queue's open conversations (server/core/open-queue.ts): the arrival order an array kept, with O(1) leaves.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OpenQueue } from "../../server/core/open-queue.js";

describe("OpenQueue", () => {
  it("keeps arrival order as conversations leave from the head, the middle and the tail", () => {
    const queue = OpenQueue.of(["c1", "c2", "c3", "c4", "c5"]);
    expect(queue.delete("c1")).toBe(true);
    expect(queue.delete("c3")).toBe(true);
    expect(queue.delete("c5")).toBe(true);
    expect(queue.delete("c3")).toBe(false);
    queue.push("c6");
    expect([...queue]).toEqual(["c2", "c4", "c6"]);
    expect(queue.length).toBe(3);
    expect(JSON.stringify({ open: queue })).toBe('{"open":["c2","c4","c6"]}');
    expect([queue.positionOf("c2"), queue.positionOf("c4"), queue.positionOf("c6"), queue.positionOf("c1")]).toEqual([
      1, 2, 3, 0,
    ]);
  });

  it("walks from a ticket, which stays valid while others leave and the slots are compacted", () => {
    const queue = OpenQueue.of(Array.from({ length: 300 }, (_, i) => `c${i}`));
    const ticket = queue.ticketOf("c250")!;
    // Far more leave than stay: the slots are compacted on the way.
    for (let i = 0; i < 300; i++) if (i % 50 !== 0) queue.delete(`c${i}`);
    expect([...queue]).toEqual(["c0", "c50", "c100", "c150", "c200", "c250"]);
    expect([...queue.from(ticket)]).toEqual(["c250"]);
    expect([...queue.from(ticket - 1)]).toEqual(["c250"]);
    expect([...queue.from(queue.ticketOf("c100")!)]).toEqual(["c100", "c150", "c200", "c250"]);
    expect([...queue.from(queue.endTicket)]).toEqual([]);
    queue.push("c300");
    expect([...queue.from(ticket + 1)]).toEqual(["c300"]);
    expect(queue.positionOf("c250")).toBe(6);
  });

  it("queues a conversation once: joining again keeps its place", () => {
    const queue = OpenQueue.of(["c1", "c2"]);
    queue.push("c1");
    expect([...queue]).toEqual(["c1", "c2"]);
    expect(queue.length).toBe(2);
  });

  it("answers as an array kept in arrival order would, over any sequence of joins and leaves", () => {
    const step = fc.oneof(
      fc.record({ join: fc.constant(true) }),
      fc.record({ leave: fc.nat({ max: 400 }) }),
      fc.record({ from: fc.nat({ max: 400 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 600 }), (steps) => {
        const queue = new OpenQueue();
        const model: { id: string; ticket: number }[] = [];
        let next = 0;
        for (const s of steps) {
          if ("join" in s) {
            const id = `c${next}`;
            queue.push(id);
            model.push({ id, ticket: next++ });
          } else if ("leave" in s) {
            const at = model.findIndex((x) => x.ticket >= s.leave);
            const id = at >= 0 ? model[at]!.id : "absent";
            expect(queue.delete(id)).toBe(at >= 0);
            if (at >= 0) model.splice(at, 1);
          } else {
            const behind = model.filter((x) => x.ticket >= s.from);
            expect([...queue.from(s.from)]).toEqual(behind.map((x) => x.id));
            // The first of them whose number is odd, by its ticket (the end ticket when there is none).
            const odd = (id: string) => Number(id.slice(1)) % 2 === 1;
            expect(queue.ticketWhere(s.from, odd)).toBe(behind.find((x) => odd(x.id))?.ticket ?? queue.endTicket);
          }
        }
        expect([...queue]).toEqual(model.map((x) => x.id));
        expect(queue.length).toBe(model.length);
        model.forEach((x, i) => {
          expect(queue.positionOf(x.id)).toBe(i + 1);
          expect(queue.ticketOf(x.id)).toBe(x.ticket);
        });
      }),
    );
  });
});
