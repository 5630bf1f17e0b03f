// How long a customer has waited for an answer, and whether that is past their workstream's response target.
// One definition for the server's conversation views and the clients that keep them up to date between views
// (a message arrives on its own, without a new view). Pure; times are the server's.

/** A workstream's response targets (org file `responseTargets`); each one optional. */
export interface ResponseTargets {
  /** A wait this long is worth watching (yellow, △). */
  warnSeconds?: number;
  /** A wait this long is past the target: act now (red, ▲). */
  alertSeconds?: number;
  /** Before the conversation's first answer, the target is this instead of `alertSeconds`. */
  firstResponseSeconds?: number;
}

/** What a conversation's messages say of the customer's wait. */
export interface ReplyWait {
  /**
   * When the customer's oldest message not yet answered was sent: the first customer message after the last
   * message of a rep or supervisor. Null when staff had the last word, or the customer has written nothing.
   */
  customerWaitingSince: number | null;
  /** When a rep or supervisor first wrote in the conversation; null until one has. */
  firstResponseAt: number | null;
}

/** The little of a message this needs: who wrote it, and when. System messages answer nobody. */
interface Said {
  at: number;
  author: { role: string };
}

function isStaff(m: Said): boolean {
  return m.author.role === "rep" || m.author.role === "supervisor";
}

/**
 * The wait of a conversation with these messages (in order). Reads back from the end to the last staff message,
 * and forward to the first one: a long conversation costs what was said since the last answer.
 */
export function replyWaitOf(messages: readonly Said[]): ReplyWait {
  let customerWaitingSince: number | null = null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (isStaff(m)) break;
    if (m.author.role === "customer") customerWaitingSince = m.at;
  }
  const first = messages.find(isStaff);
  return { customerWaitingSince, firstResponseAt: first ? first.at : null };
}

/** The wait after one more message, said after every message before it: what a client does as messages arrive. */
export function replyWaitAfter(wait: ReplyWait, message: Said): ReplyWait {
  if (isStaff(message)) return { customerWaitingSince: null, firstResponseAt: wait.firstResponseAt ?? message.at };
  if (message.author.role === "customer" && wait.customerWaitingSince === null)
    return { ...wait, customerWaitingSince: message.at };
  return wait;
}

/** ok: within the targets (or none set); warn: past `warnSeconds`; late: past the response target. */
export type WaitLevel = "ok" | "warn" | "late";

export interface CustomerWait {
  /** How long the customer has waited, in ms. */
  ms: number;
  level: WaitLevel;
  /** No rep or supervisor has answered yet: the first-response target applies, if the workstream sets one. */
  firstResponse: boolean;
  /** The target that applies, in ms, or null when the workstream sets none. */
  targetMs: number | null;
}

/** The little of a conversation view this needs. */
export interface WaitingConversation extends ReplyWait {
  state: string;
  aborted: string | null;
}

/**
 * The customer's wait at `now` (server time), or null when nobody owes them an answer: staff had the last word,
 * or the conversation is no longer taking messages (Waiting, Wrap-up, Closed, aborted).
 */
export function customerWait(
  view: WaitingConversation,
  targets: ResponseTargets | undefined,
  now: number,
): CustomerWait | null {
  if (view.customerWaitingSince === null || view.aborted !== null) return null;
  if (view.state !== "open" && view.state !== "active") return null;
  const ms = Math.max(0, now - view.customerWaitingSince);
  const firstResponse = view.firstResponseAt === null;
  const targetSeconds = (firstResponse ? targets?.firstResponseSeconds : undefined) ?? targets?.alertSeconds;
  const targetMs = targetSeconds === undefined ? null : targetSeconds * 1000;
  const warnMs = targets?.warnSeconds === undefined ? null : targets.warnSeconds * 1000;
  const level: WaitLevel =
    targetMs !== null && ms >= targetMs ? "late" : warnMs !== null && ms >= warnMs ? "warn" : "ok";
  return { ms, level, firstResponse, targetMs };
}
