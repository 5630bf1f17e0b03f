// The rating (CSAT) asked once a chat a rep answered has ended: a score, then an optional comment, each on an input
// line. Nothing waits for the answer: the chat ends once it is given or skipped.
import type { CcClient } from "../client/client.js";
import { MAX_RATING, MAX_RATING_COMMENT_LENGTH, MIN_RATING } from "../protocol/vocabulary.js";
import { sanitizeLine } from "../protocol/sanitize.js";
import type { ChatTranscript } from "./customer-transcript.js";

export class RatingQuestion {
  private score: number | null = null;

  constructor(
    private readonly conversationId: string,
    private readonly client: CcClient,
    private readonly out: ChatTranscript,
    /** Ends the chat, once the rating is sent or skipped. */
    private readonly finish: () => void,
  ) {}

  ask(): void {
    this.out.notice(
      `How was this chat? Rate it from ${MIN_RATING} (poor) to ${MAX_RATING} (excellent), or press Enter to skip.`,
    );
    this.out.setPrompt("Rating 1-5 > ");
  }

  /** A line while the rating is asked: the score, then the comment. An empty score or /skip skips it. */
  async answer(raw: string): Promise<void> {
    const line = raw.trim();
    if (this.score === null) {
      if (line === "" || /^\/(skip|quit|exit|leave)$/i.test(line)) {
        this.out.notice("No rating given. Goodbye.");
        return this.finish();
      }
      if (!new RegExp(`^[${MIN_RATING}-${MAX_RATING}]$`).test(line)) {
        this.out.notice(
          `Please answer with a whole number from ${MIN_RATING} to ${MAX_RATING}, or press Enter to skip.`,
        );
        return;
      }
      this.score = Number(line);
      this.out.notice("Thank you. Add a comment, or press Enter to send the rating without one.");
      this.out.setPrompt("Comment > ");
      return;
    }
    if ([...line].length > MAX_RATING_COMMENT_LENGTH) {
      this.out.notice(
        `A comment can be at most ${MAX_RATING_COMMENT_LENGTH} characters (this one has ${[...line].length}); write a shorter one, or press Enter for none.`,
      );
      return;
    }
    const request: { type: "rate"; conversationId: string; score: number; comment?: string } = {
      type: "rate",
      conversationId: this.conversationId,
      score: this.score,
    };
    if (line.length > 0) request.comment = line;
    try {
      await this.client.request(request);
      this.out.notice("Thank you for your rating.");
    } catch (error) {
      this.out.error(`the rating was not saved: ${sanitizeLine((error as Error).message)}`);
    }
    this.finish();
  }
}
