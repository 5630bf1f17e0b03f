// End to end, as a representative sees it: the BUILT `cc-agent` console runs in a real pseudo-terminal
// (tmux), signed in as Alice through the local credentials file of a server running in this process.
// Keys go in as a person types them and the screen is read back as text; a scripted customer (and Bob,
// a second rep) are real WebSocket clients. Every wait polls (screen or client state) until a deadline;
// nothing sleeps for a fixed time. Needs `npm run build` (npm test builds before vitest) and tmux.
import { afterEach, describe, expect, it } from "vitest";
import { EndToEnd, START_MS, STEP_MS, TEST_MS } from "../helpers/e2e.js";
import type { TmuxTerminal } from "../helpers/tmux.js";
import type { ScreenCheck } from "../helpers/tmux.js";
import type { TestClient } from "../helpers/ws.js";
import { waitFor } from "../helpers/ws.js";

const e2e = new EndToEnd();
afterEach(() => e2e.cleanup());
const token = (id: string) => e2e.token(id);
const connect = (hello: Parameters<EndToEnd["connect"]>[0]) => e2e.connect(hello);

/** The server (with its credentials file in CC_AGENT_HOME) and Alice's console in a 120×40 terminal, signed in and Available. */
async function startAliceConsole(): Promise<TmuxTerminal> {
  const home = await e2e.startServer("cc-agent-e2e-");
  const terminal = await e2e.startCli(["--as", "alice"], home);
  // Signing in from the local credentials, then going Available (the header says so).
  await terminal.waitForScreen(
    ["Alice Moreau", "● Available", "online", "My work items (0)"],
    "Alice signed in and Available",
    START_MS,
  );
  return terminal;
}

/** A visitor starts a live chat; resolves with the customer client and the conversation id. */
async function customerStarts(text: string): Promise<{ customer: TestClient; conversationId: string }> {
  const customer = await connect({ role: "customer" });
  const started = await customer.request({ type: "start", workstream: "live", text, clientId: "k1" });
  return { customer, conversationId: started.conversationId as string };
}

/** Type into the focused field and wait until the screen shows it, as a person would, before any Enter. */
async function typeAndSee(term: TmuxTerminal, text: string, shown: ScreenCheck, what: string): Promise<void> {
  await term.type(text);
  await term.waitForScreen(shown, what, STEP_MS);
}

describe("the built console in a real terminal", () => {
  it(
    "UX colour and accessibility: --screen-reader draws the panes one after the other and says each session row in words",
    async () => {
      const home = await e2e.startServer("cc-agent-e2e-sr-");
      const term = await e2e.startCli(["--as", "alice", "--screen-reader"], home);
      await term.waitForScreen(["Alice Moreau", "● Available", "My work items (0)"], "Alice signed in", START_MS);
      await customerStarts("Hello, I need help with my order");
      await term.waitForScreen("New conversation: Visitor 1 · General", "the offer", STEP_MS);
      await term.press("M-y");
      const screen = await term.waitForScreen(
        /^1 Visitor 1, Active, customer waiting \d+:\d\d, selected$/m,
        "the spoken session row",
        STEP_MS,
      );
      expect(screen).not.toMatch(/[│╭╮╰╯]/);
    },
    TEST_MS,
  );

  it(
    "SPEC L1, SPEC S4, SPEC L12: an offer shows customer and queue, Alt+Y opens the conversation, Enter sends, Alt+E and a filtered wrap-up reason close it",
    async () => {
      const term = await startAliceConsole();
      const sam = await connect({ role: "supervisor", token: token("sam") });

      const { customer, conversationId } = await customerStarts("Hello, I need help with my order");

      // L1: the offer card names the customer and the queue, previews the thread, names the rep, counts down.
      const offerScreen = await term.waitForScreen(
        ["New conversation: Visitor 1 · General", "Hello, I need help with my order"],
        "the offer card",
        STEP_MS,
      );
      expect(offerScreen).toContain("for Alice Moreau");
      expect(offerScreen).toMatch(/\d+s left/);
      expect(offerScreen).toContain("Alt+Y accept");

      // S4: accepting opens the active conversation in the communication pane.
      await term.press("M-y");
      const active = await term.waitForScreen(
        ["Visitor 1 [Active]", "V1: Hello, I need help with my order"],
        "the accepted conversation",
        STEP_MS,
      );
      expect(active).not.toContain("New conversation: Visitor 1");
      await waitFor(
        () => customer.customerConversations.get(conversationId)?.repName === "Alice Moreau",
        "the customer sees Alice",
        STEP_MS,
      );

      // L7: Enter sends; the customer receives exactly what was typed.
      const reply = "Sure, let me check that for you";
      await typeAndSee(term, reply, `› ${reply}`, "the reply in the composer");
      await term.press("Enter");
      await waitFor(
        () => (customer.messages.get(conversationId) ?? []).find((m) => m.text === reply && m.author.role === "rep"),
        "the customer receives the reply",
        STEP_MS,
      );
      await term.waitForScreen(
        [`You: ${reply}`, (s) => !s.includes(`› ${reply}`)],
        "the sent reply in the thread and an empty composer",
        STEP_MS,
      );

      // SPEC L9: a pasted line, line break included, stays in the composer (bracketed paste); Enter sends it whole.
      await term.paste("Your order 1Z999\n");
      await term.waitForScreen("› Your order 1Z999", "the pasted line in the composer", STEP_MS);
      await typeAndSee(term, "ships today", "ships today", "the second line typed after the paste");
      expect((customer.messages.get(conversationId) ?? []).filter((m) => m.author.role === "rep")).toHaveLength(1);
      await term.press("Enter");
      await waitFor(
        () => (customer.messages.get(conversationId) ?? []).find((m) => m.text === "Your order 1Z999\nships today"),
        "the customer receives the pasted lines",
        STEP_MS,
      );

      // L12: End opens the wrap-up reason dialog with every reason; the customer is told it ended.
      await term.press("M-e");
      const reasons = e2e.server!.org.wrapUpReasons.map((r) => r.label);
      const picker = await term.waitForScreen(
        ["Wrap-up reason", ...reasons.map((label, i) => `${i + 1}. ${label}`)],
        "the wrap-up reasons",
        STEP_MS,
      );
      // The picker lies over the details; the session pane says the state with its glyph.
      expect(picker).toMatch(/1 Visitor 1\s+◔/);
      await waitFor(
        () => customer.customerConversations.get(conversationId)?.ended,
        "the customer sees the end",
        STEP_MS,
      );

      // The list filters as the rep types; Enter submits the one left.
      await typeAndSee(
        term,
        "resol",
        (s) => s.includes("filter: resol") && s.includes("1. Resolved") && !s.includes("Needs follow-up"),
        "the filtered reasons",
      );
      await term.press("Enter");
      await term.waitForScreen("Wrap-up submitted: Resolved.", "the wrap-up confirmation", STEP_MS);

      // Closed for everyone: the supervisor and the customer see it, and Home lists it as recently closed.
      await waitFor(
        () => sam.conversations.get(conversationId)?.state === "closed",
        "the supervisor sees it closed",
        STEP_MS,
      );
      expect(sam.conversations.get(conversationId)?.closedBy).toBe("alice");
      await waitFor(
        () => customer.customerConversations.get(conversationId)?.state === "closed",
        "the customer sees it closed",
        STEP_MS,
      );
      await term.waitForScreen(
        ["My work items (0)", "Visitor 1 · General · Closed", "accepted 1 · ended 1 · transferred 0"],
        "Home after the wrap-up",
        STEP_MS,
      );
    },
    TEST_MS,
  );

  it(
    "SPEC L10, SPEC S4: Alt+T, Tab to Reps, a filtered pick of Bob transfers the chat and opens wrap-up; Bob accepts and the customer hears from him",
    async () => {
      const term = await startAliceConsole();
      // Bob is a second rep, Available after Alice: the longest idle rep (Alice) gets the first offer.
      const bob = await connect({ role: "rep", token: token("bob") });
      await bob.request({ type: "presence", presence: "available" });
      await waitFor(() => bob.users.get("bob")?.presence === "available", "Bob Available", STEP_MS);

      const { customer, conversationId } = await customerStarts("Can someone in billing look at my invoice?");
      await term.waitForScreen("New conversation: Visitor 1 · General", "the offer card", STEP_MS);
      expect(bob.pendingOffer(conversationId)).toBeUndefined();
      await term.press("M-y");
      await term.waitForScreen("Visitor 1 [Active]", "the accepted conversation", STEP_MS);

      // L10: transfer only after accepting; the list opens on Queues, Tab switches to Reps.
      await term.press("M-t");
      await term.waitForScreen(
        ["Transfer to [Queues] Reps", "1. General", "2. Billing"],
        "the transfer picker on Queues",
        STEP_MS,
      );
      await term.press("Tab");
      await term.waitForScreen(
        ["Transfer to Queues [Reps]", "Bob Okafor · Available"],
        "the transfer picker on Reps",
        STEP_MS,
      );
      await typeAndSee(
        term,
        "bob",
        (s) => s.includes("filter: bob") && s.includes("1. Bob Okafor") && !s.includes("Carol"),
        "Bob alone in the filtered list",
      );
      await term.press("Enter");

      // Transfer starts the request and opens the wrap-up dialog.
      await term.waitForScreen(["Wrap-up reason", "Transferred"], "the wrap-up dialog after the transfer", STEP_MS);
      const offer = await waitFor(() => bob.pendingOffer(conversationId), "Bob's transfer offer", STEP_MS);
      expect(offer.kind).toBe("transfer");
      expect(offer.byName).toBe("Alice Moreau");
      expect(offer.customerName).toBe("Visitor 1");

      await typeAndSee(
        term,
        "transf",
        (s) => s.includes("filter: transf") && s.includes("1. Transferred") && !s.includes("Resolved"),
        "the filtered reasons",
      );
      await term.press("Enter");
      await term.waitForScreen("Wrap-up submitted: Transferred.", "the wrap-up confirmation", STEP_MS);
      // The transferred conversation is no longer Alice's work: Home does not list it as hers.
      await term.waitForScreen(
        ["My work items (0)", "accepted 1 · ended 0 · transferred 1"],
        "Home after the transfer",
        STEP_MS,
      );

      // Bob accepts; the customer now talks to him.
      await bob.request({ type: "accept", offerId: offer.id });
      await waitFor(
        () =>
          bob.conversations.get(conversationId)?.ownerId === "bob" &&
          bob.conversations.get(conversationId)?.state === "active",
        "Bob owns it",
        STEP_MS,
      );
      const bobReply = "Hi, Bob from billing here. I have your invoice open.";
      await bob.request({ type: "send", conversationId, text: bobReply, clientId: "b1" });
      await waitFor(
        () => (customer.messages.get(conversationId) ?? []).find((m) => m.text === bobReply && m.author.role === "rep"),
        "the customer receives Bob's reply",
        STEP_MS,
      );
      expect(customer.customerConversations.get(conversationId)?.repName).toBe("Bob Okafor");
      expect(customer.customerConversations.get(conversationId)?.state).toBe("active");
    },
    TEST_MS,
  );
});
