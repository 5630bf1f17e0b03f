// The built `cc-agent customer` in a real child process, with piped stdin, against a real server in this
// process and a scripted rep. Needs `npm run build` first (npm test does it).
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_USER_IDS, demoOrgFile } from "../../server/org-file.js";
import { startServer } from "../../server/start-server.js";
import type { RunningServer } from "../../server/start-server.js";
import { eventsAbout } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin", "cc-agent.js");
const TIME = String.raw`\[\d\d:\d\d\]`;
const line = (pattern: string) => new RegExp(`^${TIME} ${pattern}$`);

/** The built CLI in a child process: lines of stdout, stderr, and how it exited. */
class Cli {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  stderr = "";
  exitCode: number | null | undefined = undefined;
  private partial = "";

  constructor(args: string[], home: string) {
    this.child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, CC_AGENT_HOME: home, NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stdout.setEncoding("utf8");
    this.child.stderr.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => {
      const parts = (this.partial + chunk).split("\n");
      this.partial = parts.pop() ?? "";
      this.lines.push(...parts);
    });
    this.child.stderr.on("data", (chunk: string) => (this.stderr += chunk));
    this.child.stdin.on("error", () => {
      // The CLI may exit before it read everything; that is what some tests check.
    });
    this.child.on("exit", (code) => (this.exitCode = code));
  }

  write(text: string): void {
    this.child.stdin.write(`${text}\n`);
  }

  endInput(): void {
    this.child.stdin.end();
  }

  waitForLine(pattern: RegExp): Promise<string> {
    return waitFor(
      () => this.lines.find((l) => pattern.test(l)),
      `a line ${pattern} (stdout so far: ${JSON.stringify(this.lines)}, stderr: ${JSON.stringify(this.stderr)})`,
      10_000,
    );
  }

  async exited(): Promise<number | null> {
    await waitFor(
      () => this.exitCode !== undefined,
      `the CLI to exit (stdout: ${JSON.stringify(this.lines)}, stderr: ${JSON.stringify(this.stderr)})`,
      10_000,
    );
    return this.exitCode ?? null;
  }
}

let dir: string;
let home: string;
let server: RunningServer | null = null;
const clients: TestClient[] = [];
const children: Cli[] = [];

function cli(...args: string[]): Cli {
  const child = new Cli(args, home);
  children.push(child);
  return child;
}

async function startLocalServer(): Promise<RunningServer> {
  server = await startServer({ port: 0, dataFile: null, credentialsFile: join(home, "local-server.json") });
  return server;
}

async function user(id: string, role: "rep" | "supervisor"): Promise<TestClient> {
  const token = server!.org.users.find((u) => u.id === id)!.token;
  const client = await new TestClient(server!.url, { role, token }).connect();
  clients.push(client);
  return client;
}

const rep = (id: string) => user(id, "rep");

/** The ratings committed for a conversation, as a supervisor reads the log (`events`, masked as staff see it). */
async function ratingsOf(conversationId: string) {
  return (await eventsAbout(await user("sam", "supervisor"), conversationId))
    .filter((e) => e.type === "rating_given")
    .map(({ score, comment }) => ({ score, comment }));
}

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "src", "cli", "program.js")))
    throw new Error("build the CLI first: npm run build");
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cc-agent-customer-"));
  home = join(dir, "home");
  mkdirSync(home, { recursive: true });
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === undefined) c.child.kill("SIGKILL");
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = null;
  rmSync(dir, { recursive: true, force: true });
});

describe("cc-agent customer, piped", () => {
  it("SPEC P4 L12 S8: a visitor's lines go in, the queue and the rep's replies come out, /end ends the live chat", async () => {
    await startLocalServer();
    const alice = await rep("alice");
    const customer = cli("customer");

    customer.write("Hello, my order 12345 has not arrived");
    // P4: nobody is available, so a live customer hears their place in the queue and the wait.
    await customer.waitForLine(line(String.raw`\* You are number 1 in the queue\.`));
    await customer.waitForLine(line(String.raw`\* The average wait is about \d+ min\.`));

    await alice.request({ type: "presence", presence: "available" });
    const offer = await alice.waitForOffer();
    expect(offer.customerName).toBe("Visitor 1");
    const conversationId = offer.conversationId;
    await alice.request({ type: "accept", offerId: offer.id });
    await customer.waitForLine(line(String.raw`\* Alice Moreau joined the chat\.`));

    // Whatever the server sends is sanitised before it reaches the terminal.
    await alice.request({ type: "send", conversationId, text: "Hi, how can I help?\u001b]0;owned\u0007\u001b[2J" });
    await customer.waitForLine(line(String.raw`Alice Moreau: Hi, how can I help\?`));
    await alice.request({ type: "send", conversationId, text: "Let me look.\nOne moment." });
    await customer.waitForLine(line("Alice Moreau: Let me look. ⏎ One moment."));

    customer.write("Thanks, it is parcel 7731");
    await alice.waitForText(conversationId, "Thanks, it is parcel 7731");
    // The customer's own lines are not echoed in piped mode.
    expect(customer.lines.some((l) => l.includes("parcel 7731") || l.includes("has not arrived"))).toBe(false);

    // SPEC L12: the customer ends the live chat; the rep then wraps up. Asked for a rating, they skip it (Enter).
    customer.write("/end");
    await customer.waitForLine(line(String.raw`\* How was this chat\? Rate it from 1 \(poor\) to 5 \(excellent\).*`));
    customer.write("");
    expect(await customer.exited()).toBe(0);
    expect(customer.lines).toContainEqual(expect.stringMatching(line(String.raw`\* No rating given\. Goodbye\.`)));
    // The customer reads their own end in their words, not the rep's third person.
    expect(customer.lines).toContainEqual(expect.stringMatching(line(String.raw`\* You ended the chat\.`)));
    await waitFor(() => alice.conversations.get(conversationId)?.customerEnded, "the rep sees the customer ended it");
    expect(alice.conversations.get(conversationId)?.state).toBe("wrapup");
    expect(customer.lines.join("\n")).not.toContain("\u001b");
    expect(customer.stderr).toBe("");
  });

  it("SPEC L4: a chat aborted because its queue was removed says the apology first, then that it ended", async () => {
    const org = demoOrgFile({
      secret: "s".repeat(64),
      tokens: Object.fromEntries(DEMO_USER_IDS.map((id) => [id, `${id}-token-0123456789abcdef`])),
    });
    const orgFile = join(dir, "org.json");
    writeFileSync(orgFile, JSON.stringify(org), { mode: 0o600 });
    server = await startServer({ port: 0, dataFile: null, orgFile, credentialsFile: join(home, "local-server.json") });
    const alice = await rep("alice");
    await alice.request({ type: "presence", presence: "available" });
    const customer = cli("customer");
    customer.write("Is the shop open on Sunday?");
    const offer = await alice.waitForOffer();
    await alice.request({ type: "accept", offerId: offer.id });
    await customer.waitForLine(line(String.raw`\* Alice Moreau joined the chat\.`));

    // The org drops the queue the chat is in.
    writeFileSync(
      orgFile,
      JSON.stringify({
        ...org,
        queues: org.queues.filter((q) => q.id !== "general"),
        workstreams: org.workstreams.map((w) => (w.queue === "general" ? { ...w, queue: "billing" } : w)),
        users: org.users.map((u) => ({ ...u, queues: u.queues.filter((q) => q !== "general") })),
      }),
    );
    expect((await server.reloadOrg()).ok).toBe(true);
    const ended = await customer.waitForLine(line(String.raw`\* The conversation has ended\.`));
    const apology = customer.lines.findIndex((l) => l.includes("Sorry, this conversation cannot go on."));
    expect(apology, JSON.stringify(customer.lines)).toBeGreaterThanOrEqual(0);
    expect(apology).toBeLessThan(customer.lines.indexOf(ended));
  });

  it("SPEC L12: when input ends, the live chat ends; a rep's End is a clear line and the CLI exits", async () => {
    await startLocalServer();
    const alice = await rep("alice");
    await alice.request({ type: "presence", presence: "available" });

    const first = cli("customer");
    first.write("Is the shop open on Sunday?");
    const offer = await alice.waitForOffer();
    await alice.request({ type: "accept", offerId: offer.id });
    await first.waitForLine(line(String.raw`\* Alice Moreau joined the chat\.`));
    await alice.request({ type: "end", conversationId: offer.conversationId });
    await first.waitForLine(line(String.raw`\* The conversation has ended\.`));
    // Asked for a rating, the customer's input ends: they leave without one.
    await first.waitForLine(line(String.raw`\* How was this chat\?.*`));
    first.endInput();
    expect(await first.exited()).toBe(0);
    await alice.request({ type: "wrapup", conversationId: offer.conversationId, reasonId: "resolved" });

    const sam = await user("sam", "supervisor");
    const second = cli("customer");
    second.write("Hello again");
    const next = await alice.waitForOffer();
    expect(next.customerName).toBe("Visitor 2");
    second.endInput();
    expect(await second.exited()).toBe(0);
    // The customer ended it before anyone accepted: it is closed, and ended by the customer.
    await waitFor(
      () => sam.conversations.get(next.conversationId)?.state === "closed",
      "the unanswered live chat closed",
    );
    expect(sam.conversations.get(next.conversationId)).toMatchObject({ customerEnded: true, closedBy: "customer" });
  });

  it("SPEC P3 P5 P6 P8 P9: a signed-in customer leaves a persistent chat, comes back with --resume to its history, and starts fresh after the rep ends it", async () => {
    await startLocalServer();
    const alice = await rep("alice");
    await alice.request({ type: "presence", presence: "available" });
    const who = [
      "customer",
      "--name",
      "Melissa Grant",
      "--email",
      "melissa@gmail.com",
      "--account",
      "Contoso Retail",
      "--workstream",
      "persistent",
    ];

    const first = cli(...who);
    first.write("My invoice INV-2211 looks wrong");
    const offer = await alice.waitForOffer();
    expect(offer.customerName).toBe("Melissa Grant");
    const conversationId = offer.conversationId;
    await alice.request({ type: "accept", offerId: offer.id });
    await alice.request({ type: "send", conversationId, text: "Let me check that for you." });
    await first.waitForLine(line(String.raw`Alice Moreau: Let me check that for you\.`));
    // P3: a customer cannot end a persistent chat.
    first.write("/end");
    await first.waitForLine(line(String.raw`\* Only the rep can end a persistent chat\..*`));
    first.endInput();
    expect(await first.exited()).toBe(0);
    // Leaving did not end it; the rep parks it in Waiting (P6).
    expect(alice.conversations.get(conversationId)?.state).toBe("active");
    await alice.request({ type: "close", conversationId });
    await waitFor(() => alice.conversations.get(conversationId)?.state === "waiting", "waiting");

    // P5: coming back shows the whole history and carries on in the same conversation.
    const second = cli(...who, "--resume");
    await second.waitForLine(line("You: My invoice INV-2211 looks wrong"));
    await second.waitForLine(line(String.raw`Alice Moreau: Let me check that for you\.`));
    second.write("I'm back with the quote");
    await alice.waitForText(conversationId, "I'm back with the quote");
    const again = await alice.waitForOffer(conversationId);
    await alice.request({ type: "accept", offerId: again.id });
    await second.waitForLine(line(String.raw`\* Alice Moreau joined the chat\.`));
    // P8: the rep ends it; the customer sees a clear line and the CLI exits.
    await alice.request({ type: "end", conversationId });
    await second.waitForLine(line(String.raw`\* The conversation has ended\.`));
    await second.waitForLine(line(String.raw`\* How was this chat\?.*`));
    second.endInput();
    expect(await second.exited()).toBe(0);
    await alice.request({ type: "wrapup", conversationId, reasonId: "resolved" });

    // After End, --resume finds nothing open: a new conversation starts, with none of the old history.
    const third = cli(...who, "--resume");
    await third.waitForLine(line(String.raw`\* No open conversation to resume; your first message starts a new one\.`));
    third.write("A new question about my account");
    const fresh = await alice.waitForOffer();
    expect(fresh.conversationId).not.toBe(conversationId);
    expect(fresh.preview.map((m) => m.text)).toEqual(["A new question about my account"]);
    third.endInput();
    expect(await third.exited()).toBe(0);
    expect(third.lines.join("\n")).not.toMatch(/INV-2211|Let me check/);
    // Input ending leaves a persistent chat open (P3): the offer still stands.
    await alice.request({ type: "targets" });
    expect(alice.pendingOffer(fresh.conversationId)).toBeDefined();
  });
});

describe("cc-agent customer, rating the chat (CSAT)", () => {
  it("after the rep ends the chat the customer rates it: a wrong answer is asked again, the comment is optional and sanitised", async () => {
    await startLocalServer();
    const alice = await rep("alice");
    await alice.request({ type: "presence", presence: "available" });
    const customer = cli("customer");
    customer.write("My parcel is late");
    const offer = await waitFor(() => alice.pendingOffer(), "an offer (the CLI starting up)", 15_000);
    const conversationId = offer.conversationId;
    await alice.request({ type: "accept", offerId: offer.id });
    await customer.waitForLine(line(String.raw`\* Alice Moreau joined the chat\.`));

    await alice.request({ type: "end", conversationId });
    await customer.waitForLine(line(String.raw`\* The conversation has ended\.`));
    await customer.waitForLine(
      line(String.raw`\* How was this chat\? Rate it from 1 \(poor\) to 5 \(excellent\), or press Enter to skip\.`),
    );
    customer.write("7");
    await customer.waitForLine(
      line(String.raw`\* Please answer with a whole number from 1 to 5, or press Enter to skip\.`),
    );
    customer.write("4");
    await customer.waitForLine(
      line(String.raw`\* Thank you\. Add a comment, or press Enter to send the rating without one\.`),
    );
    customer.write("Friendly \u001b[2Jand quick, call me on +447966197542");
    await customer.waitForLine(line(String.raw`\* Thank you for your rating\.`));
    expect(await customer.exited()).toBe(0);
    expect(customer.stderr).toBe("");

    // Committed once, sanitised (a supervisor reads the log masked); the rep reads it masked too.
    expect(await ratingsOf(conversationId)).toEqual([
      { score: 4, comment: "Friendly and quick, call me on *********7542" },
    ]);
    await waitFor(() => alice.conversations.get(conversationId)?.rating, "the rep to get the rating");
    expect(alice.conversations.get(conversationId)?.rating).toMatchObject({
      score: 4,
      comment: "Friendly and quick, call me on *********7542",
    });
  });

  it("Ctrl+C at the rating question just leaves; a chat nobody answered asks nothing", async () => {
    await startLocalServer();
    const alice = await rep("alice");
    await alice.request({ type: "presence", presence: "available" });
    const first = cli("customer");
    first.write("Hello");
    const offer = await waitFor(() => alice.pendingOffer(), "an offer (the CLI starting up)", 15_000);
    await alice.request({ type: "accept", offerId: offer.id });
    await first.waitForLine(line(String.raw`\* Alice Moreau joined the chat\.`));
    first.write("/end");
    await first.waitForLine(line(String.raw`\* How was this chat\?.*`));
    first.child.kill("SIGINT");
    expect(await first.exited()).toBe(0);

    // Nobody is Available: the customer gives up in the queue, and is not asked to rate anyone.
    await alice.request({ type: "presence", presence: "away" });
    const second = cli("customer");
    second.write("Anyone?");
    await second.waitForLine(line(String.raw`\* You are number 1 in the queue\.`));
    second.write("/end");
    expect(await second.exited()).toBe(0);
    expect(second.lines.some((l) => l.includes("How was this chat"))).toBe(false);
    // Read last, so a rating the first chat sent on its way out would have been committed by now: there is none.
    expect(await ratingsOf(offer.conversationId)).toEqual([]);
  });
});

describe("cc-agent customer, who a signed-in customer is", () => {
  it("--resume by name alone does not start a second conversation for a customer who started with --email: it says what is missing", async () => {
    await startLocalServer();
    const alice = await rep("alice");
    await alice.request({ type: "presence", presence: "available" });
    const kenny = ["customer", "--name", "Kenny Smith", "--workstream", "persistent"];

    const first = cli(...kenny, "--email", "kenny@example.com");
    first.write("Where is my parcel?");
    const offer = await alice.waitForOffer();
    await alice.request({ type: "accept", offerId: offer.id });
    first.endInput();
    expect(await first.exited()).toBe(0);

    const byName = cli(...kenny, "--resume");
    byName.write("Any news?");
    expect(await byName.exited()).toBe(1);
    expect(byName.stderr).toContain('no open conversation for "Kenny Smith" signed in by name alone');
    expect(byName.stderr).toContain("add the --email you started with");
    // Nothing was started: the rep still has one Kenny Smith conversation, without "Any news?".
    await alice.request({ type: "targets" });
    const kennys = [...alice.conversations.values()].filter((c) => c.customer.name === "Kenny Smith");
    expect(kennys.map((c) => c.id)).toEqual([offer.conversationId]);
    expect(alice.texts(offer.conversationId)).not.toContain("Any news?");

    // With the same --email, --resume finds it and carries on in it.
    const byEmail = cli(...kenny, "--email", "kenny@example.com", "--resume");
    await byEmail.waitForLine(line("You: Where is my parcel\\?"));
    byEmail.write("Any news?");
    await alice.waitForText(offer.conversationId, "Any news?");
    byEmail.endInput();
    expect(await byEmail.exited()).toBe(0);
  });
});

describe("cc-agent customer errors", () => {
  it("exits 2 with a clear message on a wrong flag", async () => {
    const unknown = cli("customer", "--bogus");
    expect(await unknown.exited()).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");

    const badUrl = cli("customer", "--server", "ftp://example.com");
    expect(await badUrl.exited()).toBe(2);
    expect(badUrl.stderr).toContain("ws://");

    const resume = cli("customer", "--resume");
    expect(await resume.exited()).toBe(2);
    expect(resume.stderr).toContain("--name");

    // The refused value is quoted without its escape sequences: no colour, no window title set.
    const hostile = cli("customer", "--name", "Evil\x1b[31mRED\x1b[0m\x1b]0;PWNED\x07 x");
    expect(await hostile.exited()).toBe(2);
    expect(hostile.stderr).toContain("must be one line of plain text");
    expect(hostile.stderr).not.toContain("\x1b");
    expect(hostile.stderr).not.toContain("\x07");

    await startLocalServer();
    const workstream = cli("customer", "--workstream", "nope");
    expect(await workstream.exited()).toBe(2);
    expect(workstream.stderr).toMatch(/no such workstream.*live \(live\), persistent \(persistent\)/);

    // P9: persistent chat needs a signed-in customer.
    const visitor = cli("customer", "--workstream", "persistent");
    expect(await visitor.exited()).toBe(2);
    expect(visitor.stderr).toContain("signed-in customer");
  });

  it("exits 1 with one line naming the URL tried and how to start a server", async () => {
    const port = await freePort();
    const url = `ws://127.0.0.1:${port}/ws`;
    // A local server wrote its credentials, then went away without removing them.
    writeFileSync(
      join(home, "local-server.json"),
      JSON.stringify({ url, pid: 1, org: "Contoso Demo", secret: "x".repeat(64), users: [] }),
    );
    const found = cli("customer");
    expect(await found.exited()).toBe(1);
    expect(found.stderr.trim().split("\n")).toEqual([expect.stringContaining(url)]);
    expect(found.stderr).toContain("cc-agent server");

    const other = await freePort();
    const flagged = cli("customer", "--server", `ws://127.0.0.1:${other}`);
    expect(await flagged.exited()).toBe(1);
    expect(flagged.stderr.trim()).toBe(
      `cc-agent: no cc-agent server answers at ws://127.0.0.1:${other}/ws; start one with \`cc-agent server\` (or pass --server URL)`,
    );
  });
});
