// Running a full-screen Ink app (the console, the monitor) on this terminal: one tick a second, resize,
// and the terminal restored on every exit path — quit, SIGTERM, SIGHUP, a crash.
import { CommanderError } from "commander";
import { render } from "ink";
import type { ReactElement } from "react";
import type { CcClient } from "../client/client.js";
import type { Settings } from "../config/config.js";
import { restoreIsolates } from "../ui/text/index.js";
import { makeTheme } from "../ui/theme/theme.js";
import type { Theme } from "../ui/theme/theme.js";
import { sanitizeLine } from "../protocol/sanitize.js";
import { filterTerminalInput } from "./terminal-input.js";

const BRACKETED_PASTE_ON = "\x1b[?2004h";
const BRACKETED_PASTE_OFF = "\x1b[?2004l";
// The alternate screen, as full-screen programs use it (less, vim, k9s, lazygit): the frame is drawn there, and on the
// way out the terminal shows again what it showed before, with no last frame left in its scrollback. Not with a
// screen reader, which reads the linear layout as ordinary output (UX.md).
const ALTERNATE_SCREEN_ON = "\x1b[?1049h";
const ALTERNATE_SCREEN_OFF = "\x1b[?1049l";

type TerminalAction = { type: "tick"; now: number } | { type: "resize"; columns: number; rows: number };

export interface TerminalAppOptions {
  client: CcClient;
  store: { dispatch(action: TerminalAction): void };
  settings: Pick<Settings, "theme">;
  /** Build the app; `exit` ends it. `quit` is what SIGTERM does (e.g. set presence Offline, then exit). */
  create(exit: () => void, theme: Theme): { element: ReactElement; quit: () => Promise<void> };
  /** A linear, worded rendering for screen readers (also INK_SCREEN_READER=true). */
  screenReader?: boolean;
  /** Runs once when the app ends, before the terminal is handed back. */
  onStop?: () => void;
  /** The terminal's focus reports (when the app asked for them); they never reach the app's input. */
  onFocus?: (focused: boolean) => void;
}

/** Exit code of a full-screen command started without a terminal. */
export const NO_TERMINAL_EXIT_CODE = 2;

/**
 * The console and the monitor read keys and draw a full screen: without a terminal (stdin or stdout not a TTY:
 * `</dev/null`, a pipe, a service) they say so on one line and end with exit code 2. Called before anything
 * signs in, starts or changes a presence.
 */
export function requireTerminal(
  what: string,
  io: { stdin: { isTTY?: boolean }; stdout: { isTTY?: boolean } } = process,
): void {
  if (io.stdin.isTTY && io.stdout.isTTY) return;
  process.stderr.write(`cc-agent: ${what} needs a terminal (stdin and stdout must be a TTY)\n`);
  throw new CommanderError(NO_TERMINAL_EXIT_CODE, "cc-agent.noTerminal", `${what} needs a terminal`);
}

/**
 * The terminal as Ink sees it, with one change on the way out: the marks that stand for right-to-left
 * isolates inside the React tree become the isolates themselves (src/ui/text/bidi.ts).
 */
function isolatingStdout(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
  const write = (chunk: unknown, ...rest: unknown[]) =>
    (stdout.write as (...args: unknown[]) => boolean)(
      typeof chunk === "string" ? restoreIsolates(chunk) : chunk,
      ...rest,
    );
  return new Proxy(stdout, {
    get(target, property) {
      if (property === "write") return write;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** How long a console or monitor whose terminal hung up waits for quitting to reach the server. */
const HANGUP_QUIT_MS = 2_000;

/** Resolves once the app has ended and the terminal is restored. */
export async function runTerminalApp(options: TerminalAppOptions): Promise<void> {
  const { client, store } = options;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(ticker);
    process.stdout.off("resize", onResize);
    options.onStop?.();
    if (process.stdout.isTTY) process.stdout.write(BRACKETED_PASTE_OFF);
    instance.unmount();
    if (alternate) process.stdout.write(ALTERNATE_SCREEN_OFF);
    input?.stop();
    void client.close();
    resolveDone();
  };
  const theme = makeTheme(options.settings.theme === "no-color" ? { ...process.env, NO_COLOR: "1" } : process.env);
  const app = options.create(finish, theme);
  // Ink reads the terminal through a filter that takes focus reports out (src/cli/terminal-input.ts).
  const input = process.stdin.isTTY ? filterTerminalInput(process.stdin, (f) => options.onFocus?.(f)) : undefined;
  const alternate = Boolean(process.stdout.isTTY) && !options.screenReader;
  if (alternate) process.stdout.write(ALTERNATE_SCREEN_ON);
  const instance = render(app.element, {
    ...(input ? { stdin: input.stdin } : {}),
    stdout: isolatingStdout(process.stdout),
    exitOnCtrlC: false,
    patchConsole: true,
    ...(options.screenReader ? { isScreenReaderEnabled: true } : {}),
  });
  // The terminal marks pastes, so a pasted line break never sends (src/ui/keys/use-keys.ts).
  if (process.stdout.isTTY) process.stdout.write(BRACKETED_PASTE_ON);
  // Timers tick once a second (countdowns, wait and handle times, the flash line's expiry).
  const ticker = setInterval(() => store.dispatch({ type: "tick", now: Date.now() }), 1000);
  const onResize = () => store.dispatch({ type: "resize", columns: process.stdout.columns, rows: process.stdout.rows });
  process.stdout.on("resize", onResize);
  const onSignal = () => void app.quit();
  // The terminal is gone (closed, its ssh session dropped): nothing more can be drawn or read, but quitting still tells
  // the server (the monitor leaves what it watches or joined, the console goes Offline) before the process ends.
  // Drawing stops first: a write to a hung-up terminal fails. Bounded: a server out of reach does not hold it.
  let hungUp = false;
  const onHangup = () => {
    if (hungUp || finished) return;
    hungUp = true;
    process.stdout.on("error", () => undefined);
    process.stdin.on("error", () => undefined);
    instance.unmount();
    const bound = setTimeout(finish, HANGUP_QUIT_MS);
    void app.quit().finally(() => {
      clearTimeout(bound);
      finish();
    });
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGHUP", onHangup);
  // A crash must not leave the terminal in raw mode, with a changed title or focus reporting on.
  const onCrash = (error: unknown) => {
    // A read or write on a terminal that went away (EIO) may come before its SIGHUP: it is the same hangup.
    if ((error as NodeJS.ErrnoException | undefined)?.code === "EIO") return onHangup();
    finish();
    process.stderr.write(`cc-agent: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  };
  process.once("uncaughtException", onCrash);
  process.once("unhandledRejection", onCrash);
  // The server signed this terminal out (its user was removed, its token replaced) or refused it: nothing it could do
  // would be taken any more. It ends, saying why, rather than stay on screen as an offline console.
  const onRefused = (error: Error) => {
    finish();
    process.stderr.write(`cc-agent: ${sanitizeLine(error.message)}\n`);
    process.exitCode = 1;
  };
  client.on("fatal", onRefused);
  await done;
  client.off("fatal", onRefused);
  process.off("SIGTERM", onSignal);
  process.off("SIGHUP", onHangup);
  process.off("uncaughtException", onCrash);
  process.off("unhandledRejection", onCrash);
}
