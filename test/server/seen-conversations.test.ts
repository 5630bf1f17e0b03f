// The gateway's record of the conversations a client has been sent in full: one id kept as itself, a Set from the
// second on. What it answers decides whether a conversation's next event comes with its history (views.ts changesFor).
import { describe, expect, it } from "vitest";
import { SeenConversations } from "../../server/gateway/connection.js";

describe("SeenConversations", () => {
  it("answers like a Set through the first, the second and later conversations", () => {
    const seen = new SeenConversations();
    expect(seen.has("c1")).toBe(false);
    seen.add("c1");
    seen.add("c1");
    expect([seen.has("c1"), seen.has("c2")]).toEqual([true, false]);
    seen.add("c2");
    seen.add("c3");
    expect(["c1", "c2", "c3", "c4"].map((id) => seen.has(id))).toEqual([true, true, true, false]);
  });
});
