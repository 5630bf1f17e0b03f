// Rating an ended conversation (CSAT): the score and comment the customer gives, sent once, then thanks or the reason
// it did not go through. Its own module so that the panel's rendering only asks it to render its part.
import type { Elements } from "./elements.js";
import type { WidgetState } from "./state.js";
import type { Entry, RequestError, RequestResult } from "./types.js";

export interface RatingDeps {
  elements: Pick<Elements, "rating" | "scoreButtons" | "ratingComment" | "sendRatingButton" | "ratingThanks" | "input">;
  request(body: Record<string, unknown>): Promise<RequestResult>;
  currentEntry(): Entry | null;
  render(): void;
  showError(message: string | null): void;
}

export function createRating(state: WidgetState, deps: RatingDeps) {
  const { rating, scoreButtons, ratingComment, sendRatingButton, ratingThanks, input } = deps.elements;
  const { request, currentEntry, render, showError } = deps;

  function chooseScore(score: number): void {
    state.rating.score = score;
    render();
  }

  /** The customer's rating of the conversation that ended; the server keeps one per conversation. */
  function sendRating(): void {
    const entry = currentEntry();
    const score = state.rating.score;
    if (!entry || score === null || state.rating.sending) return;
    const id = entry.view.id;
    const body: Record<string, unknown> = { type: "rate", conversationId: id, score };
    const comment = ratingComment.value.trim();
    if (comment.length > 0) body.comment = comment;
    state.rating.sending = true;
    render();
    request(body).then(
      () => {
        state.rating.sending = false;
        state.ratedHere.add(id);
        showError(null);
        render();
      },
      (error: RequestError) => {
        state.rating.sending = false;
        // Rated elsewhere, too late, or nothing to rate: the question goes away; the customer reads why.
        if (error.code && error.code.indexOf("rating/") === 0 && error.code !== "rating/invalid")
          state.ratingSkipped.add(id);
        showError(error.message);
        render();
      },
    );
  }

  function skipRating(): void {
    const entry = currentEntry();
    if (entry) state.ratingSkipped.add(entry.view.id);
    render();
    input.focus();
  }

  function renderRating(entry: Entry | null, ended: boolean): void {
    const id = entry ? entry.view.id : null;
    if (state.rating.conversationId !== id) {
      state.rating = { conversationId: id, score: null, sending: false };
      ratingComment.value = "";
    }
    const asking =
      !!entry &&
      !!id &&
      ended &&
      typeof entry.view.rateUntil === "number" &&
      !entry.view.rating &&
      !state.ratingSkipped.has(id) &&
      !state.ratedHere.has(id);
    rating.hidden = !asking;
    const score = state.rating.score;
    scoreButtons.forEach((node, i) => {
      node.classList.toggle("lit", score !== null && i < score);
      node.setAttribute("aria-pressed", String(score === i + 1));
    });
    sendRatingButton.disabled = score === null || state.rating.sending;
    const thanked = !!id && state.ratedHere.has(id);
    ratingThanks.hidden = !thanked;
    ratingThanks.textContent = thanked ? "Thank you for your rating." : "";
  }

  return { chooseScore, sendRating, skipRating, renderRating };
}
