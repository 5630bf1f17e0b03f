// Install step (prepare): patch Ink (scripts/patch-ink.js), then build. `npx cc-agent` in this folder, with an npm
// cache that does not know the package yet, installs the folder into its cache as a link and runs this step again
// (npm_command "exec"): the folder was built by `npm ci` already, so it is left as it is — the first
// `npx cc-agent demo` no longer waits 15–20 s behind a bare spinner for a second build.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (process.env.npm_command === "exec" && existsSync(join(root, "dist", "bundle", "cc-agent.js"))) process.exit(0);

for (const [command, args] of [
  [process.execPath, [join(root, "scripts", "patch-ink.js")]],
  [
    process.env.npm_execpath ? process.execPath : "npm",
    process.env.npm_execpath ? [process.env.npm_execpath, "run", "build"] : ["run", "build"],
  ],
]) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
