// What needs the rep, wherever a conversation is listed: the switcher's order, and the S9/S10 hints of a
// session read without opening it (the highlighted switcher row, the footer when another session calls).
import type { PickerItem } from "../components/Picker.js";
import { alertHint, alertsNow, attentionOrder, sessionTitle, unreadBadge, unreadHint } from "../mirror/selectors.js";
import type { Session, UiState } from "../mirror/state.js";

/** S9 and S10 hints of a session, verbatim, together; null when it needs nothing. */
export function sessionHint(session: Session): string | null {
  return [alertHint(session), unreadHint(session)].filter(Boolean).join(" ") || null;
}

/**
 * The switcher's rows: sessions needing attention first (sentiment alert, then unread; oldest first), then the others
 * in pane order, Home last. Each keeps its number in the session pane (Home 0, as Alt+0), so a digit means the same
 * session in both.
 */
export function switcherItems(state: UiState): PickerItem[] {
  const first = attentionOrder(state);
  const rest = state.order.filter((id) => !first.includes(id));
  return [
    ...[...first, ...rest].map((id) => {
      const session = state.sessions[id]!;
      const hint = sessionHint(session);
      return {
        id,
        number: state.order.indexOf(id) + 1,
        label: sessionTitle(session),
        badge: unreadBadge(session.unread),
        alert: alertsNow(session),
        ...(hint ? { hint } : {}),
      };
    }),
    { id: "home", label: "⌂ Home", number: 0 },
  ];
}

/** A footer hint and how loud it is: an alert is drawn like an error (act now), the rest as information. */
export interface Hint {
  text: string;
  level: "alert" | "info";
}

function hintOf(session: Session): Hint | null {
  const text = sessionHint(session);
  return text ? { text, level: alertsNow(session) ? "alert" : "info" } : null;
}

/**
 * The footer's hint: the focused session's S9/S10 hint, or else that of the session needing the rep first,
 * so that an unread count or an alert in a session the rep is not in is said in words too.
 */
export function attentionHint(state: UiState): Hint | null {
  const focused = state.focus === "home" ? undefined : state.sessions[state.focus];
  const own = focused ? hintOf(focused) : null;
  if (own) return own;
  const next = attentionOrder(state).find((id) => id !== state.focus);
  const session = next ? state.sessions[next] : undefined;
  return session ? hintOf(session) : null;
}
