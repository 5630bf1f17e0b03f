// Terminal notifications and the window title. Always in-app; a bell or an OSC desktop notification only
// when the terminal is unfocused, once per thing (offer, alert, RONA). Every text is sanitised.
import { sanitizeLine } from "../../protocol/sanitize.js";
import { urgentAttentionText } from "../../protocol/vocabulary.js";
import { alertsNow, currentOffer, totalUnread } from "../mirror/selectors.js";
import type { UiState } from "../mirror/state.js";
import { userPresenceText } from "../components/presence-items.js";

export type NotifyStyle = "bell" | "osc" | "off";

export function windowTitle(state: UiState): string {
  const parts = ["cc-agent"];
  if (state.me) parts.push(userPresenceText(state.me));
  const unread = totalUnread(state);
  if (unread > 0) parts.push(`${unread} unread`);
  const offers = Object.keys(state.offers).length;
  if (offers > 0) parts.push(`${offers} offer${offers > 1 ? "s" : ""}`);
  return parts.join(" · ");
}

/** What deserves a notification now that was not notified before: keys are deduplicated by the caller. */
export function notifications(state: UiState): { key: string; text: string }[] {
  const out: { key: string; text: string }[] = [];
  const offer = currentOffer(state);
  if (offer)
    out.push({
      key: `offer:${offer.id}`,
      text: `Offer: ${sanitizeLine(offer.customerName)} · ${sanitizeLine(offer.queueName)}`,
    });
  const away = state.me?.presence === "away" || state.me?.presence === "offline";
  if (!away) {
    for (const id of state.order) {
      const s = state.sessions[id]!;
      if (alertsNow(s))
        out.push({
          key: `alert:${id}`,
          text: urgentAttentionText(sanitizeLine(s.view.title)),
        });
    }
  }
  if (state.me?.presence === "rona")
    out.push({ key: "rona", text: "You are RONA: set yourself Available to receive offers." });
  return out;
}

export class Notifier {
  private readonly done = new Set<string>();
  private title = "";
  constructor(
    private readonly write: (data: string) => void,
    private readonly style: NotifyStyle,
  ) {}

  start(): void {
    // Save the title (XTWINOPS push) and ask for focus reports.
    this.write("\x1b[22;0t\x1b[?1004h");
  }

  update(state: UiState): void {
    const title = windowTitle(state);
    if (title !== this.title) {
      this.title = title;
      this.write(`\x1b]0;${sanitizeLine(title)}\x07`);
    }
    for (const n of notifications(state)) {
      if (this.done.has(n.key)) continue;
      this.done.add(n.key);
      if (state.terminalFocused || this.style === "off") continue;
      this.write(this.style === "osc" ? `\x1b]9;${sanitizeLine(n.text).replace(/;/g, " ")}\x07\x07` : "\x07");
    }
    // RONA can happen again later: forget it once it is over.
    if (state.me?.presence !== "rona") this.done.delete("rona");
  }

  stop(): void {
    this.write("\x1b[?1004l\x1b[23;0t");
  }
}
