// The terminal's focus reports (ESC [ I, ESC [ O) are taken out of what the console reads, alone or joined
// with key presses in one read, and each one is reported as a focus change (UX "Focus reporting").
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { filterTerminalInput, FocusReportFilter } from "../../src/cli/terminal-input.js";

const IN = "\x1b[I";
const OUT = "\x1b[O";

describe("FocusReportFilter", () => {
  it("takes a focus report read on its own out of the input and reports it", () => {
    const filter = new FocusReportFilter();
    expect(filter.push(OUT)).toEqual({ text: "", focus: [false] });
    expect(filter.push(IN)).toEqual({ text: "", focus: [true] });
  });

  it("takes focus reports joined with key presses in one read out, keeping the keys in order", () => {
    const filter = new FocusReportFilter();
    expect(filter.push(`hi${OUT}${IN}there\r\x03\x03`)).toEqual({
      text: "hithere\r\x03\x03",
      focus: [false, true],
    });
    // Next to other escape sequences (an arrow, Alt+Y, Escape) the reports go and the sequences stay whole; the
    // Escape at the end of the read is held until the next read or a flush.
    expect(filter.push(`\x1b[A${IN}\x1by${OUT}\x1b\x1b[I`)).toEqual({
      text: "\x1b[A\x1by",
      focus: [true, false, true],
    });
    expect(filter.flush()).toBe("\x1b");
  });

  it("recognises a report cut across two reads, and hands over an Escape that nothing follows", () => {
    const filter = new FocusReportFilter();
    expect(filter.push("ok\x1b")).toEqual({ text: "ok", focus: [] });
    expect(filter.push("[Ia")).toEqual({ text: "a", focus: [true] });
    expect(filter.push("b\x1b[")).toEqual({ text: "b", focus: [] });
    expect(filter.push("O")).toEqual({ text: "", focus: [false] });
    // An arrow key cut after ESC [ stays an arrow key.
    expect(filter.push("\x1b[")).toEqual({ text: "", focus: [] });
    expect(filter.push("B")).toEqual({ text: "\x1b[B", focus: [] });
    // A lone Escape is held for one read, then flushed as it is.
    expect(filter.push("\x1b")).toEqual({ text: "", focus: [] });
    expect(filter.holding).toBe(true);
    expect(filter.flush()).toBe("\x1b");
    expect(filter.holding).toBe(false);
  });

  it("leaves text that only looks like a report (no escape byte) alone", () => {
    expect(new FocusReportFilter().push("[I and [O")).toEqual({ text: "[I and [O", focus: [] });
  });
});

describe("filterTerminalInput", () => {
  it("gives the app the terminal's input without focus reports, flushes a held Escape, and reports focus", async () => {
    const source = Object.assign(new PassThrough(), {
      isTTY: true,
      rawModes: [] as boolean[],
      setRawMode(mode: boolean) {
        source.rawModes.push(mode);
        return source;
      },
      ref: () => source,
      unref: () => source,
    });
    const focus: boolean[] = [];
    const input = filterTerminalInput(source as unknown as NodeJS.ReadStream, (f) => focus.push(f));
    input.stdin.setEncoding("utf8");
    const read: string[] = [];
    input.stdin.on("data", (chunk: string) => read.push(chunk));
    input.stdin.setRawMode(true);
    expect(input.stdin.isTTY).toBe(true);
    expect(source.rawModes).toEqual([true]);

    source.write(`${OUT}hello${IN}`);
    source.write("\x1b");
    // The held Escape comes through once nothing follows it.
    await new Promise<void>((resolve) => {
      const check = () => (read.join("") === "hello\x1b" ? resolve() : setImmediate(check));
      check();
    });
    expect(focus).toEqual([false, true]);
    input.stop();
    source.write(IN);
    expect(focus).toEqual([false, true]);
  });
});
