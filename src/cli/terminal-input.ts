// What the terminal sends, before Ink reads it. Focus reports (CSI I on focus-in, CSI O on focus-out; the
// console asks for them so that notifications ring only while the terminal is unfocused) are taken out of
// the input and reported on their own: they never reach a key handler or a text field, whether they come
// alone or joined with key presses in one read.
import { Readable } from "node:stream";

// eslint-disable-next-line no-control-regex -- matching the escape byte is the point
const FOCUS_REPORT = /\x1b\[([IO])/g;

/** Splits reads from the terminal into the text for the app and the focus changes in them, in order. */
export class FocusReportFilter {
  private held = "";

  /**
   * One read: its text without focus reports, and each report as `true` (focused) or `false`. A read that
   * ends with the start of an escape sequence (`ESC`, `ESC [`) keeps it back until the next read, so that a
   * report cut across two reads is still recognised; `flush()` hands it over when no more comes.
   */
  push(chunk: string): { text: string; focus: boolean[] } {
    const focus: boolean[] = [];
    let text = (this.held + chunk).replace(FOCUS_REPORT, (_, kind: string) => {
      focus.push(kind === "I");
      return "";
    });
    this.held = "";
    const tail = /\x1b\[?$/.exec(text); // eslint-disable-line no-control-regex -- the escape byte
    if (tail) {
      this.held = tail[0];
      text = text.slice(0, tail.index);
    }
    return { text, focus };
  }

  /** What a previous read kept back (an Escape key press, or a sequence that did not go on). */
  flush(): string {
    const held = this.held;
    this.held = "";
    return held;
  }

  get holding(): boolean {
    return this.held !== "";
  }
}

export interface FilteredInput {
  /** The stream to hand to Ink as its stdin: the terminal's input without focus reports. */
  stdin: NodeJS.ReadStream;
  /** Stop reading the terminal (the app has ended). */
  stop(): void;
}

/** Read `source` (the terminal) through a FocusReportFilter; `onFocus` hears every focus change. */
export function filterTerminalInput(source: NodeJS.ReadStream, onFocus: (focused: boolean) => void): FilteredInput {
  const filter = new FocusReportFilter();
  const out = new Readable({ read() {} });
  let pendingFlush: NodeJS.Immediate | undefined;
  const onData = (data: string | Buffer) => {
    if (pendingFlush) clearImmediate(pendingFlush);
    pendingFlush = undefined;
    const { text, focus } = filter.push(typeof data === "string" ? data : data.toString("utf8"));
    if (text !== "") out.push(text);
    for (const focused of focus) onFocus(focused);
    if (filter.holding)
      pendingFlush = setImmediate(() => {
        pendingFlush = undefined;
        const held = filter.flush();
        if (held !== "") out.push(held);
      });
  };
  source.setEncoding("utf8");
  source.on("data", onData);
  // What Ink asks of its stdin beyond reading: a terminal's raw mode and whether it keeps the process alive.
  const stdin = Object.assign(out, {
    isTTY: source.isTTY,
    setRawMode(mode: boolean) {
      source.setRawMode?.(mode);
      return stdin;
    },
    ref() {
      source.ref();
      return stdin;
    },
    unref() {
      source.unref();
      return stdin;
    },
  }) as unknown as NodeJS.ReadStream;
  return {
    stdin,
    stop() {
      if (pendingFlush) clearImmediate(pendingFlush);
      source.off("data", onData);
      source.pause();
    },
  };
}
