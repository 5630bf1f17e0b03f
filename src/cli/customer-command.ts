// `cc-agent customer`: a customer's chat in the terminal. On a TTY a small line chat (readline); with piped
// input one message per input line and one output line per message or system event, so it can be scripted.
// Every string that came from the server is sanitised before it is written.
// Here: the flags and help, the sign-in, the connection and the workstream; the chat itself is customer-chat.ts.
import type { Command } from "commander";
import { RequestError } from "../client/client.js";
import { sanitizeLine } from "../protocol/sanitize.js";
import { CustomerChat } from "./customer-chat.js";
import {
  NoServerError,
  connectClient,
  exitWithCode2OnFlagErrors,
  findLocalServer,
  flagError,
  parseServerUrl,
  signedIdentity,
  textFlag,
} from "./local-server.js";
import type { CustomerHello, CustomerIdentity } from "./local-server.js";

interface CustomerOptions {
  server?: string;
  name?: string;
  email?: string;
  account?: string;
  case?: string;
  workstream: string;
  resume?: boolean;
}

const HELP = `
Type a message and press Enter to send it; the first one starts the chat. Commands:
  /end     end a live chat (a persistent chat can only be ended by the rep)
  /quit    leave: a live chat ends, a persistent chat stays open for --resume
  /help    these commands
Tab completes a command being typed. Start a line with // to send a message that begins with /.

When a chat a rep answered has ended (you or the rep ended it), you are asked to rate it from 1 (poor)
to 5 (excellent), then for an optional comment. Enter on an empty line skips the question; Ctrl+C or
the end of input leaves without rating.

With --name the customer is signed in, with the org's secret from the local server's credentials
(~/.cc-agent/local-server.json, or $CC_AGENT_HOME); without it they are a visitor ("Visitor N").
A signed-in customer is identified by their --email when it is given, else by their --name: come back
with the same --email (or, without one, the same --name) to find your conversations.
Persistent chat needs a signed-in customer. --resume comes back to the open conversation of that
customer and shows its history; once the rep has ended it, a new conversation starts. Signed in by
--name alone, --resume that finds nothing open says so and exits 1 (a conversation started with
--email is that e-mail's: add it) instead of starting a second one.

When stdin is not a terminal (piped): one message per input line, and one output line per message or
system event; your own lines are not echoed. It exits when the conversation ends or input ends (a live
chat is then ended; a persistent chat stays open). Output lines:
  [10:42] Alice Moreau: Hi, how can I help?        a rep's message (line breaks shown as " ⏎ ")
  [10:42] * You are number 2 in the queue.          a system message or event
  [10:43] * The conversation has ended.
  [10:43] * How was this chat? Rate it from 1 (poor) to 5 (excellent), or press Enter to skip.
  [10:40] You: My invoice is wrong                  your earlier messages, in a resumed history
Errors go to stderr.

Examples:
  cc-agent customer
  cc-agent customer --name "Kenny Smith" --email kenny@example.com --workstream persistent
  cc-agent customer --name "Kenny Smith" --email kenny@example.com --workstream persistent --resume
  printf 'Hi\\nMy order is late\\n' | cc-agent customer
`;

function identityFrom(options: CustomerOptions): CustomerIdentity | null {
  if (!options.name) return null;
  const id = options.email ? `email:${options.email.toLowerCase()}` : `name:${options.name.toLowerCase()}`;
  const identity: CustomerIdentity = { id, name: options.name };
  if (options.email !== undefined) identity.email = options.email;
  if (options.account !== undefined) identity.account = options.account;
  if (options.case !== undefined) identity.caseTitle = options.case;
  return identity;
}

async function runCustomer(options: CustomerOptions, command: Command): Promise<void> {
  if (!options.name && (options.email !== undefined || options.account !== undefined || options.case !== undefined)) {
    flagError(command, "--email, --account and --case describe a signed-in customer: add --name");
  }
  if (options.resume && !options.name)
    flagError(
      command,
      "--resume finds the open conversation of a signed-in customer: add --name (and the same --email)",
    );
  const server = findLocalServer(options.server);
  const identity = identityFrom(options);
  const hello: CustomerHello = { role: "customer", client: "cc-agent-customer" };
  if (identity) {
    const secret = server.credentials?.secret;
    if (!secret) {
      throw new Error(
        `cannot sign in as "${identity.name}": no local server credentials in ${server.credentialsFile}; start \`cc-agent server\` on this machine, or leave out --name to chat as a visitor`,
      );
    }
    hello.identity = signedIdentity(secret, identity);
  }

  let connection: Awaited<ReturnType<typeof connectClient>>;
  try {
    connection = await connectClient(server.url, hello);
  } catch (error) {
    if (error instanceof NoServerError) throw error;
    if (error instanceof RequestError && error.code === "auth/invalid_identity") {
      throw new Error(
        `the server at ${server.url} does not accept the identity signed with the local credentials (${server.credentialsFile}): ${sanitizeLine(error.message)}`,
        { cause: error },
      );
    }
    throw new Error(`the server at ${server.url} refused the connection: ${sanitizeLine((error as Error).message)}`, {
      cause: error,
    });
  }
  const { client, welcome } = connection;

  const workstreams = welcome.snapshot?.org.workstreams ?? [];
  const wanted = options.workstream;
  const workstream =
    workstreams.find((w) => w.id === wanted) ??
    (wanted === "live" || wanted === "persistent" ? workstreams.find((w) => w.mode === wanted) : undefined);
  if (!workstream) {
    await client.close();
    const known = workstreams.map((w) => `${sanitizeLine(w.id)} (${w.mode})`).join(", ") || "none";
    flagError(command, `--workstream ${wanted}: this server has no such workstream; it has ${known}`);
  }
  if (workstream.mode === "persistent" && !identity) {
    await client.close();
    flagError(
      command,
      "persistent chat needs a signed-in customer, so that the history can follow them: add --name (and --email)",
    );
  }

  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const chat = new CustomerChat({
    client,
    hello,
    welcome,
    workstream: { id: workstream.id, name: workstream.name, mode: workstream.mode },
    who: identity
      ? `signed in as ${sanitizeLine(identity.name)}${identity.email ? ` <${sanitizeLine(identity.email)}>` : " (by name)"}`
      : "as a visitor",
    tty,
    resume: options.resume === true,
    identifiedBy: identity
      ? options.email
        ? { by: "email", value: options.email }
        : { by: "name", value: identity.name }
      : null,
  });
  chat.start();
  await chat.finished;
  if (chat.exitCode !== 0) process.exitCode = chat.exitCode;
}

export function registerCustomerCommand(program: Command): void {
  const command = program
    .command("customer")
    .description("chat as a customer in the terminal (live or persistent chat)")
    .option(
      "--server <url>",
      "the server's WebSocket URL (default: the local server, else ws://127.0.0.1:7420/ws)",
      parseServerUrl,
    )
    .option("--name <name>", "sign in as this customer (without it: a visitor)", textFlag(200))
    .option("--email <e>", "the signed-in customer's e-mail", textFlag(200))
    .option("--account <a>", "the signed-in customer's account", textFlag(200))
    .option("--case <title>", "the signed-in customer's case title", textFlag(200))
    .option("--workstream <id>", "live, persistent, or a workstream id", textFlag(64), "live")
    .option("--resume", "come back to your open conversation and show its history")
    .addHelpText("after", HELP)
    .action((options: CustomerOptions, cmd: Command) => runCustomer(options, cmd));
  exitWithCode2OnFlagErrors(command);
}
