// Rendering an Ink app into a terminal of a given width, as ink-testing-library does at its fixed 100
// columns: the frame is laid out at the width the app is told, so lines can be measured against it.
import { EventEmitter } from "node:events";
import { render as inkRender } from "ink";
import type { ReactElement } from "react";
import stringWidth from "string-width";
import { restoreIsolates } from "../../src/ui/text/index.js";

class Stdout extends EventEmitter {
  lastFrame: string | undefined;
  constructor(readonly columns: number) {
    super();
  }
  write = (frame: string) => {
    this.lastFrame = frame;
  };
}

class Stdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit("readable");
    this.emit("data", data);
  };
  read = () => {
    const data = this.data;
    this.data = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

/** Render into a terminal `columns` wide; the same surface as ink-testing-library's render. */
export function renderInColumns(element: ReactElement, columns: number) {
  const stdout = new Stdout(columns);
  const stdin = new Stdin();
  const instance = inkRender(element, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new Stdout(columns) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return { stdin, lastFrame: () => stdout.lastFrame, unmount: () => instance.unmount() };
}

/** The frame's lines as the terminal shows them: SGR removed, isolates restored. */
export function screenLines(frame: string): string[] {
  // eslint-disable-next-line no-control-regex -- removing SGR sequences is the point
  return restoreIsolates(frame.replace(/\x1b\[[0-9;]*m/g, "")).split("\n");
}

/** Lines of the frame wider than the terminal, measured in cells (with their widths), for an assertion. */
export function linesWiderThan(frame: string, columns: number): string[] {
  return screenLines(frame)
    .filter((line) => stringWidth(line) > columns)
    .map((line) => `${stringWidth(line)}: ${line}`);
}
