// `cc-agent config` in the built CLI: a key it does not know is an error naming the ones it does, for get, set and
// unset alike; unset says whether there was anything to forget.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { spawnCli, type CliProcess } from "../helpers/cli-server.js";
import { tempDir } from "../helpers/server.js";

let tmp: ReturnType<typeof tempDir>;

beforeEach(() => {
  tmp = tempDir("cc-agent-config-");
});

afterEach(() => {
  tmp.remove();
});

async function config(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli: CliProcess = spawnCli(["config", ...args], { cwd: tmp.dir, home: join(tmp.dir, "home") });
  const { code } = await cli.exit;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

describe("cc-agent config", () => {
  it("refuses a key it does not know, naming the ones it does", async () => {
    for (const verb of [
      ["get", "nope"],
      ["unset", "nope"],
      ["set", "nope", "x"],
    ]) {
      const result = await config(...verb);
      expect(result.code, verb.join(" ")).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(
        /^cc-agent: unknown setting nope; one of server, as, token, theme, notifications\n$/,
      );
    }
  });

  it("unset says whether there was anything to forget", async () => {
    expect((await config("unset", "server")).stdout).toBe("server was not set\n");
    expect((await config("set", "server", "ws://127.0.0.1:7420/ws")).stdout).toBe("server saved\n");
    expect((await config("unset", "server")).stdout).toBe("server removed\n");
  });
});
