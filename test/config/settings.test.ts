import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSettings } from "../../src/config/config.js";

let dir = "";
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

function settingsIn(): string {
  dir = mkdtempSync(join(tmpdir(), "cc-agent-settings-"));
  return join(dir, "nested", "config.json");
}

describe("the console's settings file", () => {
  it("gives the defaults before anything is saved, and writes nothing to read them", () => {
    const path = settingsIn();
    const settings = openSettings(path);
    expect(settings.path).toBe(path);
    expect(settings.get("theme")).toBe("auto");
    expect(settings.get("notifications")).toBe("osc");
    expect(settings.get("server")).toBeUndefined();
    expect(() => statSync(path)).toThrow(/ENOENT/);
  });

  it("keeps what is set for the next command, for its owner only (it may hold a token), and forgets what is unset", () => {
    const path = settingsIn();
    openSettings(path).set("token", "secret-token");
    openSettings(path).set("theme", "no-color");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ token: "secret-token", theme: "no-color" });
    const again = openSettings(path);
    expect(again.get("token")).toBe("secret-token");
    expect(again.get("theme")).toBe("no-color");
    again.delete("theme");
    expect(openSettings(path).get("theme")).toBe("auto");
    expect(openSettings(path).get("token")).toBe("secret-token");
  });

  it("reads a file written by hand, quick replies included", () => {
    const path = settingsIn();
    openSettings(path).set("server", "ws://127.0.0.1:7000/ws");
    const replies = [{ id: "hi", title: "Greeting", text: "Hello <name>" }];
    writeFileSync(path, JSON.stringify({ server: "ws://example.test/ws", quickReplies: replies }));
    const settings = openSettings(path);
    expect(settings.get("server")).toBe("ws://example.test/ws");
    expect(settings.get("quickReplies")).toEqual(replies);
  });

  it("a damaged file is named in a clear error, and left as it is for the rep to fix", () => {
    const path = settingsIn();
    openSettings(path).set("as", "alice");
    writeFileSync(path, '{"as": "alice",');
    expect(() => openSettings(path)).toThrow(`the settings file ${path} is not valid JSON`);
    writeFileSync(path, "[1, 2]");
    expect(() => openSettings(path)).toThrow(`the settings file ${path} must hold a JSON object; fix or delete it`);
    expect(readFileSync(path, "utf8")).toBe("[1, 2]");
  });
});
