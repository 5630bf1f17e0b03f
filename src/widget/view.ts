// Rendering the widget: the launcher and its badge, the header, the status line, the thread with what is still being
// sent, the panel's buttons, the error and typing lines, and the transcript file. It only shows the state; render()
// is called after every change, and every text goes in with textContent.
import { TYPING_INTERVAL_MS } from "../protocol/wire.js";
import type { TypingFrame } from "../protocol/wire.js";
import { hasEarlier } from "./conversations.js";
import { messageNode } from "./elements.js";
import type { Elements } from "./elements.js";
import { initials, transcript } from "./format.js";
import type { DisplayMessage } from "./format.js";
import type { WidgetState } from "./state.js";
import type { Entry, WorkstreamConfig } from "./types.js";

export interface ViewDeps {
  elements: Elements;
  chosenWorkstream(): WorkstreamConfig | null;
  currentEntry(): Entry | null;
  loadEarlier(entry: Entry): Promise<void>;
  renderEarlier(entry: Entry | null): void;
  renderRating(entry: Entry | null, ended: boolean): void;
}

export function createView(state: WidgetState, deps: ViewDeps) {
  const { host, launcher, unreadBadge, invitation, panel, avatar, title, subtitle, statusLine } = deps.elements;
  const { thread, typingLine, errorLine, input, sendButton, endButton, newButton, transcriptLink } = deps.elements;
  const { confirmEnd } = deps.elements;
  const { chosenWorkstream, currentEntry, loadEarlier, renderEarlier, renderRating } = deps;

  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  function showTyping(frame: TypingFrame): void {
    if (frame.from !== "rep" || frame.conversationId !== state.current) return;
    typingLine.textContent = `${frame.name ?? "The agent"} is typing…`;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => (typingLine.textContent = ""), 2 * TYPING_INTERVAL_MS);
  }

  /** The thread as the customer sees it: the invitation's text, the messages, and what is still being sent. */
  function visibleMessages(entry: Entry | null): { message: DisplayMessage; pending: boolean }[] {
    const list: { message: DisplayMessage; pending: boolean }[] = [];
    if (state.invitationIntro && (!entry || entry.view.id === state.invitationIntro.conversationId)) {
      list.push({ message: { author: { role: "system" }, text: state.invitationIntro.text }, pending: false });
    }
    if (entry) for (const m of entry.messages) list.push({ message: m, pending: false });
    const currentId = entry ? entry.view.id : null;
    for (const o of state.outbox) {
      if (o.conversationId === currentId || o.conversationId === null)
        list.push({ message: { author: { role: "customer" }, text: o.text }, pending: true });
    }
    return list;
  }

  let transcriptUrl: string | null = null;

  /**
   * Point the link at a text file of the conversation as it is now, just before the browser follows it. A thread not
   * read whole yet is read first (every earlier page), then the link is followed again.
   */
  function prepareTranscript(): boolean {
    const entry = currentEntry();
    if (hasEarlier(entry)) {
      const readAll = (): Promise<void> =>
        loadEarlier(entry).then(() => (hasEarlier(entry) && !entry.earlier?.failed ? readAll() : undefined));
      void readAll().then(() => {
        if (!hasEarlier(entry)) transcriptLink.click();
      });
      return false;
    }
    const messages = visibleMessages(currentEntry())
      .filter((m) => !m.pending)
      .map((m) => m.message);
    const now = Date.now();
    const text = transcript(state.config ? state.config.org : "", messages, now);
    if (transcriptUrl) URL.revokeObjectURL(transcriptUrl);
    transcriptUrl = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    transcriptLink.href = transcriptUrl;
    const d = new Date(now);
    transcriptLink.download = `chat-transcript-${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}.txt`;
    return true;
  }

  function showError(message: string | null | undefined): void {
    state.error = message || null;
    errorLine.textContent = state.error || "";
    errorLine.hidden = !state.error;
  }

  function statusText(entry: Entry | null): string {
    if (state.reconnecting) return "Connection lost: reconnecting\u2026";
    const ws = chosenWorkstream();
    if (!entry) {
      if (state.configError) return state.configError;
      if (!ws) return state.config ? "Chat is not available right now." : "";
      // SPEC P2: a live chat outside operating hours says so; a persistent one still takes the message.
      if (!ws.open && ws.mode === "live") return ws.outsideHours;
      if (!ws.open) return "We are outside our opening hours. Leave your message: a rep will answer when we are open.";
      return ws.mode === "persistent"
        ? "Write to us: you can close this page and come back to your conversation."
        : "Write your question and a rep will be with you shortly.";
    }
    const view = entry.view;
    if (view.ended || view.state === "closed") return "The conversation has ended.";
    if (view.state === "active" && view.repName) return "You are chatting with " + view.repName + ".";
    if (view.mode === "live" && state.queue) {
      return (
        "You are number " + state.queue.position + " in the queue. Average wait: about " + state.queue.minutes + " min."
      );
    }
    if (view.mode === "persistent")
      return "Your conversation stays open: a rep will answer here, and you can come back to it later.";
    return "Waiting for a rep\u2026";
  }

  function renderLauncher(): void {
    launcher.hidden = state.panelOpen;
    launcher.setAttribute("aria-expanded", String(state.panelOpen));
    const unread = state.unread;
    unreadBadge.hidden = unread === 0;
    unreadBadge.textContent = unread > 9 ? "9+" : String(unread);
    launcher.setAttribute(
      "aria-label",
      unread === 0 ? "Chat with us" : `Chat with us (${unread} unread message${unread === 1 ? "" : "s"})`,
    );
  }

  function renderHeader(entry: Entry | null): void {
    const org = state.config ? state.config.org : "";
    const rep = entry && !entry.view.ended && entry.view.repName ? entry.view.repName : null;
    title.textContent = rep || org || "Chat";
    subtitle.textContent = rep ? org : "";
    subtitle.hidden = !rep || !org;
    avatar.textContent = initials(rep || org || "Chat");
    avatar.classList.toggle("rep", !!rep);
  }

  function render(): void {
    host.dataset.ready = state.config || state.configError ? "true" : "false";
    renderLauncher();
    panel.hidden = !state.panelOpen;
    invitation.hidden = !state.invitation;
    const entry = currentEntry();
    renderHeader(entry);
    statusLine.textContent = statusText(entry);

    const shown = visibleMessages(entry);
    const nodes = shown.map((m) => messageNode(m.message, m.pending));
    const atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 40;
    thread.replaceChildren(...nodes);
    if (atBottom) thread.scrollTop = thread.scrollHeight;
    renderEarlier(entry);
    // A conversation holding fewer messages than it has reads one page as soon as it is shown.
    if (state.panelOpen && state.welcomed && hasEarlier(entry) && !entry.earlier) void loadEarlier(entry);

    const ended = !!entry && (entry.view.ended || entry.view.state === "closed");
    const ws = chosenWorkstream();
    const closedLive = !entry && !!ws && ws.mode === "live" && !ws.open;
    const canEnd = !!entry && !ended && entry.view.mode === "live";
    if (!canEnd) state.confirmingEnd = false;
    endButton.hidden = !canEnd || state.confirmingEnd;
    confirmEnd.hidden = !state.confirmingEnd;
    newButton.hidden = !ended;
    renderRating(entry, ended);
    transcriptLink.hidden = !shown.some((m) => !m.pending);
    input.disabled = closedLive || !!state.stopped;
    sendButton.disabled = input.disabled;
    errorLine.hidden = !state.error;
  }

  return { render, showError, showTyping, prepareTranscript };
}
