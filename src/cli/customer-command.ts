// `cc-agent customer`: a customer's chat in the terminal. On a TTY a small line chat (readline); with piped
// input one message per input line and one output line per message or system event, so it can be scripted.
// Every string that came from the server is sanitised before it is written.
import { isCommandName, startingWith } from "../ui/keys/complete.js";
import { createInterface, clearLine, cursorTo, moveCursor } from "node:readline";
import type { Interface } from "node:readline";
import type { Command } from "commander";
import type { CcClient } from "../client/client.js";
import { RequestError } from "../client/client.js";
import type { EventFrame, TypingFrame, Welcome } from "../protocol/messages.js";
import { ENDING_MESSAGE_CODES, MAX_MESSAGE_LENGTH } from "../protocol/wire.js";
import { MAX_RATING, MAX_RATING_COMMENT_LENGTH, MIN_RATING } from "../protocol/vocabulary.js";
import { sanitizeLine, sanitizeText } from "../protocol/sanitize.js";
import type { Change, CustomerConversationView, MessageView, Mode } from "../protocol/views.js";
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

/** How many of a resumed conversation's latest messages are shown (the rest: "N earlier messages not shown"). */
const HISTORY_PAGE = 100;

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

/** The commands a customer can type, for Tab (the aliases /exit and /leave work too, but are not offered). */
const COMMANDS = ["/end", "/help", "/quit"];

/** readline's completer: Tab on a command being typed (`/e` → `/end`); a message, or a `//` line, completes nothing. */
export function completeCommand(line: string): [string[], string] {
  return [isCommandName(line) ? startingWith(line, COMMANDS) : [], line];
}

function hhmm(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

// `resume` goes first with --resume: lines typed while the history loads wait for it, and go to that conversation.
type InputItem = { kind: "line"; text: string } | { kind: "leave" } | { kind: "resume" };

interface ChatSetup {
  client: CcClient;
  hello: CustomerHello;
  welcome: Welcome;
  workstream: { id: string; name: string; mode: Mode };
  who: string;
  tty: boolean;
  resume: boolean;
  /** What identifies the signed-in customer (null for a visitor): their e-mail, else their name. */
  identifiedBy: { by: "email" | "name"; value: string } | null;
}

/** The chat: input lines become requests, server events become output lines. */
class CustomerChat {
  private readonly client: CcClient;
  private readonly tty: boolean;
  private rl: Interface | null = null;
  private readonly conversations = new Map<string, { view: CustomerConversationView; messages: MessageView[] }>();
  private current: string | null = null;
  private readonly printed = new Set<string>();
  private readonly sentClientIds = new Set<string>();
  private nextClientId = 1;
  private readonly clientPrefix = `cli-${process.pid.toString(36)}-${Date.now().toString(36)}`;
  private lastState: CustomerConversationView["state"] | null = null;
  private lastRep: string | null = null;
  private endAnnounced = false;
  private queuePosition: number | undefined;
  private statusTimer: NodeJS.Timeout | null = null;
  private readonly queue: InputItem[] = [];
  private working = false;
  private done = false;
  private resolveDone: () => void = () => {};
  readonly finished = new Promise<void>((resolve) => (this.resolveDone = resolve));
  exitCode = 0;
  private offline = false;
  /** "Alice is typing…" in the prompt until this timer clears it. */
  private typingTimer: NodeJS.Timeout | null = null;
  /** The chat ended and the customer is asked for a rating (CSAT): input lines answer it. */
  private rating: { conversationId: string; score: number | null } | null = null;
  /** stdin ended: nobody is there to answer a question. */
  private inputClosed = false;

  constructor(private readonly setup: ChatSetup) {
    this.client = setup.client;
    this.tty = setup.tty;
  }

  start(): void {
    const { client, welcome, workstream } = this.setup;
    this.absorbSnapshot(welcome);
    client.on("event", (frame: EventFrame) => {
      for (const change of frame.changes) this.onChange(change, frame.at);
    });
    client.on("welcome", (w: Welcome) => this.onReconnected(w));
    client.on("typing", (frame: TypingFrame) => this.onTyping(frame));
    client.on("state", (state: string) => {
      if (this.done) return;
      if (state === "reconnecting" && !this.offline) {
        this.offline = true;
        this.notice("Connection lost; reconnecting…");
      } else if (state === "online" && this.offline) {
        this.offline = false;
        this.notice("Reconnected.");
      }
    });
    client.on("fatal", (error: Error) => {
      if (this.done) return;
      this.error(`the server closed the chat: ${sanitizeLine(error.message)}`);
      this.exitCode = 1;
      this.finish();
    });

    const rl = createInterface({
      input: process.stdin,
      output: this.tty ? process.stdout : undefined,
      terminal: this.tty,
      historySize: this.tty ? 100 : 0,
      ...(this.tty ? { completer: completeCommand } : {}),
    });
    this.rl = rl;
    if (this.tty) {
      rl.setPrompt("> ");
      const org = sanitizeLine(welcome.snapshot?.org.name ?? "") || "the contact center";
      const kind = workstream.mode === "persistent" ? "persistent chat" : "live chat";
      const name = sanitizeLine(workstream.name);
      process.stdout.write(
        `${org} · ${name.toLowerCase().includes(kind) ? name : `${name} (${kind})`} · ${this.setup.who}\n`,
      );
      process.stdout.write(
        "Type a message and press Enter. /end ends the chat, /quit leaves, /help lists the commands.\n",
      );
      rl.on("SIGINT", this.onSignal);
    } else {
      process.on("SIGINT", this.onSignal);
      process.on("SIGTERM", this.onSignal);
    }
    if (this.tty) {
      // Typing tells the rep that the customer is typing (never what); the client sends it at most every 2 s.
      process.stdin.on("keypress", this.onKeypress);
    }
    rl.on("line", (line: string) => {
      if (this.tty) {
        // The typed line comes back from the server as "You: …"; drop the raw one.
        moveCursor(process.stdout, 0, -1);
        clearLine(process.stdout, 0);
      }
      this.enqueue({ kind: "line", text: line });
    });
    rl.on("close", () => {
      this.inputClosed = true;
      this.enqueue({ kind: "leave" });
    });

    if (this.setup.resume) this.enqueue({ kind: "resume" });
    if (this.tty && !this.done) rl.prompt();
  }

  private leaving = false;

  private readonly onKeypress = () => {
    const id = this.current;
    if (!id || this.done || this.conversations.get(id)?.view.state !== "active") return;
    this.client.typing(id);
  };

  /** The rep is typing: the prompt says so for a few seconds (a terminal only; piped output stays the chat). */
  private onTyping(frame: TypingFrame): void {
    if (!this.tty || !this.rl || this.done || frame.conversationId !== this.current || frame.from !== "rep") return;
    this.rl.setPrompt(`(${sanitizeLine(frame.name ?? "The rep")} is typing…) > `);
    this.rl.prompt(true);
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => {
      this.typingTimer = null;
      if (!this.rl || this.done) return;
      this.rl.setPrompt("> ");
      this.rl.prompt(true);
    }, 4000);
    this.typingTimer.unref();
  }

  private readonly onSignal = () => {
    // A signal does not wait behind pending input; a second one does not wait at all.
    if (this.leaving) return this.finish();
    this.leaving = true;
    this.queue.length = 0;
    this.enqueue({ kind: "leave" });
  };

  /** Back online after a drop: missed events follow (resume), or a fresh snapshot says where things stand. */
  private onReconnected(welcome: Welcome): void {
    if (welcome.mode !== "snapshot" || !welcome.snapshot) return;
    this.absorbSnapshot(welcome);
    const id = this.current;
    if (!id) return;
    this.flush(id);
    const inSnapshot = welcome.snapshot.customerConversations.find((c) => c.id === id);
    const entry = this.conversations.get(id);
    // Closed conversations are not in a snapshot: it ended while we were away.
    if (entry)
      this.onStateChange(inSnapshot ? entry.view : { ...entry.view, state: "closed", ended: true }, welcome.serverTime);
  }

  // ---- output ------------------------------------------------------------------------------------------

  private print(line: string): void {
    if (this.tty && this.rl && !this.done) {
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
      process.stdout.write(`${line}\n`);
      this.rl.prompt(true);
    } else {
      process.stdout.write(`${line}\n`);
    }
  }

  /** A local or system event line. */
  private notice(text: string, at = Date.now()): void {
    this.print(`[${hhmm(at)}] * ${text}`);
  }

  private error(text: string): void {
    if (this.tty) this.notice(text);
    else process.stderr.write(`cc-agent: ${text}\n`);
  }

  private body(text: string, prefixWidth: number): string {
    const lines = sanitizeText(text)
      .split("\n")
      .map((l) => l.trimEnd());
    while (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
    return this.tty ? lines.join(`\n${" ".repeat(prefixWidth)}`) : lines.join(" ⏎ ");
  }

  private render(m: MessageView): string | null {
    const time = `[${hhmm(m.at)}]`;
    if (m.author.role === "system") return `${time} * ${sanitizeLine(m.text)}`;
    if (m.author.role === "customer") {
      // Piped: what this process sent is not echoed; history and other devices' messages are.
      if (!this.tty && m.clientId !== undefined && this.sentClientIds.has(m.clientId)) return null;
      return `${time} You: ${this.body(m.text, time.length + 6)}`;
    }
    const name = sanitizeLine(m.author.name) || "Rep";
    return `${time} ${name}: ${this.body(m.text, time.length + name.length + 3)}`;
  }

  private printMessage(m: MessageView): void {
    if (this.printed.has(m.id)) return;
    this.printed.add(m.id);
    if (m.author.role === "system" && m.code && ENDING_MESSAGE_CODES.has(m.code)) this.endAnnounced = true;
    const line = this.render(m);
    if (line !== null) this.print(line);
  }

  // ---- server state ------------------------------------------------------------------------------------

  private absorbSnapshot(welcome: Welcome): void {
    for (const c of welcome.snapshot?.customerConversations ?? []) this.upsert(c);
  }

  private upsert(view: CustomerConversationView): {
    before: CustomerConversationView | null;
    entry: { view: CustomerConversationView; messages: MessageView[] };
  } {
    const known = this.conversations.get(view.id);
    const before = known ? known.view : null;
    const entry = known ?? { view, messages: [] };
    entry.view = { ...entry.view, ...view };
    delete entry.view.messages;
    for (const m of view.messages ?? []) this.addMessage(entry.messages, m);
    this.conversations.set(view.id, entry);
    return { before, entry };
  }

  private addMessage(list: MessageView[], m: MessageView): void {
    if (!list.some((k) => k.id === m.id)) list.push(m);
  }

  private onChange(change: Change, at: number): void {
    if (change.kind === "customer_conversation") {
      const { entry } = this.upsert(change.conversation);
      if (change.conversation.id === this.current) {
        // A conversation sent whole (after a reconnect) brings its messages: a rep joining comes before
        // what they wrote, the end after the last message.
        if (!entry.view.ended) this.onStateChange(entry.view, at);
        this.flush(this.current);
        if (entry.view.ended) this.onStateChange(entry.view, at);
      }
    } else if (change.kind === "message") {
      const entry = this.conversations.get(change.conversationId);
      if (entry) this.addMessage(entry.messages, change.message);
      else
        this.conversations.set(change.conversationId, {
          view: {
            id: change.conversationId,
            state: "open",
            mode: this.setup.workstream.mode,
            repName: null,
            ended: false,
            messageCount: 0,
          },
          messages: [change.message],
        });
      if (change.conversationId === this.current) this.printMessage(change.message);
    }
  }

  /** Print what has not been printed yet of a conversation, in order. */
  private flush(id: string): void {
    for (const m of this.conversations.get(id)?.messages ?? []) this.printMessage(m);
  }

  private onStateChange(view: CustomerConversationView, at: number): void {
    if (this.done) return;
    const was = this.lastState;
    if (view.state === "active" && view.repName && (was !== "active" || this.lastRep !== view.repName)) {
      this.notice(`${sanitizeLine(view.repName)} joined the chat.`, at);
    } else if (view.state === "waiting" && was !== "waiting") {
      this.notice(
        `${this.lastRep ? sanitizeLine(this.lastRep) : "The rep"} put the chat on hold; write any time to carry on.`,
        at,
      );
    } else if (view.state === "open" && (was === "active" || was === "waiting") && !view.ended) {
      this.notice("Waiting for a rep to pick up the chat.", at);
    }
    this.lastState = view.state;
    if (view.repName) this.lastRep = view.repName;
    if (view.ended) {
      if (!this.endAnnounced) this.notice("The conversation has ended.", at);
      this.endAnnounced = true;
      // While the rating is asked, its answer ends the chat (the rating itself comes back as a change of the view).
      if (this.rating) return;
      if (view.rateUntil !== undefined && !view.rating) this.askRating(view.id);
      else this.finish();
      return;
    }
    if (view.state === "open" && view.mode === "live") this.startStatusPolling();
  }

  /**
   * From now on, print this conversation. `fresh`: it was just started, so whatever happened to it since
   * (a rep may already have joined: the ack and later events can arrive in one chunk) is announced.
   */
  private setCurrent(id: string, fresh: boolean): void {
    this.current = id;
    const entry = this.conversations.get(id);
    this.flush(id);
    if (!entry) return;
    if (fresh) {
      this.lastState = "open";
      this.lastRep = null;
    } else {
      this.lastState = entry.view.state;
      this.lastRep = entry.view.repName;
      if (entry.view.state === "active" && entry.view.repName)
        this.notice(`You are chatting with ${sanitizeLine(entry.view.repName)}.`);
    }
    this.onStateChange(entry.view, Date.now());
  }

  /** --resume: the open conversation of this customer on this mode of chat, with its history (P5). */
  private async resumeOpenConversation(): Promise<void> {
    const open = [...this.conversations.values()].filter(
      (c) => !c.view.ended && c.view.mode === this.setup.workstream.mode,
    );
    const latest = open.sort((a, b) => (a.messages[0]?.at ?? 0) - (b.messages[0]?.at ?? 0)).pop();
    const identified = this.setup.identifiedBy;
    if (!latest && identified?.by === "name") {
      // Most likely the conversation was started with --email: starting another would give the rep two.
      this.error(
        `no open conversation for "${sanitizeLine(identified.value)}" signed in by name alone. ` +
          "A signed-in customer is their --email when one is given: add the --email you started with to resume it " +
          "(or leave out --resume to start a new conversation).",
      );
      this.exitCode = 1;
      this.finish();
      return;
    }
    if (!latest) {
      this.notice("No open conversation to resume; your first message starts a new one.");
      return;
    }
    await this.loadHistory(latest);
    this.setCurrent(latest.view.id, false);
  }

  /**
   * The latest page of a conversation's history, read from the server: a welcome carries few or none of its messages
   * (none while it is parked in Waiting). Older ones than the page are left out, and a line says how many.
   */
  private async loadHistory(entry: { view: CustomerConversationView; messages: MessageView[] }): Promise<void> {
    if (entry.messages.length >= entry.view.messageCount) return;
    try {
      const result = await this.client.request({
        type: "messages",
        conversationId: entry.view.id,
        limit: HISTORY_PAGE,
      });
      for (const m of (result.messages as MessageView[] | undefined) ?? []) this.addMessage(entry.messages, m);
      entry.messages.sort((a, b) => a.at - b.at);
    } catch (error) {
      this.notice(`Your earlier messages could not be loaded (${sanitizeLine((error as Error).message)}).`);
      return;
    }
    const earlier = entry.view.messageCount - entry.messages.length;
    if (earlier > 0) this.notice(`${earlier} earlier message${earlier === 1 ? "" : "s"} not shown.`);
  }

  // ---- rating (CSAT) -----------------------------------------------------------------------------------

  /** The chat ended: ask for a rating, unless the customer is leaving anyway. Nothing waits for the answer. */
  private askRating(conversationId: string): void {
    if (this.rating || this.done) return;
    if (this.inputClosed || this.leaving) return this.finish();
    this.rating = { conversationId, score: null };
    this.notice(
      `How was this chat? Rate it from ${MIN_RATING} (poor) to ${MAX_RATING} (excellent), or press Enter to skip.`,
    );
    this.setPrompt("Rating 1-5 > ");
  }

  private setPrompt(prompt: string): void {
    if (!this.tty || !this.rl) return;
    this.rl.setPrompt(prompt);
    this.rl.prompt(true);
  }

  /** A line while the rating is asked: the score, then the comment. An empty score or /skip skips it. */
  private async onRatingLine(raw: string): Promise<void> {
    const rating = this.rating!;
    const line = raw.trim();
    if (rating.score === null) {
      if (line === "" || /^\/(skip|quit|exit|leave)$/i.test(line)) {
        this.notice("No rating given. Goodbye.");
        return this.finish();
      }
      if (!new RegExp(`^[${MIN_RATING}-${MAX_RATING}]$`).test(line)) {
        this.notice(`Please answer with a whole number from ${MIN_RATING} to ${MAX_RATING}, or press Enter to skip.`);
        return;
      }
      rating.score = Number(line);
      this.notice("Thank you. Add a comment, or press Enter to send the rating without one.");
      this.setPrompt("Comment > ");
      return;
    }
    if ([...line].length > MAX_RATING_COMMENT_LENGTH) {
      this.notice(
        `A comment can be at most ${MAX_RATING_COMMENT_LENGTH} characters (this one has ${[...line].length}); write a shorter one, or press Enter for none.`,
      );
      return;
    }
    const request: { type: "rate"; conversationId: string; score: number; comment?: string } = {
      type: "rate",
      conversationId: rating.conversationId,
      score: rating.score,
    };
    if (line.length > 0) request.comment = line;
    try {
      await this.client.request(request);
      this.notice("Thank you for your rating.");
    } catch (error) {
      this.error(`the rating was not saved: ${sanitizeLine((error as Error).message)}`);
    }
    this.finish();
  }

  /** P4: live customers waiting in the queue hear when their position changes. */
  private startStatusPolling(): void {
    if (this.statusTimer || this.done) return;
    void this.pollStatus();
    this.statusTimer = setInterval(() => void this.pollStatus(), 15_000);
    this.statusTimer.unref();
  }

  private async pollStatus(): Promise<void> {
    const id = this.current;
    if (!id || this.done || this.offline) return;
    if (this.conversations.get(id)?.view.state !== "open") return;
    try {
      const status = await this.client.request({ type: "status", conversationId: id });
      const position = typeof status.queuePosition === "number" ? status.queuePosition : undefined;
      if (position !== undefined && this.queuePosition !== undefined && position !== this.queuePosition && !this.done) {
        this.notice(`You are now number ${position} in the queue.`);
      }
      this.queuePosition = position;
    } catch {
      // Only a courtesy; the next poll tries again.
    }
  }

  // ---- input -------------------------------------------------------------------------------------------

  private enqueue(item: InputItem): void {
    if (this.done) return;
    this.queue.push(item);
    if (!this.working) void this.work();
  }

  private async work(): Promise<void> {
    this.working = true;
    try {
      while (!this.done) {
        const item = this.queue.shift();
        if (!item) break;
        if (item.kind === "leave") await this.leave();
        else if (item.kind === "resume") await this.resumeOpenConversation();
        else await this.onLine(item.text);
        if (this.tty && !this.done) this.rl?.prompt(true);
      }
    } finally {
      this.working = false;
    }
  }

  private async onLine(raw: string): Promise<void> {
    if (this.rating) return this.onRatingLine(raw);
    const line = raw.trim();
    if (line === "") return;
    if (line.startsWith("/") && !line.startsWith("//")) {
      const command = line.split(/\s+/)[0]!.toLowerCase();
      switch (command) {
        case "/end":
          return this.endChat();
        case "/quit":
        case "/exit":
        case "/leave":
          return this.leave();
        case "/help":
          this.notice(
            "/end ends a live chat · /quit leaves (a persistent chat stays open) · start a line with // to send a /",
          );
          return;
        default:
          this.notice(`Unknown command ${sanitizeLine(command).slice(0, 40)}. Try /help.`);
          return;
      }
    }
    await this.send(line.startsWith("//") ? line.slice(1) : raw.trimEnd());
  }

  private clientId(): string {
    const id = `${this.clientPrefix}-${this.nextClientId++}`;
    this.sentClientIds.add(id);
    return id;
  }

  private async send(text: string): Promise<void> {
    if ([...text].length > MAX_MESSAGE_LENGTH) {
      this.error(
        `not sent: a message can be at most ${MAX_MESSAGE_LENGTH} characters (this one has ${[...text].length}).`,
      );
      return;
    }
    try {
      if (!this.current) {
        const ack = await this.client.request({
          type: "start",
          workstream: this.setup.workstream.id,
          text,
          clientId: this.clientId(),
        });
        const id = String(ack.conversationId);
        // A visitor reconnecting after a drop needs the conversation's token: the client re-sends this hello.
        if (!this.setup.hello.identity && typeof ack.conversationToken === "string")
          this.setup.hello.conversationToken = ack.conversationToken;
        if (ack.resumed === true) this.notice("You are back in your open conversation:");
        this.setCurrent(id, ack.resumed !== true);
      } else {
        await this.client.request({ type: "send", conversationId: this.current, text, clientId: this.clientId() });
      }
    } catch (error) {
      const message = error instanceof RequestError ? error.message : (error as Error).message;
      this.error(`not sent: ${sanitizeLine(message)}`);
      // The conversation ended, or was aborted (L4): it takes no more messages.
      if (
        error instanceof RequestError &&
        (error.code === "conversation/wrong_state" || error.code === "conversation/aborted")
      )
        this.finish();
    }
  }

  /** /end: a customer can end a live chat (L12), never a persistent one (P3). */
  private async endChat(): Promise<void> {
    const entry = this.current ? this.conversations.get(this.current) : undefined;
    const mode = entry?.view.mode ?? this.setup.workstream.mode;
    if (mode === "persistent") {
      this.notice("Only the rep can end a persistent chat. /quit leaves it open; come back with --resume to carry on.");
      return;
    }
    if (!this.current || !entry) {
      this.notice("No chat was started.");
      this.finish();
      return;
    }
    await this.endLive();
  }

  private async endLive(): Promise<void> {
    if (!this.current) return;
    try {
      // The ack comes after the events: the end is printed by the time it resolves.
      await this.client.request({ type: "end", conversationId: this.current });
    } catch (error) {
      // Once the end has been heard of, the chat is finished and the client closed before the ack: no error.
      if (!this.done) this.error(`could not end the chat: ${sanitizeLine((error as Error).message)}`);
    }
    // The end may have brought the rating question: the customer answers it (or leaves) first.
    if (!this.rating) this.finish();
  }

  /** Input ended, /quit or a signal: a live chat ends, a persistent chat stays open (P3). */
  private async leave(): Promise<void> {
    const entry = this.current ? this.conversations.get(this.current) : undefined;
    if (entry && !entry.view.ended && entry.view.mode === "live" && !this.offline) {
      await this.endLive();
      return;
    }
    if (entry && !entry.view.ended && entry.view.mode === "persistent" && this.tty) {
      this.notice("You left the chat; it stays open. Come back with --resume to carry on.");
    }
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    if (this.statusTimer) clearInterval(this.statusTimer);
    if (this.typingTimer) clearTimeout(this.typingTimer);
    process.stdin.off("keypress", this.onKeypress);
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
    if (this.tty) {
      // Leave a clean line for the shell, without the prompt or a half-typed message.
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
    }
    this.rl?.close();
    // Let the process end even if the pipe feeding stdin stays open.
    process.stdin.pause();
    if (!process.stdin.isTTY) process.stdin.destroy();
    void this.client.close().then(() => this.resolveDone());
  }
}

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
