// End to end, as a supervisor sees it: the BUILT `cc-agent monitor` runs in a real pseudo-terminal (tmux),
// signed in as Sam (the first supervisor) through the local credentials file of a server running in this
// process. Carol, Bob and the customers are scripted WebSocket clients; Carol sees everything the
// supervisor does to her conversations. Every wait polls (screen or client state) until a deadline;
// nothing sleeps for a fixed time. Needs `npm run build` (npm test builds before vitest) and tmux.
import { afterEach, describe, expect, it } from "vitest";
import { EndToEnd, START_MS, STEP_MS, TEST_MS } from "../helpers/e2e.js";
import type { TmuxTerminal } from "../helpers/tmux.js";
import type { ScreenCheck } from "../helpers/tmux.js";
import { waitFor } from "../helpers/ws.js";

const e2e = new EndToEnd();
afterEach(() => e2e.cleanup());
const token = (id: string) => e2e.token(id);
const connect = (hello: Parameters<EndToEnd["connect"]>[0]) => e2e.connect(hello);

/** The server, with its credentials file in CC_AGENT_HOME. */
function startServerWithCredentials(): Promise<string> {
  return e2e.startServer("cc-agent-e2e-monitor-");
}

/** `cc-agent monitor` with these arguments in a 120×40 terminal. */
function startMonitor(home: string, args: string[] = []): Promise<TmuxTerminal> {
  return e2e.startCli(["monitor", ...args], home);
}

/** A visitor starts a live chat; resolves with the conversation id. */
async function customerStarts(text: string): Promise<string> {
  const customer = await connect({ role: "customer" });
  const started = await customer.request({ type: "start", workstream: "live", text });
  return started.conversationId as string;
}

/** Select a row as a supervisor does: `/`, the id, Enter. */
async function select(term: TmuxTerminal, id: string): Promise<void> {
  await term.press("/");
  await term.waitForScreen("Enter keep · Esc clear", "the filter prompt", STEP_MS);
  // Clear what a previous filter left, then type the id.
  await term.press("C-u");
  await term.waitForScreen(/filter:$/m, "an empty filter", STEP_MS);
  await term.type(`id:${id}`);
  await term.waitForScreen(`filter: id:${id}`, `the filter id:${id}`, STEP_MS);
  await term.press("Enter");
  // The prompt closes (keys are actions again) with the row selected.
  await term.waitForScreen(
    [new RegExp(`^› ${id}\\s`, "m"), (screen) => !screen.includes("Enter keep")],
    `${id} selected`,
    STEP_MS,
  );
}

async function typeAndSee(term: TmuxTerminal, text: string, shown: ScreenCheck, what: string): Promise<void> {
  await term.type(text);
  await term.waitForScreen(shown, what, STEP_MS);
}

describe("the built monitor in a real terminal", () => {
  it(
    "SPEC SV5, SPEC SV7, SPEC SV8: a supervisor assigns an Open conversation to a rep at full capacity with an override, transfers another, force-closes a third; the rep sees all three",
    async () => {
      const home = await startServerWithCredentials();
      // Carol (capacity 2) takes two chats and is full; a third customer then waits in the queue.
      const carol = await connect({ role: "rep", token: token("carol") });
      await carol.request({ type: "presence", presence: "available" });
      const first = await customerStarts("Hello, my parcel is late");
      await carol.request({ type: "accept", offerId: (await carol.waitForOffer(first)).id });
      const second = await customerStarts("I want to change my address");
      await carol.request({ type: "accept", offerId: (await carol.waitForOffer(second)).id });
      await waitFor(() => carol.users.get("carol")?.used === 2, "Carol at capacity 2/2", STEP_MS);
      const third = await customerStarts("Is anybody there? I need help with billing");

      const term = await startMonitor(home);
      // The first supervisor of the local credentials, with the live table.
      let screen = await term.waitForScreen(
        ["cc-agent monitor · Sam Rivera", "ongoing 3 · open 1", "online"],
        "Sam's monitor",
        START_MS,
      );
      expect(screen).toMatch(new RegExp(`${third}\\s+◇ Open\\s+live\\s+General\\s+—`));
      expect(screen).toMatch(new RegExp(`${first}\\s+▶ Active\\s+live\\s+General\\s+Carol Tanaka`));

      // SV5: A assigns the Open conversation to Carol, who is full: the override says by how much.
      await select(term, third);
      await term.press("A");
      await term.waitForScreen(
        [`Assign ${third}`, "with override (presence and capacity)", "Carol Tanaka"],
        "the override picker",
        STEP_MS,
      );
      await typeAndSee(
        term,
        "carol",
        (s) => s.includes("filter: carol") && s.includes("1. Carol Tanaka") && s.includes("over capacity"),
        "Carol in the picker",
      );
      await term.press("Enter");
      screen = await term.waitForScreen(`Assigned ${third} to Carol Tanaka`, "the assign result", STEP_MS);
      expect(screen).toContain("capacity exceeded by 1 unit");
      await waitFor(
        () => carol.conversations.get(third)?.ownerId === "carol" && carol.conversations.get(third)?.state === "active",
        "Carol has the assigned conversation",
        STEP_MS,
      );
      await waitFor(() => carol.users.get("carol")?.used === 3, "Carol at 3/2", STEP_MS);
      // The team view shows her over capacity.
      await term.press("T");
      await term.waitForScreen(
        /Carol Tanaka\s+\S+ Busy · at capacity\s+\d+:\d\d\s+█+ 3\/2 ▲ 1 over\s+3/,
        "Carol 3/2 in the team view",
        STEP_MS,
      );
      await term.press("T");
      await term.waitForScreen("[All 3]", "back to the table", STEP_MS);

      // SV6, SV7: transfer the first one to Bob, who accepts; Carol stays on as consultant.
      const bob = await connect({ role: "rep", token: token("bob") });
      await bob.request({ type: "presence", presence: "available" });
      await term.waitForScreen("reps available 1/3", "Bob Available on the monitor", STEP_MS);
      await select(term, first);
      await term.press("t");
      await term.waitForScreen([`Transfer ${first}`, "Bob Okafor"], "the transfer picker", STEP_MS);
      await typeAndSee(
        term,
        "bob",
        (s) => s.includes("filter: bob") && s.includes("1. Bob Okafor"),
        "Bob in the picker",
      );
      await term.press("Enter");
      await term.waitForScreen(`Transfer of ${first} to Bob Okafor requested`, "the transfer requested", STEP_MS);
      const offer = await waitFor(() => bob.pendingOffer(first), "Bob's transfer offer", STEP_MS);
      expect(offer.kind).toBe("supervisor_transfer");
      expect(offer.byName).toBe("Sam Rivera");
      await term.waitForScreen(
        [new RegExp(`${first}\\s+⇄ to Bob`), "waiting for an answer"],
        "the transfer pending on the monitor",
        STEP_MS,
      );
      await bob.request({ type: "accept", offerId: offer.id });
      screen = await term.waitForScreen(
        `Bob Okafor accepted the transfer of ${first}; Carol Tanaka stays on as consultant.`,
        "the transfer accepted",
        STEP_MS,
      );
      expect(screen).toMatch(new RegExp(`${first}\\s+▶ Active\\s+live\\s+General\\s+Bob Okafor\\s+cons Carol`));
      await waitFor(
        () =>
          carol.conversations.get(first)?.ownerId === "bob" &&
          carol.conversations.get(first)?.consultants.includes("carol"),
        "Carol sees Bob with her as consultant",
        STEP_MS,
      );

      // SV8: force close the second one, behind a confirmation whose default is Cancel.
      await select(term, second);
      await term.press("C-d");
      await term.waitForScreen([`Force close ${second}`, "› Cancel ‹"], "the confirmation with Cancel", STEP_MS);
      await term.press("Tab");
      await term.waitForScreen("› Force close ‹", "Force close highlighted", STEP_MS);
      await term.press("Enter");
      await term.waitForScreen(`Force-closed ${second}`, "force-closed", STEP_MS);
      await waitFor(() => carol.conversations.get(second)?.state === "closed", "Carol sees it Closed", STEP_MS);
      expect(carol.conversations.get(second)?.closedBy).toBe("sam");
      await term.waitForScreen(
        (s) => s.includes("ongoing 2") && !new RegExp(`^. ${second}\\s`, "m").test(s),
        "the closed one off the table",
        STEP_MS,
      );

      // q quits cleanly.
      await term.press("q");
      await term.waitForScreen("[program exited with status 0]", "the monitor quit", STEP_MS);
    },
    TEST_MS,
  );

  it(
    "SPEC SV1: only supervisors get in: with a rep's credentials the monitor prints the server's refusal and exits 1",
    async () => {
      const home = await startServerWithCredentials();
      const term = await startMonitor(home, ["--as", "alice"]);
      const screen = await term.waitForScreen(
        [
          "Alice Moreau is a rep; only supervisors sign in to the monitor, events and why.",
          "[program exited with status",
        ],
        "the refusal and the exit",
        START_MS,
      );
      expect(screen).toContain(
        "cc-agent: Alice Moreau is a rep; only supervisors sign in to the monitor, events and why.",
      );
      expect(term.exitStatus()).toBe("exited with status 1");
    },
    TEST_MS,
  );
});
