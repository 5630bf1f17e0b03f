// A reloaded org file reaches an open console as an `org` change (docs/org-file.md, "Reloading"): what the console
// shows from the org follows it without signing in again.
import { afterEach, describe, expect, it } from "vitest";
import { ORG, event, renderConsole, welcome } from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

let ui: Console | undefined;
afterEach(() => ui?.unmount());

describe("the org reloaded while the console is open", () => {
  it("the console shows the org as the server now has it", async () => {
    ui = await renderConsole({ welcome: welcome([]) });
    await ui.waitForFrame((f) => f.includes("Contoso Demo"), "the org's name");
    ui.store.dispatch({ type: "event", frame: event({ kind: "org", org: { ...ORG, name: "Contoso Support" } }) });
    const frame = await ui.waitForFrame((f) => f.includes("Contoso Support"), "the new name");
    expect(frame).not.toContain("Contoso Demo");
  });
});
