// The built CLI is a bundle (dist/bundle/, what bin/cc-agent.js runs; scripts/bundle.js): what bundling could
// break that the other process tests do not reach. Needs `npm run build` first (npm test does it).
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/ws.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin", "cc-agent.js");
const BUNDLE = join(ROOT, "dist", "bundle", "cc-agent.js");

const dirs: string[] = [];
const children: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(BUNDLE))
    throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (npm test builds before vitest).`);
});

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the bundled CLI", () => {
  it("serves the chat widget's files from dist/src/widget/", { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "cc-agent-bundle-"));
    dirs.push(dir);
    const child = spawn(
      process.execPath,
      [BIN, "server", "--port", "0", "--data", join(dir, "cc.db"), "--no-credentials", "--log-level", "warn"],
      {
        cwd: dir,
        env: { ...process.env, CC_AGENT_HOME: join(dir, "home"), NO_COLOR: "1" },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    children.push(child);
    let stderr = "";
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => (stderr += chunk));
    await waitFor(() => /listening on ws:\/\/\S+/.test(stderr), `the server to listen (stderr: ${stderr})`, 20_000);
    const base = /listening on ws:\/\/(\S+?)\/ws/.exec(stderr)![1]!;

    const widget = await fetch(`http://${base}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await widget.text()).length).toBeGreaterThan(1000);
    expect((await fetch(`http://${base}/demo`)).status).toBe(200);
  });

  it("starts with DEV=true in the environment (Ink's React DevTools switch)", { timeout: 20_000 }, () => {
    const run = spawnSync(process.execPath, [BIN, "--help"], {
      cwd: ROOT,
      env: { ...process.env, DEV: "true", NO_COLOR: "1" },
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Usage: cc-agent");
  });

  it("the console's start loads none of the server's libraries (they are parsed on every start: docs/benchmarks.md)", () => {
    // The files the entry imports statically, and theirs: what node parses before the first frame. The build's
    // metafile names the sources each file carries, so a dependency that slipped in shows by its path.
    const meta = JSON.parse(readFileSync(join(dirname(BUNDLE), "meta.json"), "utf8")) as {
      outputs: Record<string, { imports: { path: string; kind: string }[]; inputs: Record<string, unknown> }>;
    };
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const { path, kind } of meta.outputs[file]!.imports)
        if (kind === "import-statement" && path in meta.outputs) visit(path);
    };
    visit("dist/bundle/cc-agent.js");
    const inputs = [...loaded].flatMap((file) => Object.keys(meta.outputs[file]!.inputs));
    expect(inputs).toContain("src/ui/console/App.tsx");
    for (const library of ["node_modules/zod/", "node_modules/libphonenumber-js/", "node_modules/ajv/", "server/core/"])
      expect(
        inputs.filter((input) => input.startsWith(library)),
        `${library} in the console's start`,
      ).toEqual([]);
    // React's development build is not carried at all, and Ink's layout engine does not wake Node's fetch (undici).
    expect(inputs.filter((input) => input.includes("development"))).toEqual([]);
    expect(inputs).toContain("node_modules/yoga-layout/dist/binaries/yoga-wasm-base64-esm.js");
    const sources = [...loaded].map((file) => readFileSync(join(ROOT, file), "utf8")).join("\n");
    expect(sources).not.toMatch(/typeof fetch/);
    // No grapheme segmenter is made as the bundle loads (the first one starts ICU, ~15 ms): the one there is made on
    // first need (src/ui/text/graphemes.ts), and Ink's text is checked and written by our fast paths.
    expect(sources.match(/new Intl\.Segmenter/g)).toHaveLength(1);
    expect(sources).toMatch(/\?\?=\s*new Intl\.Segmenter/);
    expect(sources).toContain("onlyTextAndStyles(text)");
    expect(sources).toContain("sameStyles(");
  });
});
