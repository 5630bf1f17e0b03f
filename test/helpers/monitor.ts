// Helpers for the monitor's app tests: a supervisor's welcome, and rendering the monitor with a fake
// client that records what went over the wire (the console's FakeClient and frame builders are reused).
import { createElement } from "react";
import type { Welcome } from "../../src/protocol/messages.js";
import type { ConversationView, OrgView, UserView } from "../../src/protocol/views.js";
import { createMonitorStore } from "../../src/cli/monitor-command.js";
import { MonitorController } from "../../src/ui/monitor/controller.js";
import type { MonitorStore } from "../../src/ui/monitor/controller.js";
import { MonitorApp } from "../../src/ui/monitor/MonitorApp.js";
import { makeTheme } from "../../src/ui/theme/theme.js";
import type { Theme } from "../../src/ui/theme/theme.js";
import { FakeClient, ORG, T0, driveInk, me, rep, stripSgr } from "./ui.js";

export const SAM: UserView = me({
  id: "sam",
  name: "Sam Rivera",
  role: "supervisor",
  presence: "offline",
  capacity: 0,
  queues: ["general", "billing"],
});
export const ALICE = rep("alice", "Alice Moreau", { used: 1, conversations: 1, queues: ["general", "billing"] });
export const BOB = rep("bob", "Bob Okafor", { queues: ["general", "billing"] });
export const CAROL = rep("carol", "Carol Tanaka", { capacity: 2, used: 2, conversations: 2, presence: "busy" });
export const TEAM = [ALICE, BOB, CAROL, SAM];

export function org(settings: Partial<OrgView["supervisor"]> = {}): OrgView {
  return { ...ORG, supervisor: { ...ORG.supervisor, ...settings } };
}

export function supervisorWelcome(
  conversations: ConversationView[] = [],
  options: { users?: UserView[]; org?: OrgView } = {},
): Welcome {
  return {
    type: "welcome",
    v: 1,
    seq: 1,
    session: { role: "supervisor", userId: "sam", name: "Sam Rivera" },
    mode: "snapshot",
    snapshot: {
      org: options.org ?? org(),
      me: SAM,
      users: options.users ?? TEAM,
      conversations,
      customerConversations: [],
      offers: [],
    },
    serverTime: T0,
  };
}

export interface Monitor {
  store: MonitorStore;
  client: FakeClient;
  controller: MonitorController;
  frame(): string;
  press(input: string): Promise<void>;
  /** Wait until the last frame satisfies the predicate (macrotask polling, no fixed sleeps). */
  waitForFrame(predicate: (frame: string) => boolean, what?: string): Promise<string>;
  exited: boolean;
  unmount(): void;
}

export const MON_KEYS = {
  ctrlD: "\x04",
  ctrlC: "\x03",
  f1: "\x1bOP",
  pageDown: "\x1b[6~",
};

export async function renderMonitor(
  options: {
    welcome?: Welcome;
    columns?: number;
    rows?: number;
    theme?: Theme;
    /** Lay the frame out at `columns` (ink-testing-library's 100 otherwise). */
    sized?: boolean;
  } = {},
): Promise<Monitor> {
  const store = createMonitorStore(T0, { columns: options.columns ?? 120, rows: options.rows ?? 40 });
  const client = new FakeClient();
  const result: Monitor = {} as Monitor;
  let ids = 0;
  const controller = new MonitorController(store, client, {
    exit: () => (result.exited = true),
    now: () => store.getState().base.now,
    newClientId: () => `sup-${++ids}`,
  });
  if (options.welcome) store.dispatch({ type: "welcome", welcome: options.welcome, now: T0 });
  Object.assign(result, {
    store,
    client,
    controller,
    exited: false,
    ...driveInk(
      createElement(MonitorApp, { store, controller, theme: options.theme ?? makeTheme({}) }),
      options.sized ? (options.columns ?? 120) : undefined,
    ),
  });
  return result;
}

/** The table row of a conversation (the line that holds its id as a cell). */
export function rowOf(frame: string, id: string): string {
  const line = stripSgr(frame)
    .split("\n")
    .find((l) => new RegExp(`^.\\s${id}\\s`).test(l));
  if (!line) throw new Error(`no row for ${id} in:\n${frame}`);
  return line;
}
