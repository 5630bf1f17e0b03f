// Install step: build the server's one native addon (native/malloc-trim, server/return-memory.ts) with node-gyp, as
// better-sqlite3 is built. It is an optimisation: where it cannot be built (no compiler, another libc) the install
// goes on and says so, and the server runs without it. On Linux with glibc, `npm test` checks that it was built.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "native", "malloc-trim");

// Built already, for this Node: left alone. `npx cc-agent` from a clone, with an npm cache that does not know the
// package yet, installs the clone into the cache and runs this step again; node-gyp's rebuild would delete the build
// and, run from there, fail to make it again. `npm run build:native -- --force` rebuilds anyway.
if (!process.argv.includes("--force")) {
  try {
    createRequire(import.meta.url)(join(dir, "build", "Release", "malloc_trim.node"));
    process.exit(0);
  } catch {
    // Not built, or for another Node: build it.
  }
}
// npm names its own node-gyp for install scripts; run by hand, the one on PATH.
const gyp = process.env.npm_config_node_gyp;
const [command, args] = gyp ? [process.execPath, [gyp, "rebuild"]] : ["node-gyp", ["rebuild"]];
const result = spawnSync(command, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
if (result.status !== 0) {
  const why = result.error?.message ?? result.stderr.trim().split("\n").slice(-3).join("\n");
  console.warn(
    `cc-agent: the native addon in native/malloc-trim was not built; the server will run without giving freed ` +
      `memory back to the system after collections.\n${why}`,
  );
}
