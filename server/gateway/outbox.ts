// What goes out to the clients: each frame (a client that cannot keep up is cut off), one socket write per batch for
// all of a client's frames, and each connection's answers in the order of its requests.
import type { Duplex } from "node:stream";
import type { CommandChannel } from "../command-channel.js";
import type { Logger } from "../logger.js";
import { errorFrame } from "./connection.js";
import type { Answer, Connection } from "./connection.js";
import { CloseCode } from "../../src/protocol/messages.js";
import type { ServerFrame } from "../../src/protocol/messages.js";

/** A client whose send buffer stays above this is cut off (it cannot keep up). */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export class Outbox {
  /** Sockets corked while a batch of events and its answers are written: each gets one write for all of them. */
  private corked: Set<Duplex> | null = null;

  constructor(
    /** While the data file refuses writes (`unavailable`), answers do not wait for those before them. */
    private readonly channel: Pick<CommandChannel, "unavailable">,
    private readonly log: Logger,
  ) {}

  /**
   * A client's frames of this turn (its events, then its answers, which the writer hands back right after it
   * publishes) leave in one write instead of one each. ws has no public cork; its own per-frame cork/uncork nests
   * inside this one.
   */
  cork(): void {
    if (this.corked) return;
    const corked = new Set<Duplex>();
    this.corked = corked;
    queueMicrotask(() => {
      this.corked = null;
      for (const socket of corked) socket.uncork();
    });
  }

  send(connection: Connection, frame: ServerFrame): void {
    const ws = connection.ws;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn({ connection: connection.id }, "closing a client that cannot keep up");
      ws.close(CloseCode.slowConsumer, "too slow to keep up");
      return;
    }
    const socket = (ws as unknown as { _socket?: Duplex })._socket;
    if (this.corked && socket && !this.corked.has(socket)) {
      socket.cork();
      this.corked.add(socket);
    }
    ws.send(JSON.stringify(frame));
  }

  /** A place for an answer known later (a command's outcome, a read of the log); fill it with the returned function. */
  answerLater(connection: Connection): (frame: ServerFrame) => void {
    // While the data file refuses writes, a command's answer waits for the disk; a read or a refusal goes at once.
    if (this.channel.unavailable() !== null) return (frame) => this.send(connection, frame);
    const answer: Answer = { frame: null, read: null };
    connection.answers.push(answer);
    return (frame) => {
      answer.frame = frame;
      this.sendAnswers(connection);
    };
  }

  /** An answer known now, after those before it. */
  reply(connection: Connection, frame: ServerFrame): void {
    this.answerLater(connection)(frame);
  }

  /** A read of the replica, taken when the answers before it are sent. */
  replyRead(connection: Connection, read: () => ServerFrame): void {
    if (this.channel.unavailable() !== null) {
      this.send(connection, read());
      return;
    }
    connection.answers.push({ frame: null, read });
    this.sendAnswers(connection);
  }

  fail(connection: Connection, reqId: string | undefined, code: string, message: string): void {
    this.reply(connection, errorFrame(reqId, code, message));
  }

  private sendAnswers(connection: Connection): void {
    const answers = connection.answers;
    while (answers.length > 0) {
      const next = answers[0]!;
      const frame = next.frame ?? (next.read ? this.takeRead(connection, next.read) : null);
      if (!frame) return;
      answers.shift();
      this.send(connection, frame);
    }
    // Emptied by shift, the queue keeps the room its pushes made (~150 bytes for every connection, idle or not); a
    // length set to 0 gives it back.
    answers.length = 0;
  }

  private takeRead(connection: Connection, read: () => ServerFrame): ServerFrame {
    try {
      return read();
    } catch (error) {
      this.log.error({ connection: connection.id, err: (error as Error).message }, "request failed");
      return { type: "error", code: "server/internal", message: "The server could not handle this request." };
    }
  }
}
