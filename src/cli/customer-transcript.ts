// What the customer's terminal shows of the chat: its lines, notices and errors, and the prompt. On a TTY a line is
// printed above the prompt, which is redrawn; piped, one line per message or event, your own not echoed.
// Every string that came from the server is sanitised before it is written.
import { customerSystemText } from "../protocol/customer-wording.js";
import { clearScreenDown, cursorTo, moveCursor } from "node:readline";
import type { Interface } from "node:readline";
import { ENDING_MESSAGE_CODES } from "../protocol/wire.js";
import { sanitizeLine, sanitizeText } from "../protocol/sanitize.js";
import type { MessageView } from "../protocol/views.js";
import { settlePrompt } from "./grapheme-readline.js";

function hhmm(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

export class ChatTranscript {
  private rl: Interface | null = null;
  /** The chat is over: no prompt to redraw. */
  private closed = false;
  private readonly printed = new Set<string>();
  private endAnnounced = false;
  /** "Alice is typing…" in the prompt until this timer clears it. */
  private typingTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly tty: boolean,
    /** The client ids of the messages this process sent: piped, they are not echoed. */
    private readonly sentClientIds: ReadonlySet<string>,
  ) {}

  /** The readline whose prompt the lines are printed above (a TTY), once the chat has made it. */
  attach(rl: Interface): void {
    this.rl = rl;
  }

  /**
   * Take the prompt and what is typed on it off the screen, every row of it: a message longer than the terminal is
   * wide takes several, and clearing the cursor's row alone left the others above the next line printed.
   */
  private clearPrompt(): void {
    if (!this.rl) return;
    moveCursor(process.stdout, 0, -settlePrompt(this.rl));
    cursorTo(process.stdout, 0);
    clearScreenDown(process.stdout);
    // readline redraws the prompt from the row it last drew it on: that is this row now.
    (this.rl as unknown as { prevRows: number }).prevRows = 0;
  }

  print(line: string): void {
    if (this.tty && this.rl && !this.closed) {
      this.clearPrompt();
      process.stdout.write(`${line}\n`);
      this.rl.prompt(true);
    } else {
      process.stdout.write(`${line}\n`);
    }
  }

  /** A local or system event line. */
  notice(text: string, at = Date.now()): void {
    this.print(`[${hhmm(at)}] * ${text}`);
  }

  error(text: string): void {
    if (this.tty) this.notice(text);
    else process.stderr.write(`cc-agent: ${text}\n`);
  }

  /** A message of the conversation, once however often it is heard of. */
  message(m: MessageView): void {
    if (this.printed.has(m.id)) return;
    this.printed.add(m.id);
    // What the rep typed has arrived (or the chat moved on): "is typing…" goes with it.
    if (m.author.role !== "customer") this.stopTyping();
    if (m.author.role === "system" && m.code && ENDING_MESSAGE_CODES.has(m.code)) this.endAnnounced = true;
    const line = this.render(m);
    if (line !== null) this.print(line);
  }

  /** "The conversation has ended.", unless a system message printed already said so. */
  announceEnd(at: number): void {
    if (!this.endAnnounced) this.notice("The conversation has ended.", at);
    this.endAnnounced = true;
  }

  setPrompt(prompt: string): void {
    if (!this.tty || !this.rl) return;
    this.rl.setPrompt(prompt);
    this.rl.prompt(true);
  }

  /** The rep is typing: the prompt says so for a few seconds (a terminal only; piped output stays the chat). */
  showTyping(name: string): void {
    if (!this.tty || !this.rl) return;
    this.setPrompt(`(${name} is typing…) > `);
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => {
      this.typingTimer = null;
      if (this.closed) return;
      this.setPrompt("> ");
    }, 4000);
    this.typingTimer.unref();
  }

  private stopTyping(): void {
    if (!this.typingTimer) return;
    clearTimeout(this.typingTimer);
    this.typingTimer = null;
    if (!this.closed) this.setPrompt("> ");
  }

  /** The chat is over: later lines are plain, and a TTY is left a clean line for the shell. */
  close(): void {
    this.closed = true;
    if (this.typingTimer) clearTimeout(this.typingTimer);
    if (this.tty) {
      // Without the prompt or a half-typed message.
      this.clearPrompt();
    }
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
    if (m.author.role === "system") return `${time} * ${sanitizeLine(customerSystemText(m))}`;
    if (m.author.role === "customer") {
      // Piped: what this process sent is not echoed; history and other devices' messages are.
      if (!this.tty && m.clientId !== undefined && this.sentClientIds.has(m.clientId)) return null;
      return `${time} You: ${this.body(m.text, time.length + 6)}`;
    }
    const name = sanitizeLine(m.author.name) || "Rep";
    return `${time} ${name}: ${this.body(m.text, time.length + name.length + 3)}`;
  }
}
