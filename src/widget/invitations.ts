// Proactive invitations (SPEC PC1-PC7): the org's rules, each waiting for its time on page, show an invitation to the
// customers they target; it closes after a minute unless answered, and accepting it starts a chat flagged proactive.
import type { Elements } from "./elements.js";
import { inTimeFrame, urlMatches } from "./rules.js";
import type { InvitationRule } from "./rules.js";
import type { WidgetState } from "./state.js";
import { storageGet, storageSet } from "./storage.js";
import type { Entry, RequestError, RequestResult, WorkstreamConfig } from "./types.js";

/** SPEC PC4: an invitation the customer neither accepts nor dismisses closes after one minute. Fixed: no setting changes it. */
const INVITATION_TIMEOUT_MS = 60000;

export interface InvitationDeps {
  elements: Pick<Elements, "host" | "invitationText">;
  /** The "returning" audience: this browser has been on a page with this widget before. */
  returning: boolean;
  /** The sessionStorage key of the rules the customer dismissed in this tab. */
  dismissedKey: string;
  workstream(id: string): WorkstreamConfig | null;
  pageUrl(): string;
  timeOnPageMs(): number;
  contextVariables(extra?: Record<string, string>): Record<string, string>;
  currentEntry(): Entry | null;
  openPanel(): void;
  startConversation(body: Record<string, unknown>): Promise<RequestResult>;
  render(): void;
  showError(message: string): void;
}

export function createInvitations(state: WidgetState, deps: InvitationDeps) {
  const { host, invitationText } = deps.elements;
  const { returning, dismissedKey, workstream, pageUrl, timeOnPageMs, contextVariables, currentEntry } = deps;
  const { openPanel, startConversation, render, showError } = deps;

  /** PC1, target audience. */
  function inAudience(rule: InvitationRule): boolean {
    if (rule.audience === "authenticated") return !!state.identity;
    if (rule.audience === "returning") return returning;
    return true;
  }

  /** A rule can invite now: audience, time frame, target location, and a workstream that can take the chat. */
  function ruleApplies(rule: InvitationRule): boolean {
    const ws = workstream(rule.workstream);
    if (!ws) return false;
    if (ws.mode === "persistent" && !state.identity) return false; // persistent chat needs a signed-in customer (P9)
    if (ws.mode === "live" && !ws.open) return false; // nobody to answer (P2)
    return inAudience(rule) && inTimeFrame(rule, Date.now()) && urlMatches(rule.urlPattern, pageUrl());
  }

  function dismissedRules(): string[] {
    return (storageGet("sessionStorage", dismissedKey) || "").split(",").filter(Boolean);
  }

  function hasOngoingConversation(): boolean {
    const entry = currentEntry();
    return !!entry && !entry.view.ended && entry.view.state !== "closed";
  }

  function cancelInvitations(): void {
    for (const timer of state.ruleTimers) clearTimeout(timer);
    state.ruleTimers = [];
  }

  /** PC1, customer journey: each rule fires once its time on page is reached. PC3: nothing when proactive is off. */
  function scheduleInvitations(): void {
    cancelInvitations();
    if (!state.config || !state.config.proactive || state.invitationShown) return;
    for (const rule of state.config.rules || []) {
      const wait = Math.max(0, rule.timeOnPageSeconds * 1000 - timeOnPageMs());
      state.ruleTimers.push(setTimeout(() => maybeInvite(rule), wait));
    }
  }

  function maybeInvite(rule: InvitationRule): void {
    if (state.invitation || state.invitationShown || state.panelOpen || hasOngoingConversation()) return;
    if (dismissedRules().indexOf(rule.id) !== -1 || !ruleApplies(rule)) return;
    showInvitation(rule);
  }

  /** PC4: the invitation shows, and closes itself after exactly one minute unless answered. */
  function showInvitation(rule: InvitationRule): void {
    state.invitationShown = true;
    cancelInvitations();
    invitationText.textContent = rule.message;
    const timer = setTimeout(() => closeInvitation("expired"), INVITATION_TIMEOUT_MS);
    state.invitation = { rule, timer, shownAt: Date.now() };
    render();
  }

  function closeInvitation(reason: "dismissed" | "expired" | "opened" | "accepted"): void {
    if (!state.invitation) return;
    clearTimeout(state.invitation.timer);
    const rule = state.invitation.rule;
    state.invitation = null;
    host.dataset.invitation = reason;
    if (reason === "dismissed") storageSet("sessionStorage", dismissedKey, dismissedRules().concat(rule.id).join(","));
    render();
  }

  /** PC5-PC7: accepting starts a conversation flagged proactive, with the page URL and time on page. */
  function acceptInvitation(): void {
    const invited = state.invitation;
    if (!invited) return;
    const context = contextVariables({ invitation: invited.rule.id });
    closeInvitation("accepted");
    const intro: { text: string; conversationId: string | null } = {
      text: invited.rule.message,
      conversationId: null,
    };
    state.invitationIntro = intro;
    openPanel();
    startConversation({ workstream: invited.rule.workstream, proactive: true, context }).then(
      (result) => {
        if (typeof result.conversationId === "string") intro.conversationId = result.conversationId;
        render();
      },
      (error: RequestError) => {
        state.invitationIntro = null;
        showError(error.message);
        render();
      },
    );
  }

  return { scheduleInvitations, cancelInvitations, closeInvitation, acceptInvitation };
}
