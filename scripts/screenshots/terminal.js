// A real terminal for screenshots: xterm on a virtual X display (Xvfb) shows a tmux session in which the
// program runs. Keys go in with tmux send-keys, the screen is read back with capture-pane (every wait polls
// it), and the xterm window is saved as a PNG with ImageMagick's import once it has stopped changing.
import { execFile, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The commands this needs, and the Debian package that has each. */
const TOOLS = [
  ["Xvfb", "xvfb"],
  ["xterm", "xterm"],
  ["import", "imagemagick"],
  ["tmux", "tmux"],
  ["fc-list", "fontconfig"],
];
export const FONT = "DejaVu Sans Mono";

/** What is missing, as one message saying how to install it; null when everything is there. */
export function missingTools() {
  const onPath = (name) => spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).status === 0;
  const missing = TOOLS.filter(([name]) => !onPath(name));
  const packages = missing.map(([, pkg]) => pkg);
  const fonts = onPath("fc-list") ? spawnSync("fc-list", [":family"], { encoding: "utf8" }).stdout : "";
  if (!fonts.includes(FONT)) packages.push("fonts-dejavu");
  if (packages.length === 0) return null;
  const what = [...missing.map(([name]) => name), ...(fonts.includes(FONT) ? [] : [`the font ${FONT}`])];
  return `npm run screenshots needs ${what.join(", ")}. Install: apt-get install -y ${[...new Set(packages)].join(" ")}`;
}

function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 16 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed: ${String(stderr).trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 50));

/** Poll `probe` until it returns something truthy; fail after `ms` saying what was awaited. */
export async function until(probe, what, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await tick();
  }
}

/** A virtual X display of its own (Xvfb picks a free display number). */
export async function startDisplay() {
  const xvfb = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1920x1200x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  let log = "";
  xvfb.stderr.on("data", (d) => (log += d));
  const number = await new Promise((resolve, reject) => {
    let out = "";
    xvfb.stdio[3].on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.trim());
    });
    xvfb.on("exit", (code) => reject(new Error(`Xvfb exited (${code}): ${log.trim()}`)));
  });
  return { display: `:${number}`, stop: () => xvfb.kill() };
}

/** A tmux server on a private socket: one session per program, no status line, UTF-8. */
export class Tmux {
  constructor(dir) {
    this.dir = dir;
    this.socket = `cc-agent-shots-${process.pid}-${randomBytes(4).toString("hex")}`;
    this.config = join(dir, "tmux.conf");
    writeFileSync(this.config, "set -g status off\nset -g default-terminal tmux-256color\nset -g window-size latest\n");
  }

  tmux(...args) {
    return run("tmux", ["-u", "-L", this.socket, "-f", this.config, ...args], {
      encoding: "utf8",
      env: { ...process.env, LANG: "C.UTF-8", LC_ALL: "C.UTF-8" },
    });
  }

  /** Start `command` (argv) in session `name` of the given size, with exactly `env` added to a clean environment. */
  async start(name, { command, env, columns, rows, cwd }) {
    const vars = Object.entries({ PATH: process.env.PATH, HOME: process.env.HOME, TERM: "xterm-256color", ...env })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`);
    await this.tmux(
      "new-session",
      "-d",
      "-s",
      name,
      "-x",
      String(columns),
      "-y",
      String(rows),
      "-c",
      cwd,
      "env",
      "-i",
      "LANG=C.UTF-8",
      ...vars,
      ...command,
    );
  }

  /** The screen as text (trailing blanks trimmed). */
  async screen(name) {
    const out = await this.tmux("capture-pane", "-p", "-t", name);
    return out
      .split("\n")
      .map((l) => l.trimEnd())
      .join("\n")
      .trimEnd();
  }

  /** Wait until the screen passes `check` (a string it contains, a RegExp, or a function); resolve with it. */
  async waitFor(name, check, what, ms = 20_000) {
    const test = (s) =>
      typeof check === "string" ? s.includes(check) : check instanceof RegExp ? check.test(s) : check(s);
    let last = "";
    try {
      return await until(
        async () => {
          last = await this.screen(name).catch(() => last);
          return test(last) ? last : null;
        },
        `${what} in ${name}`,
        ms,
      );
    } catch (error) {
      throw new Error(`${error.message}; last screen:\n${last}`, { cause: error });
    }
  }

  /** tmux key names: "Enter", "Escape", "M-y" (Alt+Y), "C-c". */
  keys(name, ...keys) {
    return this.tmux("send-keys", "-t", name, ...keys);
  }

  type(name, text) {
    return this.tmux("send-keys", "-t", name, "-l", text);
  }

  /** Whether session `name` still runs (it ends when its program exits). */
  alive(name) {
    return this.tmux("has-session", "-t", name).then(
      () => true,
      () => false,
    );
  }

  async kill() {
    await this.tmux("kill-server").catch(() => undefined);
  }
}

export const PALETTES = {
  // A common dark theme (#1e1e1e background, the 16 ANSI colours of a popular editor's terminal).
  dark: {
    background: "#1e1e1e",
    foreground: "#cccccc",
    colors:
      "#000000 #cd3131 #0dbc79 #e5e510 #2472c8 #bc3fbc #11a8cd #e5e5e5 #666666 #f14c4c #23d18b #f5f543 #3b8eea #d670d6 #29b8db #e5e5e5",
  },
  light: {
    background: "#ffffff",
    foreground: "#333333",
    colors:
      "#000000 #cd3131 #00bc00 #949800 #0451a5 #bc05bc #0598bc #555555 #666666 #cd3131 #14ce14 #b5ba00 #0451a5 #bc05bc #0598bc #a5a5a5",
  },
};

/** An xterm of `columns`×`rows` cells on `display`, attached to tmux session `name`; resolves once tmux has the new size. */
export async function openXterm(display, tmux, name, { columns, rows, palette = "dark" }) {
  const colours = PALETTES[palette];
  const idFile = join(tmux.dir, `xterm-${name}-${randomBytes(3).toString("hex")}.id`);
  const resources = [
    "XTerm*termName: xterm-256color",
    "XTerm*utf8: 1",
    "XTerm*cursorBlink: false",
    "XTerm*scrollBar: false",
    "XTerm*internalBorder: 6",
    `XTerm*background: ${colours.background}`,
    `XTerm*foreground: ${colours.foreground}`,
    ...colours.colors.split(" ").map((c, i) => `XTerm*color${i}: ${c}`),
  ];
  const attach = `printf %s "$WINDOWID" > '${idFile}'; exec tmux -u -L '${tmux.socket}' attach -t '${name}'`;
  const env = { ...process.env, DISPLAY: display, LANG: "C.UTF-8", LC_ALL: "C.UTF-8" };
  delete env.TMUX;
  const xterm = spawn(
    "xterm",
    [
      ...resources.flatMap((r) => ["-xrm", r]),
      "-fa",
      FONT,
      "-fs",
      "11",
      "-geometry",
      `${columns}x${rows}+0+0`,
      "-e",
      "sh",
      "-c",
      attach,
    ],
    { env, stdio: "ignore" },
  );
  const windowId = await until(() => existsSync(idFile) && readFileSync(idFile, "utf8").trim(), "the xterm window");
  await until(async () => {
    const size = await tmux.tmux("display-message", "-p", "-t", name, "#{window_width}x#{window_height}");
    return size.trim() === `${columns}x${rows}`;
  }, `the ${columns}×${rows} xterm attached to ${name}`);
  return {
    windowId,
    async close() {
      rmSync(idFile, { force: true });
      xterm.kill();
      await until(() => xterm.exitCode !== null || xterm.signalCode !== null, "xterm to close");
    },
  };
}

/** Save the xterm window as a PNG once two grabs in a row are the same picture (xterm has drawn what tmux sent). */
export async function shoot(display, windowId, file) {
  const grab = () =>
    run(
      "import",
      ["-display", display, "-window", windowId, "-strip", "-define", "png:exclude-chunks=date,time", "png:-"],
      {
        encoding: "buffer",
      },
    );
  // A window xterm has not drawn into yet is one colour, and steady too: it does not count.
  const drawn = async () => Number(await run("identify", ["-format", "%k", file], { encoding: "utf8" })) > 2;
  let previous = await grab();
  await until(async () => {
    await tick();
    const next = await grab();
    const same = hash(next) === hash(previous);
    previous = next;
    if (!same) return false;
    writeFileSync(file, next);
    return drawn();
  }, `a steady picture for ${file}`);
}

const hash = (buffer) => createHash("sha256").update(buffer).digest("hex");
