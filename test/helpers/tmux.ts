// A real pseudo-terminal for end-to-end tests: a program runs in a detached tmux session on a private
// socket, keys go in with send-keys and the screen comes back as plain text with capture-pane, the way a
// person would read it. Waits poll the screen (never fixed sleeps) and fail with the last screen shown.
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Fail (not skip) with a clear message when tmux is missing. */
export function requireTmux(): void {
  const probe = spawnSync("tmux", ["-V"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      "tmux is required for the end-to-end console tests but was not found on PATH " +
        `(${probe.error?.message ?? probe.stderr.trim()}). Install it, e.g. \`apt-get install -y tmux\`.`,
    );
  }
}

function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile("tmux", args, { encoding: "utf8", maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`tmux ${args.slice(2).join(" ")} failed: ${stderr.trim() || error.message}`));
      else resolve({ stdout, stderr });
    });
  });
}

export interface TerminalOptions {
  /** argv of the program (handed over as is, never parsed by a shell). */
  command: string[];
  /** Exact environment variables for the program; `null` unsets one. */
  env?: Record<string, string | null>;
  cwd: string;
  /** A directory for the tmux config file. */
  dir: string;
  columns?: number;
  rows?: number;
}

export type ScreenCheck = string | RegExp | ((screen: string) => boolean);

function matches(screen: string, check: ScreenCheck): boolean {
  if (typeof check === "string") return screen.includes(check);
  if (check instanceof RegExp) return check.test(screen);
  return check(screen);
}

export class TmuxTerminal {
  /** A socket of its own: killing it never touches another tmux server. */
  readonly socket = `cc-agent-e2e-${process.pid}-${randomBytes(6).toString("hex")}`;
  private readonly session = "e2e";
  private started = false;
  private socketPath: string | null = null;
  private lastScreen = "";

  private tmux(...args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run(["-L", this.socket, ...args]);
  }

  /** Start the program in a detached session of the given size. */
  async start(options: TerminalOptions): Promise<void> {
    // No status line (the pane is the whole window) and no user config.
    const config = join(options.dir, `tmux-${this.socket}.conf`);
    writeFileSync(config, "set -g status off\n");
    const unset = Object.entries(options.env ?? {})
      .filter(([, value]) => value === null)
      .flatMap(([name]) => ["-u", name]);
    const set = Object.entries(options.env ?? {})
      .filter((entry): entry is [string, string] => entry[1] !== null)
      .map(([name, value]) => `${name}=${value}`);
    this.started = true;
    await run([
      "-L",
      this.socket,
      "-f",
      config,
      "new-session",
      "-d",
      "-s",
      this.session,
      "-x",
      String(options.columns ?? 120),
      "-y",
      String(options.rows ?? 40),
      "-c",
      options.cwd,
      // env(1) makes the program's environment exact, whatever tmux's default-terminal says. When the
      // program exits, the shell says how and keeps the pane (and its last output) open until kill().
      "sh",
      "-c",
      'env "$@"; echo "[program exited with status $?]"; exec cat',
      "sh",
      ...unset,
      ...set,
      ...options.command,
    ]);
    this.socketPath = (await this.tmux("display-message", "-p", "#{socket_path}")).stdout.trim() || null;
  }

  /** The visible screen as plain text (no colours), trailing blanks trimmed. */
  async screen(): Promise<string> {
    const { stdout } = await this.tmux("capture-pane", "-p", "-t", this.session);
    this.lastScreen = stdout
      .split("\n")
      .map((line) => line.trimEnd())
      .join("\n")
      .trimEnd();
    return this.lastScreen;
  }

  /** The visible screen with its escape sequences (SGR colours and attributes), as tmux redraws it. */
  async rawScreen(): Promise<string> {
    const { stdout } = await this.tmux("capture-pane", "-p", "-e", "-t", this.session);
    return stdout;
  }

  /** Whether the program has exited, and how (read from the last screen). */
  exitStatus(): string | null {
    const status = /\[program exited with status (\d+)\]/.exec(this.lastScreen)?.[1];
    return status === undefined ? null : `exited with status ${status}`;
  }

  /** Resize the terminal, as a person dragging the window's corner does: the program gets SIGWINCH. */
  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux("resize-window", "-t", this.session, "-x", String(columns), "-y", String(rows));
  }

  /** Named keys, as tmux spells them: "Enter", "Tab", "M-y" (Alt+Y), "C-c". */
  async press(...keys: string[]): Promise<void> {
    await this.tmux("send-keys", "-t", this.session, ...keys);
  }

  /** Literal text, typed as is. */
  async type(text: string): Promise<void> {
    await this.tmux("send-keys", "-t", this.session, "-l", text);
  }

  /** Raw bytes, as the terminal itself would send them (e.g. focus reports "1b 5b 49"), in one write. */
  async sendBytes(hex: string[]): Promise<void> {
    await this.tmux("send-keys", "-t", this.session, "-H", ...hex);
  }

  /**
   * Bytes delivered to the program in ONE write, as a busy terminal or a slow link joins keys: no paste marks,
   * line feeds kept as they are (Enter is "\r", Tab "\t", Alt+W "\x1bw").
   */
  async sendTogether(bytes: string): Promise<void> {
    await this.tmux("set-buffer", "-b", "cc-agent-keys", bytes);
    await this.tmux("paste-buffer", "-d", "-r", "-b", "cc-agent-keys", "-t", this.session);
  }

  /** Paste text as a terminal does: in bracketed-paste marks when the program asked for them, line breaks as Enter. */
  async paste(text: string): Promise<void> {
    await this.tmux("set-buffer", "-b", "cc-agent-paste", text);
    await this.tmux("paste-buffer", "-p", "-d", "-b", "cc-agent-paste", "-t", this.session);
  }

  /**
   * Poll the screen after every macrotask until every check holds; resolve with that screen. On timeout,
   * or as soon as the program has exited, fail with what was awaited and the last screen.
   */
  async waitForScreen(checks: ScreenCheck | ScreenCheck[], what: string, timeoutMs = 15_000): Promise<string> {
    const all = Array.isArray(checks) ? checks : [checks];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      // A frame can be caught half drawn (tmux shows what it has read so far): accept a screen only when a
      // second capture shows the same, so that what the caller asserts next is a whole frame.
      if (all.every((check) => matches(screen, check)) && (await this.screen()) === screen) return screen;
      // A program that has exited will show nothing new: fail now, with its last output.
      const exited = this.exitStatus();
      if (exited)
        throw new Error(`waiting for the screen to show ${what}, but the program ${exited}; last screen:\n${screen}`);
      if (Date.now() > deadline)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for the screen to show ${what}; last screen:\n${screen}`,
        );
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Kill this socket's tmux server (and the program in it), and remove the socket file tmux leaves. */
  async kill(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    try {
      await this.tmux("kill-server");
    } catch {
      // Already gone.
    }
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }
}
