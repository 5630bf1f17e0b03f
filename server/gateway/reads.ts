// Requests that only read, answered in their place among a connection's answers: from the gateway's replica
// (core/queries.ts, core/history.ts, core/tally.ts: `status`, `targets`, `open_items`, `today`, `history`) or from
// the committed log (a thread a page at a time, an earlier conversation whole, the event stream, `why`), and the
// live figures.
import type { Actor, DomainEvent, State } from "../core/model.js";
import { staffEvent } from "../core/event-masking.js";
import { customerHistory, earlierConversation } from "../core/history.js";
import { conversationStatus, openItems, transferTargets, whyRefusal } from "../core/queries.js";
import { messageViewer, noteView, threadViewer } from "../core/conversation-views.js";
import type { Clock } from "../clock.js";
import type { CommandChannel } from "../command-channel.js";
import type { Logger } from "../logger.js";
import type { OrgFile } from "../org-file.js";
import { toOrg } from "../org-file.js";
import type { LiveFigures } from "../reports/live.js";
import type { EventStore } from "../store/store.js";
import { whyFromLog } from "../why-answer.js";
import { todayOf } from "../core/tally.js";
import { answerFrame, collect, errorFrame } from "./connection.js";
import type { Connection } from "./connection.js";
import type { Outbox } from "./outbox.js";
import { beforeNumber, threadPage, wholeThread } from "./thread-reads.js";
import type { ReadRequest } from "./to-command.js";
import { MAX_EVENTS_PAGE } from "../../src/protocol/messages.js";
import type { ServerFrame } from "../../src/protocol/messages.js";
import type { Figures } from "../../src/protocol/views.js";
import { MESSAGES_PAGE } from "../../src/protocol/wire.js";

/** What the gateway reads of the log: missed events for a resume, the event stream, `why`, the epoch. */
export type CommittedLog = Pick<
  EventStore<State>,
  "eventsAfter" | "lastSeq" | "loadSnapshot" | "epoch" | "threadPage" | "getMeta"
>;

/** What answering a read takes from the gateway. */
export interface ReadContext {
  /** The replica, as it is when the read is answered. */
  readonly state: State;
  readonly committed: CommittedLog;
  /** The org file in force. */
  orgFile(): OrgFile;
  readonly clock: Clock;
  readonly log: Logger;
  readonly channel: CommandChannel;
  readonly live: LiveFigures;
  /** Where the answers go, in the order of the requests. */
  readonly out: Pick<Outbox, "answerLater" | "replyRead" | "fail">;
  /** The connection closed, or the gateway did: a slow read's answer goes nowhere. */
  gone(connection: Connection): boolean;
  /** A read of the log was answered after `ms` (from its start to its answer handed to the outbox). */
  readDone(what: LogRead, ms: number): void;
}

/** The reads answered from the log. */
export type LogRead = "messages" | "history_conversation" | "events";

/** A request that only reads: answered from the replica (core/queries.ts) or from the log. */
export function answerRead(ctx: ReadContext, connection: Connection, request: ReadRequest): void {
  const reqId = request.reqId;
  const ack = (result: Record<string, unknown>): ServerFrame => ({ type: "ack", reqId, result });
  switch (request.type) {
    case "status": {
      const actor = connection.actor as Actor & { role: "customer" };
      ctx.out.replyRead(connection, () =>
        answerFrame(reqId, conversationStatus(ctx.state, actor, request.conversationId), (status) => status),
      );
      return;
    }
    case "targets":
      ctx.out.replyRead(connection, () => ack(transferTargets(ctx.state, ctx.clock.now())));
      return;
    case "open_items":
      ctx.out.replyRead(connection, () => ack(openItems(ctx.state, connection.userId!)));
      return;
    case "today":
      ctx.out.replyRead(connection, () =>
        ack({ today: todayOf(ctx.state.users[connection.userId!], request.since, ctx.clock.now()) }),
      );
      return;
    case "history":
      ctx.out.replyRead(connection, () =>
        answerFrame(reqId, customerHistory(ctx.state, connection.viewer!, request.conversationId), (items) => ({
          items,
        })),
      );
      return;
    case "history_conversation":
      answerEarlierConversation(ctx, connection, reqId, request.conversationId, request.earlierId);
      return;
    case "messages":
      answerMessages(ctx, connection, request);
      return;
    case "events":
      answerEvents(ctx, connection, reqId, request.fromSeq ?? 1, request.limit ?? MAX_EVENTS_PAGE);
      return;
    case "why":
      answerWhy(ctx, connection, reqId, request.conversationId);
      return;
    case "figures": {
      // Folded up to what is pending, so that no event is folded after the time the figures were taken at.
      const answer = ctx.out.answerLater(connection);
      ctx.channel.settle().then(
        () => answer(ack({ figures: liveFigures(ctx, request.since) })),
        (error: unknown) => {
          ctx.log.error({ err: (error as Error).message }, "figures: the pending events could not be committed");
          answer(errorFrame(reqId, "server/unavailable", "The figures could not be taken; try again."));
        },
      );
      return;
    }
  }
}

/**
 * `messages`: a page of a conversation's thread from the log, as the asker sees it. The first page (no `before`)
 * also carries a staff viewer's notes: a conversation a resume brought holds none yet.
 */
function answerMessages(
  ctx: ReadContext,
  connection: Connection,
  request: Extract<ReadRequest, { type: "messages" }>,
): void {
  const { reqId, conversationId } = request;
  const c = ctx.state.conversations[conversationId];
  const view = c ? threadViewer(ctx.state, connection.viewer!, c) : null;
  if (!c || !view) {
    ctx.out.fail(
      connection,
      reqId,
      "conversation/not_found",
      `There is no conversation ${conversationId} that you can see.`,
    );
    return;
  }
  const before = request.before === undefined ? undefined : beforeNumber(request.before);
  if (request.before !== undefined && before === undefined) {
    ctx.out.fail(connection, reqId, "protocol/invalid", "`before` is the id of a message (such as m42).");
    return;
  }
  const notes = before === undefined && connection.role !== "customer" ? (c.notes ?? []).map(noteView) : undefined;
  answerFromLog(ctx, connection, reqId, "messages", async () => {
    const page = await threadPage(ctx.committed, conversationId, before, request.limit ?? MESSAGES_PAGE);
    const result: Record<string, unknown> = { messages: page.messages.map(view), more: page.more };
    if (notes) result.notes = notes;
    return result;
  });
}

/** `history_conversation`: an earlier conversation of the customer, whole, its thread read from the log. */
function answerEarlierConversation(
  ctx: ReadContext,
  connection: Connection,
  reqId: string,
  conversationId: string,
  earlierId: string,
): void {
  const found = earlierConversation(ctx.state, connection.viewer!, conversationId, earlierId);
  if (!found.ok) {
    ctx.out.fail(connection, reqId, found.error.code, found.error.message);
    return;
  }
  const c = ctx.state.conversations[earlierId]!;
  const view = messageViewer(ctx.state, c, false);
  answerFromLog(ctx, connection, reqId, "history_conversation", async () => ({
    conversation: { ...found.value, messages: (await wholeThread(ctx.committed, earlierId)).map(view) },
  }));
}

/** An answer read from the log, in its place among the answers; a log that cannot be read is said so. */
function answerFromLog(
  ctx: ReadContext,
  connection: Connection,
  reqId: string,
  what: LogRead,
  read: () => Promise<Record<string, unknown>>,
): void {
  const answer = ctx.out.answerLater(connection);
  const started = performance.now();
  read().then(
    (result) => {
      answer({ type: "ack", reqId, result });
      ctx.readDone(what, performance.now() - started);
    },
    (error: unknown) => {
      ctx.log.error({ err: (error as Error).message }, `${what}: the log could not be read`);
      answer(errorFrame(reqId, "server/unavailable", "The log could not be read; try again."));
    },
  );
}

/** A page of the committed log for a supervisor (the event stream), masked as staff see it. */
function answerEvents(ctx: ReadContext, connection: Connection, reqId: string, fromSeq: number, limit: number): void {
  const masking = ctx.state.org.masking;
  answerFromLog(ctx, connection, reqId, "events", async () => {
    const stored = await collect(ctx.committed.eventsAfter(fromSeq - 1, limit));
    return {
      events: stored.map((e) => staffEvent(e as DomainEvent, masking)),
      lastSeq: await ctx.committed.lastSeq(),
    };
  });
}

/**
 * The routing decisions behind where a conversation is (`why`), for a supervisor who may monitor (SV8). It names
 * reps and queues only, nothing of the customer, so there is nothing to mask.
 */
function answerWhy(ctx: ReadContext, connection: Connection, reqId: string, conversationId: string): void {
  const refusal = whyRefusal(ctx.state, conversationId);
  if (refusal) {
    ctx.out.fail(connection, reqId, refusal.code, refusal.message);
    return;
  }
  if (connection.whyUnderWay) {
    ctx.out.fail(
      connection,
      reqId,
      "protocol/rate_limited",
      "One why at a time: wait for the answer before asking again.",
    );
    return;
  }
  connection.whyUnderWay = true;
  const answer = ctx.out.answerLater(connection);
  const gone = (): boolean => ctx.gone(connection);
  whyFromLog(ctx.committed, toOrg(ctx.orgFile()), conversationId, () => ctx.clock.now(), gone)
    .finally(() => (connection.whyUnderWay = false))
    .then(
      (found) => {
        if (gone()) return;
        if (found) answer({ type: "ack", reqId, result: found as unknown as Record<string, unknown> });
        // Not committed yet (it was created in the commit under way): asked again, it is there.
        else answer(errorFrame(reqId, "conversation/not_found", `There is no conversation ${conversationId} yet.`));
      },
      (error: unknown) => {
        ctx.log.error({ err: (error as Error).message, conversationId }, "why: the log could not be read");
        if (!gone()) answer(errorFrame(reqId, "server/unavailable", "The log could not be read; try again."));
      },
    );
}

/** The live figures as of now; with `since`, each rep's figures of the day from it. */
function liveFigures(ctx: ReadContext, since: number | undefined): Figures {
  const now = ctx.clock.now();
  const figures = ctx.live.figures(now, ctx.state.org);
  if (since === undefined) return figures;
  const reps = figures.reps.map((r) => ({ ...r, today: todayOf(ctx.state.users[r.repId], since, now) }));
  return { ...figures, reps };
}
