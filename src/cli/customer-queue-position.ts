// P4: a live customer waiting in the queue hears when their position in it changes. The position is read (a `status`
// request), not sent as an event: the chat asks every 15 s while the conversation is Open.
import type { CcClient } from "../client/client.js";
import type { ChatTranscript } from "./customer-transcript.js";

export class QueuePositionPoller {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private position: number | undefined;

  constructor(
    private readonly client: CcClient,
    private readonly out: ChatTranscript,
    /** The conversation to ask about: the current one while it is Open and the chat online, else null. */
    private readonly waiting: () => string | null,
  ) {}

  start(): void {
    if (this.timer || this.stopped) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), 15_000);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    const id = this.waiting();
    if (!id) return;
    try {
      const status = await this.client.request({ type: "status", conversationId: id });
      const position = typeof status.queuePosition === "number" ? status.queuePosition : undefined;
      if (position !== undefined && this.position !== undefined && position !== this.position && !this.stopped) {
        this.out.notice(`You are now number ${position} in the queue.`);
      }
      this.position = position;
    } catch {
      // Only a courtesy; the next poll tries again.
    }
  }
}
