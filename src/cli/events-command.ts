// `cc-agent events`: the server's event log as JSON lines, one event a line, for integrations and audit. Signs in
// as a supervisor the way the monitor does. Without --follow it stops at the present; with it, it keeps printing
// and, after a reconnect, carries on from the last seq printed: nothing missed, nothing twice.
import type { Command } from "commander";
import type { CcClient } from "../client/client.js";
import { MAX_EVENTS_PAGE } from "../protocol/wire.js";
import { terminalSafeJson } from "../protocol/sanitize.js";
import { resolveIdentity } from "./console-command.js";
import type { ConsoleTarget } from "./console-command.js";
import { connectClient, exitWithCode2OnFlagErrors, intInRange, parseServerUrl } from "./local-server.js";

/** While following, ask anyway this often: an event no supervisor view shows sends no `event` frame. */
const FOLLOW_POLL_MS = 1000;

interface LogPage {
  events: { seq: number }[];
  lastSeq: number;
}

/** Write a line, waiting for stdout to drain when it is full (a slow pipe must not grow memory). */
function writeLine(out: NodeJS.WritableStream, line: string): Promise<void> | undefined {
  if (out.write(`${line}\n`)) return undefined;
  return new Promise((resolve) => out.once("drain", () => resolve()));
}

async function page(client: CcClient, fromSeq: number): Promise<LogPage> {
  return (await client.request({ type: "events", fromSeq, limit: MAX_EVENTS_PAGE })) as unknown as LogPage;
}

/** Print from `from` up to the log's last seq when asked, then stop. */
async function printToPresent(client: CcClient, from: number, out: NodeJS.WritableStream): Promise<void> {
  let next = from;
  let end: number | undefined;
  for (;;) {
    const { events, lastSeq } = await page(client, next);
    end ??= lastSeq;
    for (const event of events) {
      if (event.seq > end) return;
      await writeLine(out, terminalSafeJson(event));
      next = event.seq + 1;
    }
    if (events.length === 0 || next > end) return;
  }
}

/** Print from `from` and keep printing until the returned stop is called. */
function follow(client: CcClient, from: number, out: NodeJS.WritableStream): { stop(): void; failed: Promise<never> } {
  let next = from;
  /** Bumped when the connection drops: a request sent before then is never answered and is forgotten. */
  let generation = 0;
  let running = false;
  let again = false;
  let stopped = false;
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));

  const pump = async (): Promise<void> => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    const mine = generation;
    try {
      do {
        again = false;
        for (;;) {
          const { events } = await page(client, next);
          if (mine !== generation || stopped) return;
          for (const event of events) {
            if (event.seq < next) continue;
            await writeLine(out, terminalSafeJson(event));
            next = event.seq + 1;
          }
          if (events.length < MAX_EVENTS_PAGE) break;
        }
      } while (again && !stopped);
    } catch {
      // The connection dropped or the request timed out: the next welcome or event asks again.
    } finally {
      if (mine === generation) running = false;
    }
  };

  client.on("state", (state: string) => {
    if (state !== "reconnecting") return;
    generation++;
    running = false;
  });
  client.on("welcome", () => void pump());
  client.on("event", () => void pump());
  client.on("fatal", (error: Error) => fail(error));
  const timer = setInterval(() => void pump(), FOLLOW_POLL_MS);
  void pump();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    failed,
  };
}

export async function runEvents(
  target: ConsoleTarget,
  options: { from: number; follow: boolean },
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const { client } = await connectClient(target.url, {
    role: "supervisor",
    token: target.token,
    client: "cc-agent events",
  });
  if (!options.follow) {
    try {
      await printToPresent(client, options.from, out);
    } finally {
      await client.close();
    }
    return;
  }
  const following = follow(client, options.from, out);
  const signalled = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  try {
    await Promise.race([signalled, following.failed]);
  } finally {
    following.stop();
    await client.close();
  }
}

export function registerEventsCommand(program: Command): void {
  const command = program
    .command("events")
    .description("the event log as JSON lines (signed in as a supervisor), for integrations and audit")
    .option(
      "--from <seq>",
      "first seq to print (default: 1, the start of the log)",
      intInRange(1, Number.MAX_SAFE_INTEGER),
    )
    .option("--follow", "keep printing new events; after a reconnect, carry on from the last seq printed")
    .option("--server <url>", "routing server (default: the local one)", parseServerUrl)
    .option("--as <user>", "sign in as this supervisor from the local credentials (id or name)")
    .option("--token <token>", "sign in with this supervisor's token (a remote server)")
    .action(async (options: { from?: number; follow?: boolean; server?: string; as?: string; token?: string }) => {
      await runEvents(resolveIdentity(options, "supervisor"), {
        from: options.from ?? 1,
        follow: options.follow === true,
      });
    });
  exitWithCode2OnFlagErrors(command);
}
