// `cc-agent customer` once connected: input lines become requests, server events become output lines (through
// ChatTranscript). Typed lines wait in one queue, so that each is done before the next (a /end after a message,
// the lines typed while --resume loads the history).
import { isCommandName, startingWith } from "../ui/keys/complete.js";
import { createInterface, clearLine, moveCursor } from "node:readline";
import type { Interface } from "node:readline";
import type { CcClient } from "../client/client.js";
import { RequestError } from "../client/client.js";
import type { EventFrame, TypingFrame, Welcome } from "../protocol/messages.js";
import { MAX_MESSAGE_LENGTH } from "../protocol/wire.js";
import { sanitizeLine } from "../protocol/sanitize.js";
import type { Change, CustomerConversationView, MessageView, Mode } from "../protocol/views.js";
import { KnownConversations, addMessageOnce } from "./customer-conversations.js";
import { editByGrapheme } from "./grapheme-readline.js";
import type { KnownConversation } from "./customer-conversations.js";
import { QueuePositionPoller } from "./customer-queue-position.js";
import { RatingQuestion } from "./customer-rating.js";
import { ChatTranscript } from "./customer-transcript.js";
import type { CustomerHello } from "./local-server.js";

/** How many of a resumed conversation's latest messages are shown (the rest: "N earlier messages not shown"). */
const HISTORY_PAGE = 100;

/** The commands a customer can type, for Tab (the aliases /exit and /leave work too, but are not offered). */
const COMMANDS = ["/end", "/help", "/quit"];

/** readline's completer: Tab on a command being typed (`/e` → `/end`); a message, or a `//` line, completes nothing. */
export function completeCommand(line: string): [string[], string] {
  return [isCommandName(line) ? startingWith(line, COMMANDS) : [], line];
}

// `resume` goes first with --resume: lines typed while the history loads wait for it, and go to that conversation.
type InputItem = { kind: "line"; text: string } | { kind: "leave" } | { kind: "resume" };

export interface ChatSetup {
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

export class CustomerChat {
  private readonly client: CcClient;
  private readonly tty: boolean;
  private rl: Interface | null = null;
  /** A line refused before it went out (too long), put back on the prompt to be edited. */
  private refill: string | null = null;
  private readonly out: ChatTranscript;
  private readonly conversations = new KnownConversations();
  private current: string | null = null;
  private readonly sentClientIds = new Set<string>();
  private nextClientId = 1;
  private readonly clientPrefix = `cli-${process.pid.toString(36)}-${Date.now().toString(36)}`;
  private lastState: CustomerConversationView["state"] | null = null;
  private lastRep: string | null = null;
  private readonly queuePosition: QueuePositionPoller;
  private readonly queue: InputItem[] = [];
  private working = false;
  private done = false;
  private resolveDone: () => void = () => {};
  readonly finished = new Promise<void>((resolve) => (this.resolveDone = resolve));
  exitCode = 0;
  private offline = false;
  /** The chat ended and the customer is asked for a rating (CSAT): input lines answer it. */
  private rating: RatingQuestion | null = null;
  /** stdin ended: nobody is there to answer a question. */
  private inputClosed = false;

  constructor(private readonly setup: ChatSetup) {
    this.client = setup.client;
    this.tty = setup.tty;
    this.out = new ChatTranscript(setup.tty, this.sentClientIds);
    this.queuePosition = new QueuePositionPoller(this.client, this.out, () => {
      const id = this.current;
      if (!id || this.done || this.offline) return null;
      return this.conversations.get(id)?.view.state === "open" ? id : null;
    });
  }

  start(): void {
    const { client, welcome, workstream } = this.setup;
    this.conversations.absorbSnapshot(welcome);
    client.on("event", (frame: EventFrame) => {
      for (const change of frame.changes) this.onChange(change, frame.at);
    });
    client.on("welcome", (w: Welcome) => this.onReconnected(w));
    client.on("typing", (frame: TypingFrame) => this.onTyping(frame));
    client.on("state", (state: string) => {
      if (this.done) return;
      if (state === "reconnecting" && !this.offline) {
        this.offline = true;
        this.out.notice("Connection lost; reconnecting…");
      } else if (state === "online" && this.offline) {
        this.offline = false;
        this.out.notice("Reconnected.");
      }
    });
    client.on("fatal", (error: Error) => {
      if (this.done) return;
      this.out.error(`the server closed the chat: ${sanitizeLine(error.message)}`);
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
    if (this.tty) editByGrapheme(rl);
    this.out.attach(rl);
    if (this.tty) {
      rl.setPrompt("> ");
      const org = sanitizeLine(welcome.snapshot?.org.name ?? "") || "the contact center";
      const kind = workstream.mode === "persistent" ? "persistent chat" : "live chat";
      const name = sanitizeLine(workstream.name);
      process.stdout.write(
        `${org} · ${name.toLowerCase().includes(kind) ? name : `${name} (${kind})`} · ${this.setup.who}\n`,
      );
      // A persistent chat is the rep's to end: its customer is offered only leaving (it stays open for them).
      process.stdout.write(
        workstream.mode === "persistent"
          ? "Type a message and press Enter. /quit leaves (the chat stays open), /help lists the commands.\n"
          : "Type a message and press Enter. /end or /quit ends the chat, /help lists the commands.\n",
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
    if (this.done || frame.conversationId !== this.current || frame.from !== "rep") return;
    this.out.showTyping(sanitizeLine(frame.name ?? "The rep"));
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
    this.conversations.absorbSnapshot(welcome);
    const id = this.current;
    if (!id) return;
    this.flush(id);
    const inSnapshot = welcome.snapshot.customerConversations.find((c) => c.id === id);
    const entry = this.conversations.get(id);
    // Closed conversations are not in a snapshot: it ended while we were away.
    if (entry)
      this.onStateChange(inSnapshot ? entry.view : { ...entry.view, state: "closed", ended: true }, welcome.serverTime);
  }

  // ---- server state ------------------------------------------------------------------------------------

  private onChange(change: Change, at: number): void {
    if (change.kind === "customer_conversation") {
      const entry = this.conversations.upsert(change.conversation);
      if (change.conversation.id === this.current) {
        // A conversation sent whole (after a reconnect) brings its messages: a rep joining comes before
        // what they wrote, the end after the last message.
        if (!entry.view.ended) this.onStateChange(entry.view, at);
        this.flush(this.current);
        if (entry.view.ended) this.onStateChange(entry.view, at);
      }
    } else if (change.kind === "message") {
      this.conversations.addMessage(change.conversationId, change.message, this.setup.workstream.mode);
      if (change.conversationId === this.current) this.out.message(change.message);
    }
  }

  /** Print what has not been printed yet of a conversation, in order. */
  private flush(id: string): void {
    for (const m of this.conversations.get(id)?.messages ?? []) this.out.message(m);
  }

  private onStateChange(view: CustomerConversationView, at: number): void {
    if (this.done) return;
    const was = this.lastState;
    if (view.state === "active" && view.repName && (was !== "active" || this.lastRep !== view.repName)) {
      this.out.notice(`${sanitizeLine(view.repName)} joined the chat.`, at);
    } else if (view.state === "waiting" && was !== "waiting") {
      this.out.notice(
        `${this.lastRep ? sanitizeLine(this.lastRep) : "The rep"} put the chat on hold; write any time to carry on.`,
        at,
      );
    } else if (view.state === "open" && (was === "active" || was === "waiting") && !view.ended) {
      this.out.notice("Waiting for a rep to pick up the chat.", at);
    }
    this.lastState = view.state;
    if (view.repName) this.lastRep = view.repName;
    if (view.ended) {
      this.out.announceEnd(at);
      // While the rating is asked, its answer ends the chat (the rating itself comes back as a change of the view).
      if (this.rating) return;
      if (view.rateUntil !== undefined && !view.rating) this.askRating(view.id);
      else this.finish();
      return;
    }
    if (view.state === "open" && view.mode === "live") this.queuePosition.start();
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
        this.out.notice(`You are chatting with ${sanitizeLine(entry.view.repName)}.`);
    }
    this.onStateChange(entry.view, Date.now());
  }

  /** --resume: the open conversation of this customer on this mode of chat, with its history (P5). */
  private async resumeOpenConversation(): Promise<void> {
    const latest = this.conversations.latestOpen(this.setup.workstream.mode);
    const identified = this.setup.identifiedBy;
    if (!latest && identified?.by === "name") {
      // Most likely the conversation was started with --email: starting another would give the rep two.
      this.out.error(
        `no open conversation for "${sanitizeLine(identified.value)}" signed in by name alone. ` +
          "A signed-in customer is their --email when one is given: add the --email you started with to resume it " +
          "(or leave out --resume to start a new conversation).",
      );
      this.exitCode = 1;
      this.finish();
      return;
    }
    if (!latest) {
      this.out.notice("No open conversation to resume; your first message starts a new one.");
      return;
    }
    await this.loadHistory(latest);
    this.setCurrent(latest.view.id, false);
  }

  /**
   * The latest page of a conversation's history, read from the server: a welcome carries few or none of its messages
   * (none while it is parked in Waiting). Older ones than the page are left out, and a line says how many.
   */
  private async loadHistory(entry: KnownConversation): Promise<void> {
    if (entry.messages.length >= entry.view.messageCount) return;
    try {
      const result = await this.client.request({
        type: "messages",
        conversationId: entry.view.id,
        limit: HISTORY_PAGE,
      });
      for (const m of (result.messages as MessageView[] | undefined) ?? []) addMessageOnce(entry, m);
      entry.messages.sort((a, b) => a.at - b.at);
    } catch (error) {
      this.out.notice(`Your earlier messages could not be loaded (${sanitizeLine((error as Error).message)}).`);
      return;
    }
    const earlier = entry.view.messageCount - entry.messages.length;
    if (earlier > 0) this.out.notice(`${earlier} earlier message${earlier === 1 ? "" : "s"} not shown.`);
  }

  // ---- rating (CSAT) -----------------------------------------------------------------------------------

  /** The chat ended: ask for a rating, unless the customer is leaving anyway. Nothing waits for the answer. */
  private askRating(conversationId: string): void {
    if (this.rating || this.done) return;
    if (this.inputClosed || this.leaving) return this.finish();
    this.rating = new RatingQuestion(conversationId, this.client, this.out, () => this.finish());
    this.rating.ask();
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
        if (this.tty && !this.done) {
          this.rl?.prompt(true);
          if (this.refill !== null) this.rl?.write(this.refill);
        }
        this.refill = null;
      }
    } finally {
      this.working = false;
    }
  }

  private async onLine(raw: string): Promise<void> {
    if (this.rating) return this.rating.answer(raw);
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
          this.out.notice(
            "/end ends a live chat · /quit leaves (a persistent chat stays open) · start a line with // to send a /",
          );
          return;
        default:
          this.out.notice(`Unknown command ${sanitizeLine(command).slice(0, 40)}. Try /help.`);
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
      this.out.error(
        `not sent: a message can be at most ${MAX_MESSAGE_LENGTH} characters (this one has ${[...text].length})${this.tty ? "; it is back on the line to shorten" : ""}.`,
      );
      // Nothing typed is lost: in a terminal the line comes back to be edited.
      if (this.tty) this.refill = text;
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
        if (ack.resumed === true) this.out.notice("You are back in your open conversation:");
        this.setCurrent(id, ack.resumed !== true);
      } else {
        await this.client.request({ type: "send", conversationId: this.current, text, clientId: this.clientId() });
      }
    } catch (error) {
      // Unanswered (offline): the client keeps the line and sends it, with its client id, once the connection is
      // back; the chat shows it then. Saying "not sent" would have it typed, and sent, twice.
      if (error instanceof RequestError && error.code === "request/timeout") {
        this.out.notice("Not answered yet: your line is sent once the connection is back.");
        return;
      }
      const message = error instanceof RequestError ? error.message : (error as Error).message;
      this.out.error(`not sent: ${sanitizeLine(message)}`);
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
      this.out.notice(
        "Only the rep can end a persistent chat. /quit leaves it open; come back with --resume to carry on.",
      );
      return;
    }
    if (!this.current || !entry) {
      this.out.notice("No chat was started.");
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
      if (!this.done) this.out.error(`could not end the chat: ${sanitizeLine((error as Error).message)}`);
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
      this.out.notice("You left the chat; it stays open. Come back with --resume to carry on.");
    }
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.queuePosition.stop();
    process.stdin.off("keypress", this.onKeypress);
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
    this.out.close();
    this.rl?.close();
    // Let the process end even if the pipe feeding stdin stays open.
    process.stdin.pause();
    if (!process.stdin.isTTY) process.stdin.destroy();
    void this.client.close().then(() => this.resolveDone());
  }
}
