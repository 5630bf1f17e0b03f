// The widget's elements, built once in its shadow root: the launcher, the invitation and the chat panel.
// Nothing here decides anything: the handlers are the widget's, and its render() fills the elements in.
import { button, chatIcon, el } from "./dom.js";
import { authorLabel, clockTime, systemText } from "./format.js";
import type { DisplayMessage } from "./format.js";

/** What the elements do when the customer uses them. */
export interface Handlers {
  openPanel(): void;
  closePanel(): void;
  acceptInvitation(): void;
  dismissInvitation(): void;
  askToEnd(asking: boolean): void;
  endChat(): void;
  newChat(): void;
  /** The link was followed: true lets the browser download the file now; false stops it (it is not ready yet). */
  prepareTranscript(): boolean;
  /** Read the page of messages before the oldest one shown. */
  showEarlier(): void;
  submit(): void;
  chooseScore(score: number): void;
  sendRating(): void;
  skipRating(): void;
}

/** The rating scale (CSAT): each score's words, for the buttons' names. */
export const SCORE_WORDS = ["poor", "fair", "good", "very good", "excellent"] as const;

export type Elements = ReturnType<typeof buildElements>;

export function buildElements(base: string, maxChars: number, maxCommentChars: number, on: Handlers) {
  const host = el("div");
  host.id = "cc-agent-widget";
  const root = host.attachShadow({ mode: "open" });
  const style = el("link");
  style.rel = "stylesheet";
  style.href = base + "/widget.css";
  root.appendChild(style);

  // The launcher: an icon with an unread badge; it makes way for the panel while the panel is open.
  const launcher = button("launcher", "", "Chat with us", () => on.openPanel());
  launcher.setAttribute("aria-expanded", "false");
  const unreadBadge = el("span", "unread");
  unreadBadge.setAttribute("aria-hidden", "true");
  unreadBadge.hidden = true;
  launcher.appendChild(chatIcon());
  launcher.appendChild(unreadBadge);

  const invitation = el("div", "invitation");
  invitation.setAttribute("role", "dialog");
  invitation.setAttribute("aria-label", "Chat invitation");
  invitation.hidden = true;
  const invitationText = el("p", "invitation-text");
  const invitationActions = el("div", "invitation-actions");
  invitationActions.appendChild(button("primary", "Chat now", null, () => on.acceptInvitation()));
  invitationActions.appendChild(button("secondary", "No thanks", "Dismiss invitation", () => on.dismissInvitation()));
  invitation.appendChild(invitationText);
  invitation.appendChild(invitationActions);

  const panel = el("section", "panel");
  panel.setAttribute("aria-label", "Chat");
  panel.hidden = true;
  // The header: who the customer is talking to (the rep's name and initials once one answers, else the org).
  const header = el("header", "header");
  const avatar = el("span", "avatar");
  avatar.setAttribute("aria-hidden", "true");
  const heading = el("div", "heading");
  const title = el("h2", "title", "Chat");
  const subtitle = el("p", "subtitle");
  heading.appendChild(title);
  heading.appendChild(subtitle);
  header.appendChild(avatar);
  header.appendChild(heading);
  header.appendChild(button("icon", "\u2013", "Minimise chat", () => on.closePanel()));
  const statusLine = el("p", "status");
  statusLine.setAttribute("role", "status");
  const thread = el("ol", "thread");
  thread.setAttribute("role", "log");
  thread.setAttribute("aria-live", "polite");
  thread.setAttribute("aria-label", "Conversation");
  // A long thread comes with its latest messages: the earlier ones a page at a time (scrolling to the top reads
  // the next page too).
  const earlierButton = button("earlier", "Show earlier messages", null, () => on.showEarlier());
  earlierButton.hidden = true;
  // "Alice is typing…" for a few seconds after the rep's typing frame (never stored).
  const typingLine = el("p", "typing");
  typingLine.setAttribute("aria-live", "polite");
  const errorLine = el("p", "error");
  errorLine.setAttribute("role", "alert");
  const form = el("form", "composer");
  const input = el("textarea", "input");
  input.rows = 2;
  input.maxLength = maxChars;
  input.placeholder = "Type your message";
  input.setAttribute("aria-label", "Message");
  const sendButton = el("button", "primary", "Send");
  sendButton.type = "submit";
  form.appendChild(input);
  form.appendChild(sendButton);
  const actions = el("div", "actions");
  const endButton = button("secondary", "End chat", null, () => on.askToEnd(true));
  const newButton = button("secondary", "Start a new chat", null, () => on.newChat());
  const transcriptLink = el("a", "transcript", "Download transcript");
  // A link from the start (for assistive technology); the click points it at the file of the moment.
  transcriptLink.href = "#";
  transcriptLink.addEventListener("click", (event) => {
    if (!on.prepareTranscript()) event.preventDefault();
  });
  actions.appendChild(endButton);
  actions.appendChild(newButton);
  actions.appendChild(transcriptLink);
  // Ending a chat is asked first: it cannot be undone.
  const confirmEnd = el("div", "confirm");
  confirmEnd.setAttribute("role", "alertdialog");
  confirmEnd.setAttribute("aria-label", "End this chat?");
  confirmEnd.hidden = true;
  confirmEnd.appendChild(el("p", "confirm-text", "End this chat? You can start a new one afterwards."));
  const confirmActions = el("div", "confirm-actions");
  confirmActions.appendChild(button("primary", "End conversation", null, () => on.endChat()));
  const keepChatting = button("secondary", "Keep chatting", null, () => on.askToEnd(false));
  confirmActions.appendChild(keepChatting);
  confirmEnd.appendChild(confirmActions);
  // Escape answers "keep chatting".
  confirmEnd.addEventListener("keydown", (event) => {
    if (event.key === "Escape") on.askToEnd(false);
  });
  // After the chat ended: how was it? A score from 1 to 5 and an optional comment; the customer may skip it.
  const rating = el("form", "rating");
  rating.setAttribute("aria-label", "Rate this chat");
  rating.hidden = true;
  rating.appendChild(el("p", "rating-question", "How was your chat? Rate it from 1 to 5."));
  const scores = el("div", "rating-scores");
  scores.setAttribute("role", "group");
  scores.setAttribute("aria-label", "Rating");
  const scoreButtons = SCORE_WORDS.map((word, i) => {
    const score = i + 1;
    const node = button("score", "\u2605", `${score} of 5, ${word}`, () => on.chooseScore(score));
    node.setAttribute("aria-pressed", "false");
    node.dataset.score = String(score);
    scores.appendChild(node);
    return node;
  });
  rating.appendChild(scores);
  const ratingComment = el("textarea", "rating-comment");
  ratingComment.rows = 2;
  ratingComment.maxLength = maxCommentChars;
  ratingComment.placeholder = "Anything to add? (optional)";
  ratingComment.setAttribute("aria-label", "Comment (optional)");
  rating.appendChild(ratingComment);
  const ratingActions = el("div", "rating-actions");
  const sendRatingButton = el("button", "primary", "Send rating");
  sendRatingButton.type = "submit";
  ratingActions.appendChild(sendRatingButton);
  ratingActions.appendChild(button("secondary", "Skip", "Skip the rating", () => on.skipRating()));
  rating.appendChild(ratingActions);
  rating.addEventListener("submit", (event) => {
    event.preventDefault();
    on.sendRating();
  });
  // Escape skips, as closing the panel leaves it unanswered.
  rating.addEventListener("keydown", (event) => {
    if (event.key === "Escape") on.skipRating();
  });
  const ratingThanks = el("p", "rating-thanks");
  ratingThanks.setAttribute("role", "status");
  ratingThanks.hidden = true;

  panel.appendChild(header);
  panel.appendChild(statusLine);
  panel.appendChild(earlierButton);
  panel.appendChild(thread);
  panel.appendChild(typingLine);
  panel.appendChild(errorLine);
  panel.appendChild(form);
  panel.appendChild(confirmEnd);
  panel.appendChild(rating);
  panel.appendChild(ratingThanks);
  panel.appendChild(actions);

  root.appendChild(invitation);
  root.appendChild(panel);
  root.appendChild(launcher);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    on.submit();
  });
  input.addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter adds a line break.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      on.submit();
    }
  });

  return {
    host,
    root,
    launcher,
    unreadBadge,
    invitation,
    invitationText,
    panel,
    avatar,
    title,
    subtitle,
    statusLine,
    earlierButton,
    thread,
    typingLine,
    errorLine,
    input,
    sendButton,
    endButton,
    newButton,
    transcriptLink,
    confirmEnd,
    keepChatting,
    rating,
    scoreButtons,
    ratingComment,
    sendRatingButton,
    ratingThanks,
  };
}

/** One message of the thread: who wrote it, its text, its time, and "Sending…" until the server has it. */
export function messageNode(message: DisplayMessage, pending: boolean): HTMLLIElement {
  const role = message.author ? message.author.role : "customer";
  const item = el(
    "li",
    "message " +
      (role === "customer" ? "from-customer" : role === "system" ? "from-system" : "from-rep") +
      (pending ? " pending" : ""),
  );
  const label = authorLabel(message);
  if (label) item.appendChild(el("span", "author", label));
  item.appendChild(el("span", "text", role === "system" ? systemText(message) : message.text));
  if (typeof message.at === "number") {
    const time = el("time", "time", clockTime(message.at));
    time.dateTime = new Date(message.at).toISOString();
    item.appendChild(time);
  }
  if (pending) item.appendChild(el("span", "sending", "Sending\u2026"));
  return item;
}
