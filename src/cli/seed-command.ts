// `cc-agent seed`: scripted demo customers who arrive over time, talk and answer replies (seed-script.ts
// writes the script; this runs it). Each customer has their own connection, as a real one would. Arrivals
// are serialised — a customer's conversation is started before the next one arrives — so the same seed
// also gives the same conversation order. Everything is bounded by --count and --duration: no rep is needed
// for it to finish. Progress and the summary go to stderr.
import { setMaxListeners } from "node:events";
import { Option } from "commander";
import type { Command } from "commander";
import type { CcClient } from "../client/client.js";
import type { EventFrame, Welcome } from "../protocol/messages.js";
import { sanitizeLine } from "../protocol/sanitize.js";
import type { Change, CustomerConversationView, MessageView } from "../protocol/views.js";
import {
  NoServerError,
  connectClient,
  exitWithCode2OnFlagErrors,
  findLocalServer,
  flagError,
  intInRange,
  numberInRange,
  parseServerUrl,
  signedIdentity,
} from "./local-server.js";
import type { CustomerHello } from "./local-server.js";
import { KIND_LABELS, buildScript } from "./seed-script.js";
import type { CustomerKind, ScriptedCustomer } from "./seed-script.js";

interface SeedOptions {
  server?: string;
  count: number;
  persistent?: number;
  rate: number;
  duration: number;
  seed?: number;
  timeScale: number;
}

const HELP = `
Customers arrive at --rate per minute (a Poisson process) until --count have come, each with a script:
live and persistent chats, signed-in customers and visitors, an angry customer (sentiment alert), customers
who paste a card number, an IBAN, a phone number or an e-mail (masked for reps), a chatty one who sends a
dozen messages in a row, persistent customers who leave and come back later, and customers who end their
live chat themselves. They answer the reps' replies and give up after a while when nobody answers.

The same --seed gives the same customers, texts and arrival order. Progress and a closing summary go to
stderr. Ctrl+C stops the customers, prints the summary and exits 0; conversations stay as they are.

Examples:
  cc-agent seed                          12 customers, about 6 a minute
  cc-agent seed --count 40 --rate 30 --seed 7
  cc-agent seed --duration 120           stop after two minutes
`;

interface Stats {
  arrived: number;
  live: number;
  persistent: number;
  signedIn: number;
  visitors: number;
  failed: number;
  messages: number;
  answers: number;
  customerEnded: number;
  cameBack: number;
  endedByRep: number;
  kinds: Map<CustomerKind, number>;
}

interface Context {
  url: string;
  secret: string | null;
  workstreams: { live: string; persistent: string | null };
  signal: AbortSignal;
  stats: Stats;
  log(line: string): void;
}

type WaitOutcome = "ready" | "timeout" | "stop";

/** One scripted customer on their own connection. */
class SeedCustomer {
  private client: CcClient | null = null;
  private readonly hello: CustomerHello;
  private conversationId: string | null = null;
  private name: string;
  private readonly seen = new Set<string>();
  private repMessages = 0;
  private ended = false;
  /** Code of the latest system message in the conversation ("ended", "customer_ended", …). */
  private lastSystemCode: string | undefined;
  private readonly endedIds = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private nextClientId = 1;

  constructor(
    private readonly script: ScriptedCustomer,
    private readonly ctx: Context,
  ) {
    this.hello = { role: "customer", client: "cc-agent-seed" };
    const identity = ctx.secret ? script.identity : null;
    if (identity && ctx.secret) this.hello.identity = signedIdentity(ctx.secret, identity);
    this.name = identity?.name ?? "a visitor";
  }

  private get label(): string {
    return `#${this.script.index} ${this.name}`;
  }

  private get workstream(): string {
    return this.script.mode === "persistent" && this.ctx.workstreams.persistent
      ? this.ctx.workstreams.persistent
      : this.ctx.workstreams.live;
  }

  private get stopped(): boolean {
    return this.ctx.signal.aborted || this.ended;
  }

  /** Connect and start (or, coming back, resume) the conversation with `text`. */
  private async start(text: string): Promise<string> {
    const { client, welcome } = await connectClient(this.ctx.url, this.hello);
    this.client = client;
    this.onWelcome(welcome);
    client.on("welcome", (w: Welcome) => this.onWelcome(w));
    client.on("event", (frame: EventFrame) => {
      for (const change of frame.changes) this.onChange(change);
    });
    const ack = await client.request({ type: "start", workstream: this.workstream, text, clientId: this.clientId() });
    const id = ack.conversationId as string;
    // A visitor reconnecting after a network drop needs the conversation's token (the hello is re-sent as is).
    if (!this.hello.identity && typeof ack.conversationToken === "string")
      this.hello.conversationToken = ack.conversationToken;
    this.ctx.stats.messages++;
    return id;
  }

  /** Arrive: connect and start the conversation. Resolves once the server has it, so arrivals keep their order. */
  async arrive(): Promise<boolean> {
    const { stats } = this.ctx;
    try {
      this.conversationId = await this.start(this.script.opening);
      this.checkEnded();
    } catch (error) {
      stats.failed++;
      this.ctx.log(`${this.label} could not start a chat: ${describe(error)}`);
      await this.close();
      return false;
    }
    stats.arrived++;
    const persistent = this.workstream === this.ctx.workstreams.persistent;
    if (persistent) stats.persistent++;
    else stats.live++;
    if (this.hello.identity) stats.signedIn++;
    else stats.visitors++;
    stats.kinds.set(this.script.kind, (stats.kinds.get(this.script.kind) ?? 0) + 1);
    this.ctx.log(
      `${this.label} · ${persistent ? "persistent" : "live"} · ${KIND_LABELS[this.script.kind]} → ${this.conversationId}`,
    );
    return true;
  }

  /** The rest of the script, after arriving. */
  async run(): Promise<void> {
    try {
      await this.sayAll(this.script.messages);
      await this.converse(this.script.answers);
      const comeBack = this.script.comeBack;
      if (comeBack && !this.ctx.signal.aborted) {
        await this.close();
        this.ctx.log(
          `${this.label} left the chat; back in about ${Math.max(1, Math.round(comeBack.afterMs / 1000))} s`,
        );
        const previous = this.conversationId;
        this.conversationId = null;
        this.ended = false;
        if ((await this.wait(comeBack.afterMs)) === "stop") return;
        const [first, ...rest] = comeBack.messages;
        if (!first || (await this.wait(first.delayMs)) === "stop") return;
        const id = await this.start(first.text);
        this.conversationId = id;
        this.checkEnded();
        this.ctx.stats.cameBack++;
        // The open persistent conversation carries on (P5); after a rep ended it, a new one starts (P8).
        this.ctx.log(
          `${this.label} came back to ${id}${id === previous ? "" : " (a new conversation: a rep had ended the last one)"}`,
        );
        await this.sayAll(rest);
        await this.converse(this.script.answers.slice(0, 1));
      }
      if (this.script.endsChat && !this.stopped && this.client && this.conversationId) {
        await this.client.request({ type: "end", conversationId: this.conversationId });
        this.ctx.stats.customerEnded++;
        this.ctx.log(`${this.label} ended the chat ${this.conversationId}`);
      }
    } catch (error) {
      if (!this.ctx.signal.aborted) {
        this.ctx.stats.failed++;
        this.ctx.log(`${this.label}: ${describe(error)}`);
      }
    } finally {
      await this.close();
    }
  }

  private async sayAll(messages: ScriptedCustomer["messages"]): Promise<void> {
    for (const message of messages) {
      if ((await this.wait(message.delayMs)) === "stop") return;
      await this.say(message.text);
    }
  }

  private async say(text: string): Promise<void> {
    if (!this.client || !this.conversationId) return;
    await this.client.request({ type: "send", conversationId: this.conversationId, text, clientId: this.clientId() });
    this.ctx.stats.messages++;
  }

  /** Answer the rep's replies, one answer per reply, while they keep coming within the customer's patience. */
  private async converse(answers: ScriptedCustomer["answers"]): Promise<void> {
    let handled = this.repMessages;
    for (const answer of answers) {
      if ((await this.wait(this.script.patienceMs, () => this.repMessages > handled)) !== "ready") return;
      handled = this.repMessages;
      if ((await this.wait(answer.delayMs)) === "stop") return;
      await this.say(answer.text);
      this.ctx.stats.answers++;
    }
  }

  /** Wait `ms`, or until `until()` holds ("ready"); "stop" when the seed stops or the conversation ended. */
  private wait(ms: number, until?: () => boolean): Promise<WaitOutcome> {
    if (this.stopped) return Promise.resolve("stop");
    if (until?.()) return Promise.resolve("ready");
    return new Promise((resolve) => {
      const done = (outcome: WaitOutcome) => {
        clearTimeout(timer);
        this.ctx.signal.removeEventListener("abort", onAbort);
        this.listeners.delete(onChange);
        resolve(outcome);
      };
      const onAbort = () => done("stop");
      const onChange = () => {
        if (until?.()) done("ready");
        else if (this.stopped) done("stop");
      };
      const timer = setTimeout(() => done(this.stopped ? "stop" : "timeout"), ms);
      this.ctx.signal.addEventListener("abort", onAbort, { once: true });
      this.listeners.add(onChange);
    });
  }

  private onWelcome(welcome: Welcome): void {
    for (const c of welcome.snapshot?.customerConversations ?? []) this.onConversation(c);
  }

  private onChange(change: Change): void {
    if (change.kind === "customer_conversation") this.onConversation(change.conversation);
    else if (change.kind === "message") this.onMessage(change.message);
    for (const listener of [...this.listeners]) listener();
  }

  private onConversation(c: CustomerConversationView): void {
    for (const m of c.messages ?? []) this.onMessage(m);
    if (c.ended) this.endedIds.add(c.id);
    this.checkEnded();
  }

  /** The current conversation ended (events may come before the ack that names it: both are checked). */
  private checkEnded(): void {
    const id = this.conversationId;
    if (!id || !this.endedIds.has(id) || this.ended) return;
    this.ended = true;
    // Told apart from the customer's own end by the code of the last system message.
    if (this.lastSystemCode !== "customer_ended") {
      this.ctx.stats.endedByRep++;
      this.ctx.log(`${this.label}: a rep ended ${id}`);
    }
  }

  private onMessage(m: MessageView): void {
    if (this.seen.has(m.id)) return;
    this.seen.add(m.id);
    if (m.author.role === "rep" || m.author.role === "supervisor") this.repMessages++;
    else if (m.author.role === "system" && m.code) this.lastSystemCode = m.code;
    else if (m.author.role === "customer" && !this.hello.identity) this.name = sanitizeLine(m.author.name) || this.name;
  }

  private clientId(): string {
    return `seed-${this.script.index}-${this.nextClientId++}`;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.close();
  }
}

function describe(error: unknown): string {
  if (error instanceof NoServerError) return "the server went away";
  return sanitizeLine((error as Error).message ?? String(error));
}

/** Resolves true at `at` (epoch ms), false if the seed stops first. */
function sleepUntil(at: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      },
      Math.max(0, at - Date.now()),
    );
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

async function runSeed(options: SeedOptions, command: Command): Promise<void> {
  const count = options.count;
  const persistentWanted = options.persistent ?? Math.round(count / 4);
  if (persistentWanted > count)
    flagError(command, `--persistent (${persistentWanted}) cannot be more than --count (${count})`);
  const seed = options.seed ?? Date.now() % 2 ** 32;
  const started = Date.now();
  const log = (line: string) =>
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);

  // Find the server, check that it answers, and learn its workstreams.
  const server = findLocalServer(options.server);
  let secret = server.credentials?.secret ?? null;
  const probeHello: CustomerHello = { role: "customer", client: "cc-agent-seed" };
  if (secret) probeHello.identity = signedIdentity(secret, { id: `seed-${seed}-probe`, name: "Seed probe" });
  let welcome: Welcome;
  try {
    const probe = await connectClient(server.url, probeHello);
    welcome = probe.welcome;
    await probe.client.close();
  } catch (error) {
    if (error instanceof NoServerError || !secret) throw new Error(noServer(error, server.url), { cause: error });
    // The local credentials belong to another server: go on with visitors only.
    secret = null;
    process.stderr.write(
      `seed: the server at ${server.url} does not accept the local demo credentials (${server.credentialsFile}); every customer is a visitor, on live chat.\n`,
    );
    try {
      const probe = await connectClient(server.url, { role: "customer", client: "cc-agent-seed" });
      welcome = probe.welcome;
      await probe.client.close();
    } catch (again) {
      throw new Error(noServer(again, server.url), { cause: again });
    }
  }
  if (!secret && server.credentials === null) {
    process.stderr.write(
      `seed: no local demo credentials in ${server.credentialsFile}; every customer is a visitor, on live chat.\n`,
    );
  }
  const workstreams = welcome.snapshot?.org.workstreams ?? [];
  const live =
    workstreams.find((w) => w.id === "live" && w.mode === "live") ?? workstreams.find((w) => w.mode === "live");
  const persistentWs =
    workstreams.find((w) => w.id === "persistent" && w.mode === "persistent") ??
    workstreams.find((w) => w.mode === "persistent");
  if (!live) throw new Error(`the server at ${server.url} has no live-chat workstream to seed`);
  let persistent = persistentWanted;
  if (persistent > 0 && (!persistentWs || !secret)) {
    if (!persistentWs)
      process.stderr.write("seed: this org has no persistent workstream; every customer uses live chat.\n");
    persistent = 0;
  }

  const script = buildScript({ seed, count, persistent, ratePerMinute: options.rate, timeScale: options.timeScale });
  const controller = new AbortController();
  // Every waiting customer listens for the stop.
  setMaxListeners(0, controller.signal);
  let stoppedBy: string | null = null;
  const stop = (why: string) => {
    if (controller.signal.aborted) return;
    stoppedBy = why;
    log(`stopping (${why}): the customers leave; their conversations stay as they are`);
    controller.abort();
  };
  const onSignal = () => stop("Ctrl+C");
  const onTerm = () => stop("SIGTERM");
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onTerm);
  const durationTimer =
    options.duration > 0 ? setTimeout(() => stop(`--duration ${options.duration} s`), options.duration * 1000) : null;

  const stats: Stats = {
    arrived: 0,
    live: 0,
    persistent: 0,
    signedIn: 0,
    visitors: 0,
    failed: 0,
    messages: 0,
    answers: 0,
    customerEnded: 0,
    cameBack: 0,
    endedByRep: 0,
    kinds: new Map(),
  };
  const ctx: Context = {
    url: server.url,
    secret,
    workstreams: { live: live.id, persistent: persistentWs?.id ?? null },
    signal: controller.signal,
    stats,
    log,
  };
  process.stderr.write(
    `seed: ${plural(count, "customer")} (${count - persistent} live, ${persistent} persistent) at ${options.rate}/min, --seed ${seed}, against ${server.url}\n`,
  );

  const runs: Promise<void>[] = [];
  try {
    let nextAt = Date.now();
    for (const customer of script) {
      nextAt += customer.arriveAfterMs;
      if (!(await sleepUntil(nextAt, controller.signal))) break;
      const visitor = new SeedCustomer(customer, ctx);
      if (await visitor.arrive()) runs.push(visitor.run());
      if (controller.signal.aborted) break;
    }
    await Promise.allSettled(runs);
  } finally {
    if (durationTimer) clearTimeout(durationTimer);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onTerm);
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const mix = [...stats.kinds.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([kind, n]) => `${n} ${KIND_LABELS[kind]}`);
  const lines = [
    `seed: ${stoppedBy ? `stopped by ${stoppedBy}` : "done"} after ${seconds} s (--seed ${seed})`,
    `  ${plural(stats.arrived, "customer")} of ${count} arrived: ${stats.live} live, ${stats.persistent} persistent; ${stats.signedIn} signed in, ${plural(stats.visitors, "visitor")}`,
    `  mix: ${mix.join(", ") || "none"}`,
    `  ${plural(stats.messages, "message")} sent, ${plural(stats.answers, "reply", "replies")} answered; ${stats.customerEnded} ended their live chat, ${stats.cameBack} came back later, ${stats.endedByRep} ended by a rep`,
  ];
  if (stats.failed > 0) lines.push(`  ${plural(stats.failed, "customer")} ran into an error (see above)`);
  process.stderr.write(`${lines.join("\n")}\n`);
}

function noServer(error: unknown, url: string): string {
  if (error instanceof NoServerError) return error.message;
  return `the server at ${url} refused the connection: ${describe(error)}`;
}

export function registerSeedCommand(program: Command): void {
  const command = program
    .command("seed")
    .description("scripted demo customers who arrive over time, talk and answer replies")
    .option(
      "--server <url>",
      "the server's WebSocket URL (default: the local server, else ws://127.0.0.1:7420/ws)",
      parseServerUrl,
    )
    .option("--count <n>", "how many customers arrive", intInRange(1, 10_000), 12)
    .option("--persistent <n>", "how many of them use persistent chat (default: a quarter)", intInRange(0, 10_000))
    .option("--rate <per-min>", "arrivals per minute", numberInRange(60_000), 6)
    .option(
      "--duration <s>",
      "stop after this many seconds (default 0: when every customer is done)",
      numberInRange(7 * 86_400, true),
      0,
    )
    .option(
      "--seed <k>",
      "the same seed gives the same customers, texts and order (default: from the clock)",
      intInRange(0, 2 ** 32 - 1),
    )
    // Scales every think time, patience and come-back delay: tests and quick demos run the same script faster.
    .addOption(new Option("--time-scale <factor>").argParser(numberInRange(1000)).default(1).hideHelp())
    .addHelpText("after", HELP)
    .action((options: SeedOptions, cmd: Command) => runSeed(options, cmd));
  exitWithCode2OnFlagErrors(command);
}
