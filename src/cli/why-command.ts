// `cc-agent why CONVERSATION`: the routing decisions behind where a conversation is, each rep of the queue and why
// they were passed over, and why the chosen one was chosen. Signs in as a supervisor the way the monitor does; the
// server explains with the routing core's own selection (docs/protocol.md, "Routing explained").
import type { Command } from "commander";
import type { WhyAnswer } from "../protocol/why.js";
import { whyLines } from "../protocol/why.js";
import { resolveIdentity } from "./console-command.js";
import type { ConsoleTarget } from "./console-command.js";
import { connectClient, exitWithCode2OnFlagErrors, parseServerUrl } from "./local-server.js";

export async function runWhy(
  target: ConsoleTarget,
  conversationId: string,
  options: { json: boolean },
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const { client } = await connectClient(target.url, {
    role: "supervisor",
    token: target.token,
    client: "cc-agent why",
  });
  try {
    const answer = (await client.request({ type: "why", conversationId })) as unknown as WhyAnswer;
    out.write(options.json ? `${JSON.stringify(answer)}\n` : `${whyLines(answer).join("\n")}\n`);
  } finally {
    await client.close();
  }
}

export function registerWhyCommand(program: Command): void {
  const command = program
    .command("why")
    .description("why a conversation is where it is: each routing decision, every rep's verdict (as a supervisor)")
    .argument("<conversation>", "the conversation's id, e.g. c12")
    .option("--json", "the server's answer as one JSON line")
    .option("--server <url>", "routing server (default: the local one)", parseServerUrl)
    .option("--as <user>", "sign in as this supervisor from the local credentials (id or name)")
    .option("--token <token>", "sign in with this supervisor's token (a remote server)")
    .action(async (conversation: string, options: { json?: boolean; server?: string; as?: string; token?: string }) => {
      await runWhy(resolveIdentity(options, "supervisor"), conversation, { json: options.json === true });
    });
  exitWithCode2OnFlagErrors(command);
}
