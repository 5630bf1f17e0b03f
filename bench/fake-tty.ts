// A fake terminal for the keypress benchmarks: a TTY stdout that counts writes and notes when the last one came,
// and the stdin Ink reads keys from (as ink-testing-library's).
import { EventEmitter } from "node:events";

export class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  writes = 0;
  lastWriteAt = 0;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (_data: string): boolean => {
    this.writes++;
    this.lastWriteAt = performance.now();
    return true;
  };
}

export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit("readable");
    this.emit("data", data);
  }
  read = (): string | null => {
    const data = this.data;
    this.data = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}
