// The supervisor's rules (SV4–SV8) as pure functions over a conversation: the routing core refuses with them and
// the monitor dims and explains with them, so the two cannot say different things. Texts name the conversation
// and its state as people read them; the core sends them, the monitor shows them (sanitised, like any server text).
import type { ConversationState, Presence, PresenceReason, PresenceReasons } from "./vocabulary.js";
import { REASON_PRESENCES, STATE_WORD } from "./vocabulary.js";

export type SupervisorAction = "monitor" | "join" | "assign" | "transfer" | "force-close";
export const SUPERVISOR_ACTIONS: readonly SupervisorAction[] = ["monitor", "join", "assign", "transfer", "force-close"];

/** What the rules look at: the core's conversations and the protocol's views both have it. */
export interface RuleSubject {
  id: string;
  state: ConversationState;
  ownerId: string | null;
  participants: readonly string[];
  transfer: object | null;
  aborted: string | null;
}

/** The organisation's supervisor switches (SV8), as both the core's org and the protocol's org view carry them. */
export interface SupervisorSettings {
  monitor: boolean;
  assign: boolean;
  transfer: boolean;
  forceClose: boolean;
  /** A supervisor may set a rep's presence (absent: not allowed). */
  setPresence?: boolean;
}

export type RuleCode =
  | "supervisor/monitor_disabled"
  | "supervisor/assign_disabled"
  | "supervisor/transfer_disabled"
  | "supervisor/force_close_disabled"
  | "conversation/wrong_state"
  | "conversation/not_open"
  | "conversation/aborted"
  | "supervisor/own_conversation"
  | "transfer/pending"
  | "supervisor/set_presence_disabled"
  | "presence/unknown_reason";

export interface Refusal {
  code: RuleCode;
  message: string;
}

/** SV8: the action turned off for the organisation, or null. */
export function settingRefusal(settings: SupervisorSettings, action: SupervisorAction): Refusal | null {
  switch (action) {
    case "monitor":
    case "join":
      return settings.monitor
        ? null
        : { code: "supervisor/monitor_disabled", message: "Monitoring is turned off for this organisation." };
    case "assign":
      return settings.assign
        ? null
        : { code: "supervisor/assign_disabled", message: "Supervisor assign is turned off for this organisation." };
    case "transfer":
      return settings.transfer
        ? null
        : { code: "supervisor/transfer_disabled", message: "Supervisor transfer is turned off for this organisation." };
    case "force-close":
      return settings.forceClose
        ? null
        : { code: "supervisor/force_close_disabled", message: "Force close is turned off for this organisation." };
  }
}

/** A conversation that was aborted can only be ended (the same words wherever it is refused). */
export function abortedRefusal(c: RuleSubject): Refusal | null {
  return c.aborted
    ? {
        code: "conversation/aborted",
        message: `Conversation ${c.id} was aborted (${c.aborted}); it can only be ended.`,
      }
    : null;
}

/**
 * Why supervisor `meId` cannot do `action` on conversation `c` now, or null when the conversation allows it (its
 * target, if any, is checked apart). SV4 monitor and join only Active or Wrap-up, never one's own; SV5 assign only
 * Open and assigned to nobody; SV6 transfer only Active or Waiting, not aborted, one at a time; SV7 force close
 * anything not closed.
 */
export function conversationRefusal(action: SupervisorAction, c: RuleSubject, meId: string): Refusal | null {
  const is = `${c.id} is ${STATE_WORD[c.state]}`;
  switch (action) {
    case "monitor":
    case "join": {
      const verb = action === "join" ? "joined" : "monitored";
      if (c.state !== "active" && c.state !== "wrapup")
        return {
          code: "conversation/wrong_state",
          message: `Only Active or Wrap-up conversations can be ${verb}; ${is}.`,
        };
      if (c.ownerId === meId || c.participants.includes(meId))
        return {
          code: "supervisor/own_conversation",
          message: `You cannot ${action} a conversation assigned to yourself.`,
        };
      return null;
    }
    case "assign":
      if (c.state !== "open" || c.ownerId)
        return {
          code: "conversation/not_open",
          message: `Only an Open conversation assigned to nobody can be assigned; ${is}.`,
        };
      if (c.transfer) return { code: "transfer/pending", message: `${c.id} has a transfer waiting for its target.` };
      return null;
    case "transfer":
      if (c.state !== "active" && c.state !== "waiting")
        return {
          code: "conversation/wrong_state",
          message: `Only Active or Waiting conversations can be transferred; ${is}.`,
        };
      return (
        abortedRefusal(c) ??
        (c.transfer ? { code: "transfer/pending", message: "A transfer is already in progress." } : null)
      );
    case "force-close":
      return c.state === "closed"
        ? { code: "conversation/wrong_state", message: `Conversation ${c.id} is already closed.` }
        : null;
  }
}

/** Both at once: the setting first, then the conversation. */
export function supervisorRefusal(
  settings: SupervisorSettings,
  action: SupervisorAction,
  c: RuleSubject,
  meId: string,
): Refusal | null {
  return settingRefusal(settings, action) ?? conversationRefusal(action, c, meId);
}

/** Whether the organisation lets a supervisor set a rep's presence (sign out a rep who left, lift RONA). */
export function setPresenceRefusal(settings: SupervisorSettings): Refusal | null {
  return settings.setPresence
    ? null
    : {
        code: "supervisor/set_presence_disabled",
        message: "Setting a rep's presence is turned off for this organisation.",
      };
}

/** The org's reasons for a presence: none for Available, Offline and RONA, or for a presence the org lists none for. */
export function reasonsFor(reasons: PresenceReasons | undefined, presence: Presence): readonly PresenceReason[] {
  return (REASON_PRESENCES as readonly Presence[]).includes(presence)
    ? (reasons?.[presence as keyof PresenceReasons] ?? [])
    : [];
}

/** A reason given with a presence must be one the org lists for that presence. */
export function presenceReasonRefusal(
  reasons: PresenceReasons | undefined,
  presence: Presence,
  reasonId: string | undefined,
): Refusal | null {
  if (reasonId === undefined || reasonsFor(reasons, presence).some((r) => r.id === reasonId)) return null;
  const listed = reasonsFor(reasons, presence).map((r) => r.label);
  return {
    code: "presence/unknown_reason",
    message:
      listed.length > 0
        ? `"${reasonId}" is not a reason for ${presence}; the organisation lists ${listed.join(", ")}.`
        : `The organisation lists no reasons for ${presence}.`,
  };
}
