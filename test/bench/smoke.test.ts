// The benchmark suite is not part of `npm test`, but this short run of it is, so that it cannot rot: the built
// runner with --smoke (tiny counts, a few seconds per benchmark) must produce a figure for every benchmark.
// It asserts that each benchmark ran and measured something, not the goals (those need the full suite and a quiet
// machine: `npm run bench`). Needs `npm run build` (npm test builds before running vitest).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const runner = join(root, "dist/bench/run.js");
const BENCHES = [
  "relay",
  "routing",
  "durability",
  "restart",
  "console",
  "memory",
  "open",
  "masking",
  "report",
  "monitor",
  "pg-commit",
  "socketio-peer",
  "cluster",
];

interface Row {
  id: string;
  bench: string;
  figure: string;
  baseline: number | null;
  ours: number;
  ratio: number | null;
  note?: string;
}

describe("bench --smoke", () => {
  it("runs every benchmark and reports a figure for each", { timeout: 360_000 }, async () => {
    if (!existsSync(runner))
      throw new Error(`${runner} is missing: run \`npm run build\` first (npm test builds before vitest).`);
    const dir = mkdtempSync(join(tmpdir(), "cc-agent-bench-smoke-"));
    try {
      const json = join(dir, "bench.json");
      const out = join(dir, "benchmarks.md");
      let stderr = "";
      const code = await new Promise<number | null>((done) => {
        const child = spawn(process.execPath, [runner, "--smoke", "--json", json, "--out", out], {
          cwd: dir,
          stdio: ["ignore", "ignore", "pipe"],
        });
        child.stderr.setEncoding("utf8");
        child.stderr.on("data", (chunk: string) => (stderr += chunk));
        child.once("exit", done);
      });
      expect(code, stderr).toBe(0);
      const report = JSON.parse(readFileSync(json, "utf8")) as { rows: Row[]; machine: { cores: number } };
      expect(report.machine.cores).toBeGreaterThan(0);
      const failed = report.rows.filter((r) => r.id.endsWith("-failed"));
      expect(
        failed.map((r) => `${r.bench}: ${r.note ?? ""}`),
        stderr,
      ).toEqual([]);
      for (const bench of BENCHES) {
        const rows = report.rows.filter((r) => r.bench === bench);
        expect(rows.length, `rows of ${bench}`).toBeGreaterThan(0);
        // Every benchmark measured something real (the start-to-first-frame row is skipped without `script`).
        for (const row of rows.filter((r) => !(r.note ?? "").startsWith("skipped"))) {
          expect(Number.isFinite(row.ours), `${row.id}: ${row.figure}`).toBe(true);
          // Memory per 1,000 is a difference of two RSS readings: with the smoke's few conversations it is mostly the
          // allocator's noise, and may fall below 0.
          if (bench !== "memory") expect(row.ours, `${row.id}: ${row.figure}`).toBeGreaterThanOrEqual(0);
        }
      }
      const markdown = readFileSync(out, "utf8");
      expect(markdown).toContain("# Benchmarks");
      for (const bench of BENCHES) expect(markdown).toContain(`| ${bench} |`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
