// The presence dialog's rows, for the rep's own presence (console) and a supervisor setting a rep's (monitor).
import { reasonsFor } from "../../protocol/rules.js";
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { PresenceReasons, UserView } from "../../protocol/views.js";
import { SETTABLE_PRESENCES } from "../../protocol/vocabulary.js";
import type { Presence } from "../../protocol/vocabulary.js";
import { PRESENCE_LABEL } from "../theme/theme.js";
import type { PickerItem } from "./Picker.js";

/** "◐ Busy", or "◐ Busy · Lunch" with a reason (sanitised: the label comes from the org file). */
export function presenceText(presence: Presence, reasonLabel?: string): string {
  const base = `${PRESENCE_LABEL[presence].glyph} ${PRESENCE_LABEL[presence].word}`;
  return reasonLabel === undefined ? base : `${base} · ${sanitizeLine(reasonLabel)}`;
}

/** A user's presence with its reason, as the status bar and the team view show it. */
export function userPresenceText(
  user: Pick<UserView, "presence" | "presenceReason"> & Partial<Pick<UserView, "used" | "capacity">>,
): string {
  // Busy without a reason while every unit is in use: the org's full-capacity rule set it (S2), and it lifts by
  // itself when a conversation ends. Said so, or a rep wonders why no offer comes.
  const full =
    user.presence === "busy" &&
    !user.presenceReason &&
    user.capacity !== undefined &&
    user.capacity > 0 &&
    (user.used ?? 0) >= user.capacity;
  return presenceText(user.presence, user.presenceReason?.label ?? (full ? "at capacity" : undefined));
}

/**
 * The presences first (numbers 1–5 always pick them), then each with one of the org's reasons (Busy · Lunch): a
 * reason is picked with its presence in one step. Ids are `busy` or `busy:lunch`; the row of `current` says "now".
 */
export function presenceItems(
  reasons: PresenceReasons | undefined,
  current: Pick<UserView, "presence" | "presenceReason"> | null,
): PickerItem[] {
  const now = (p: Presence, reasonId: string | undefined) =>
    current?.presence === p && current.presenceReason?.id === reasonId ? { detail: "now" } : {};
  return [
    ...SETTABLE_PRESENCES.map((p) => ({ id: p, label: presenceText(p), ...now(p, undefined) })),
    ...SETTABLE_PRESENCES.flatMap((p) =>
      reasonsFor(reasons, p).map((r) => ({ id: `${p}:${r.id}`, label: presenceText(p, r.label), ...now(p, r.id) })),
    ),
  ];
}

/** A picked row's presence and reason. */
export function pickedPresence(itemId: string): { presence: Presence; reasonId?: string } {
  const [presence, reasonId] = itemId.split(":") as [Presence, string | undefined];
  return reasonId === undefined ? { presence } : { presence, reasonId };
}
