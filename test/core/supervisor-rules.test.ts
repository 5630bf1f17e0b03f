// SPEC SV4, SV5, SV6, SV7, SV8: the monitor's refusals are the server's own. For every conversation state, owner,
// pending transfer, abort and organisation switch, the routing core's refusal of each supervisor action and the
// monitor's reason for dimming it (refusalFor, what its footer and flash show) are the same words, and one refuses
// exactly when the other does.
import { describe, expect, it } from "vitest";
import { conversationView } from "../../server/core/conversation-views.js";
import { orgView, userView } from "../../server/core/org-views.js";
import type { Command, Conversation } from "../../server/core/model.js";
import { SUPERVISOR_ACTIONS } from "../../src/protocol/rules.js";
import type { SupervisorAction } from "../../src/protocol/rules.js";
import { CONVERSATION_STATES } from "../../src/protocol/vocabulary.js";
import { reduceMonitor } from "../../src/ui/monitor/reducer.js";
import { refusalFor } from "../../src/ui/monitor/selectors.js";
import { initialMonitorState } from "../../src/ui/monitor/state.js";
import { CoreHarness, supervisor, testOrg } from "../helpers/core.js";

function command(action: SupervisorAction, conversationId: string): Command {
  switch (action) {
    case "monitor":
    case "join":
      return { type: "monitor", conversationId, mode: action };
    case "assign":
      return { type: "assign", conversationId, target: { kind: "queue", id: "billing" } };
    case "transfer":
      return { type: "supervisor_transfer", conversationId, target: { kind: "queue", id: "billing" } };
    case "force-close":
      return { type: "force_close", conversationId };
  }
}

/** What the monitor says of `action` on `c`, given the view the server would send it. */
function monitorSays(h: CoreHarness, c: Conversation, action: SupervisorAction): string | null {
  const state = h.state;
  const snapshot = {
    org: orgView(state),
    me: userView(state.users.sam!),
    users: Object.values(state.users).map((u) => userView(u)),
    conversations: [conversationView(state, c, false)],
    customerConversations: [],
    offers: [],
  };
  const monitor = reduceMonitor(initialMonitorState(h.now), {
    type: "welcome",
    welcome: {
      type: "welcome",
      v: 1,
      seq: 1,
      session: { role: "supervisor", userId: "sam", name: "Sam Rivera" },
      epoch: "e1",
      mode: "snapshot",
      snapshot,
      serverTime: h.now,
    },
    now: h.now,
  });
  return refusalFor(monitor, action, c.id);
}

describe("the monitor's refusals are the server's rules", () => {
  const switches = [
    { monitor: true, assign: true, transfer: true, forceClose: true },
    { monitor: false, assign: false, transfer: false, forceClose: false },
  ];
  for (const settings of switches) {
    it(`agree over every state, owner, transfer and abort (supervisor actions ${settings.monitor ? "on" : "off"})`, () => {
      let compared = 0;
      let refused = 0;
      for (const state of CONVERSATION_STATES) {
        for (const ownerId of [null, "alice", "sam"]) {
          for (const transfer of [
            null,
            {
              by: "rep" as const,
              fromRepId: "alice",
              target: { kind: "queue" as const, id: "general" },
              offerId: null,
            },
          ]) {
            for (const aborted of [null, "the customer's widget failed"]) {
              for (const action of SUPERVISOR_ACTIONS) {
                const h = new CoreHarness(testOrg({ supervisor: settings }));
                const id = h.start("live");
                const c: Conversation = { ...h.conversation(id), state, ownerId, transfer, aborted };
                h.state.conversations[id] = c;
                const monitor = monitorSays(h, c, action);
                const outcome = h.run(supervisor(), command(action, id));
                const server = outcome.ok ? null : outcome.error.message;
                expect(
                  monitor,
                  `${action} on ${state}, owner ${ownerId}, transfer ${Boolean(transfer)}, aborted ${Boolean(aborted)}`,
                ).toBe(server);
                compared++;
                if (server) refused++;
              }
            }
          }
        }
      }
      expect(compared).toBe(CONVERSATION_STATES.length * 3 * 2 * 2 * SUPERVISOR_ACTIONS.length);
      // Both outcomes were seen: the comparison covers allowed and refused actions alike.
      expect(refused).toBeGreaterThan(0);
      expect(refused).toBeLessThan(settings.monitor ? compared : compared + 1);
    });
  }
});
