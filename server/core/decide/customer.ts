// Customers: start a conversation (or carry on their open persistent one), write, end a live chat.
import { conversationIdsOf, openPersistentOf } from "../indexes.js";
import { messageIdByClientId, recentSentiments } from "../thread.js";
import type { Conversation, Message } from "../model.js";
import { fill, isOpenAt } from "../org.js";
import type { Workstream } from "../org.js";
import { fits, workstreamOf } from "../routing.js";
import { conversationSentiment, scoreMessage } from "../sentiment.js";
import type { CommandOf, CustomerActor } from "./common.js";
import {
  assign,
  checkText,
  CUSTOMER,
  customersConversation,
  nextMessageId,
  systemMessage,
  withdrawOffers,
} from "./common.js";
import { routeOne } from "./route.js";
import { sanitizeText } from "../../../src/protocol/sanitize.js";
import { MAX_RATING, MAX_RATING_COMMENT_LENGTH, MIN_RATING } from "../../../src/protocol/vocabulary.js";
import { rateUntil } from "../rating.js";
import { refuse } from "./tx.js";
import type { Tx } from "./tx.js";

export function customerSend(tx: Tx, actor: CustomerActor, command: CommandOf<"customer.message">): void {
  const c = customersConversation(tx.state, actor, command.conversationId);
  customerMessage(tx, c, command.text, command.clientId);
}

export function customerEnd(tx: Tx, actor: CustomerActor, command: CommandOf<"customer.end">): void {
  const { state } = tx;
  const c = customersConversation(state, actor, command.conversationId);
  if (c.mode === "persistent")
    refuse("conversation/customer_cannot_end", "Only a rep can end a persistent conversation.");
  if (c.state === "closed" || c.state === "wrapup")
    refuse("conversation/wrong_state", "This conversation has already ended.");
  withdrawOffers(tx, c);
  systemMessage(tx, c, "customer_ended", workstreamOf(state, c).texts.customerEnded);
  // A removed rep (L4) can never submit a wrap-up reason: only the reps still here wrap up.
  const wrapping = c.ownerId ? [c.ownerId, ...c.participants].filter((id) => !state.users[id]?.deleted) : [];
  if (c.state === "active" && wrapping.length > 0) {
    tx.emit({ type: "wrapup_started", conversationId: c.id, repIds: wrapping, customerEnded: true });
  } else {
    tx.emit({ type: "closed", conversationId: c.id, by: "customer" });
  }
}

/**
 * CSAT: the customer rates their conversation once it has ended (a live one ended by either side, a persistent one
 * ended by the rep), if a rep answered it, once, within RATING_WINDOW_MS of its end. The comment is stored sanitised:
 * it reaches staff terminals.
 */
export function customerRate(tx: Tx, actor: CustomerActor, command: CommandOf<"customer.rate">): void {
  const c = customersConversation(tx.state, actor, command.conversationId);
  const until = rateUntil(c);
  if (c.state !== "wrapup" && c.state !== "closed")
    refuse("rating/not_ended", "You can rate this conversation once it has ended.");
  if (c.rating) refuse("rating/already_given", "You have already rated this conversation.");
  if (!c.lastOwnerId) refuse("rating/not_answered", "No rep answered this conversation: there is nothing to rate.");
  if (until === null || tx.at > until) refuse("rating/expired", "This conversation ended too long ago to be rated.");
  const { score } = command;
  if (!Number.isInteger(score) || score < MIN_RATING || score > MAX_RATING)
    refuse("rating/invalid", `A rating is a whole number from ${MIN_RATING} to ${MAX_RATING}.`);
  const raw = command.comment ?? "";
  if (raw.length > MAX_RATING_COMMENT_LENGTH && [...raw].length > MAX_RATING_COMMENT_LENGTH)
    refuse("rating/invalid", `A comment can be at most ${MAX_RATING_COMMENT_LENGTH} characters.`);
  const comment = sanitizeText(raw).trim();
  tx.emit({
    type: "rating_given",
    conversationId: c.id,
    score,
    ...(comment.length > 0 ? { comment } : {}),
    queueId: c.queueId,
    workstreamId: c.workstreamId,
    repId: c.lastOwnerId,
  });
}

export function startConversation(tx: Tx, actor: CustomerActor, command: CommandOf<"customer.start">): void {
  const { state, at } = tx;
  const ws = state.org.workstreams.find((w) => w.id === command.workstreamId);
  if (!ws) refuse("workstream/not_found", `There is no workstream ${command.workstreamId}.`);
  if (actor.conversationId !== undefined) {
    refuse(
      "auth/forbidden",
      "A conversation token reaches only its own conversation. Reconnect without it to start a new one.",
    );
  }
  const identity = command.identity;
  const authenticated = identity.id !== undefined;
  if (ws.mode === "persistent" && !authenticated) {
    refuse(
      "workstream/authentication_required",
      "Persistent chat needs a signed-in customer, so that the history can follow them.",
    );
  }
  if (ws.mode === "live" && !isOpenAt(ws.operatingHours, at)) refuse("workstream/closed", ws.texts.outsideHours);
  const queue = state.queues[ws.queueId];
  if (!queue || queue.deleted) refuse("queue/not_found", `The queue of workstream ${ws.name} no longer exists.`);
  if (command.text !== undefined) checkText(command.text, false);

  const key = authenticated ? `auth:${identity.id}` : actor.key;
  // A retried start (same clientId, the ack was lost) is the same conversation, not a second one.
  if (command.clientId !== undefined) {
    for (const id of conversationIdsOf(state, key)) {
      const c = state.conversations[id]!;
      const messageId = c.state !== "closed" ? messageIdByClientId(c, CUSTOMER, command.clientId) : undefined;
      if (messageId) {
        tx.result = { conversationId: c.id, resumed: true, messageId };
        return;
      }
    }
  }
  // A returning customer carries on with their open persistent conversation (P5), unless it was aborted (L4): that
  // one can only be ended, so they start a new one, as after an End (P8).
  const existing = ws.mode === "persistent" ? openPersistentOf(state, key) : undefined;
  if (existing && existing.workstreamId === ws.id && !existing.aborted) {
    tx.result = { conversationId: existing.id, resumed: true };
    if (command.text !== undefined) customerMessage(tx, existing, command.text, command.clientId);
    return;
  }

  const id = `c${state.counters.conversation + 1}`;
  const visitorName = `Visitor ${state.counters.visitor + 1}`;
  const name = authenticated ? (identity.name ?? identity.account ?? identity.caseTitle ?? identity.id!) : visitorName;
  const customer = {
    // A visitor's key is their connection's: only that session can see the conversation.
    key,
    authenticated,
    name,
    ...(identity.email !== undefined ? { email: identity.email } : {}),
    ...(identity.phone !== undefined ? { phone: identity.phone } : {}),
    ...(identity.account !== undefined ? { account: identity.account } : {}),
    ...(identity.caseTitle !== undefined ? { caseTitle: identity.caseTitle } : {}),
  };
  const c: Conversation = {
    id,
    workstreamId: ws.id,
    queueId: ws.queueId,
    mode: ws.mode,
    state: "open",
    customer,
    // S8: the customer's name, account or case title; "Visitor N" for an unauthenticated customer.
    title: authenticated ? (identity.name ?? identity.account ?? identity.caseTitle ?? name) : visitorName,
    proactive: command.proactive ?? false,
    context: { ...command.context },
    ownerId: null,
    lastOwnerId: null,
    participants: [],
    consultants: [],
    conference: null,
    transfer: null,
    supervisors: {},
    wrapUpBy: [],
    offerId: null,
    declinedBy: [],
    messages: [],
    messageCount: 0,
    sentiment: 0,
    alert: false,
    createdAt: at,
    queuedAt: at,
    assignedAt: null,
    waitingUntil: null,
    customerEnded: false,
    aborted: null,
    closedAt: null,
    closedBy: null,
  };
  tx.emit({ type: "conversation_created", conversation: c });
  tx.result = { conversationId: id, resumed: false, customerKey: customer.key };
  const created = state.conversations[id]!;
  if (command.text !== undefined) addCustomerMessage(tx, created, command.text, command.clientId);
  // Routing ran after every earlier command, so what is already queued could not be placed then and an arrival
  // frees nothing for it: only the new conversation needs a rep (the tick routes what opening hours release).
  routeOne(tx, created, Infinity);
  if (ws.mode === "live" && created.state === "open" && !created.offerId) queueMessages(tx, created, ws);
}

/** P4: a live customer who has to wait is told their position and the average wait; persistent customers are not. */
function queueMessages(tx: Tx, c: Conversation, ws: Workstream): void {
  const queue = tx.state.queues[c.queueId]!;
  // It joined at the end: found at once from there.
  const position = queue.open.positionOf(c.id);
  const stats = tx.state.waitStats[ws.id];
  const minutes = Math.max(1, Math.round((stats?.meanMs ?? 2 * 60_000) / 60_000));
  systemMessage(tx, c, "queue_position", fill(ws.texts.queuePosition, { position }));
  systemMessage(tx, c, "average_wait", fill(ws.texts.averageWait, { minutes }));
}

function addCustomerMessage(tx: Tx, c: Conversation, text: string, clientId: string | undefined): Message {
  const step = scoreMessage(text);
  const id = nextMessageId(tx);
  const message: Message =
    clientId === undefined
      ? { id, at: tx.at, author: CUSTOMER, text, sentiment: step }
      : { id, at: tx.at, author: CUSTOMER, text, sentiment: step, clientId };
  tx.emit({ type: "message_added", conversationId: c.id, message });
  const sentiment = conversationSentiment(recentSentiments(c));
  const alert = sentiment <= workstreamOf(tx.state, c).sentimentThreshold;
  if (sentiment !== c.sentiment || alert !== c.alert)
    tx.emit({ type: "sentiment_changed", conversationId: c.id, sentiment, alert });
  return message;
}

function customerMessage(tx: Tx, c: Conversation, text: string, clientId: string | undefined): void {
  const earlier = clientId === undefined ? undefined : messageIdByClientId(c, CUSTOMER, clientId);
  if (earlier) {
    tx.result = { ...tx.result, conversationId: c.id, messageId: earlier, duplicate: true };
    return;
  }
  if (c.state === "closed" || c.state === "wrapup")
    refuse("conversation/wrong_state", "This conversation has ended; start a new one.");
  // L4: nobody can carry on an aborted conversation (a Waiting one would go back into its deleted queue): a message
  // would be stored where no rep ever answers it.
  if (c.aborted)
    refuse(
      "conversation/aborted",
      `This conversation was aborted (${c.aborted}) and takes no more messages; please start a new conversation.`,
    );
  checkText(text, false);
  const message = addCustomerMessage(tx, c, text, clientId);
  tx.result = { ...tx.result, conversationId: c.id, messageId: message.id };
  if (c.state !== "waiting") return;
  // The customer came back to a parked persistent chat (P6, P11, P12).
  const ws = workstreamOf(tx.state, c);
  const previous = c.lastOwnerId ? tx.state.users[c.lastOwnerId] : undefined;
  // A supervisor's pending transfer (SV6, SV7) decides who gets it: it waits in the queue for that answer.
  if (ws.autoAssignReturning && !c.transfer && previous && !previous.deleted && fits(previous, ws.capacityCost)) {
    assign(tx, c, previous.id, "auto");
    return;
  }
  tx.emit({ type: "queued", conversationId: c.id, queueId: c.queueId, returning: true });
  tx.touch([c.queueId]);
}
